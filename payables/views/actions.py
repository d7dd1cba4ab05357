"""
A payable's actions on its pages: one ``Action`` row per action says who is offered it (side,
capability, the fsm transition that must be possible now), its link, its confirm dialog (title,
text, input fields, button), the service it calls with the API's own input serializer in front,
and what the page says once it is done. The list rows, the detail page, the confirm step and
the result message are all read from ``ACTIONS``.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django_fsm import can_proceed

from accounts.permissions import Capability, role_allows, roles_of
from cleopay.core.formats import format_date, format_money
from cleopay.core.web import (
    business_page,
    done,
    render_confirm,
    safe_next,
    service_errors,
    transition_message,
    validated,
)
from payables import selectors, services
from payables.inputs import CancelInput, DeclineInput, PayInput, ScheduleInput
from payables.models import Payable, PayableStatus, PaymentMethod, PaymentStatus
from payables.querysets import PAYEE, PAYER, side_of
from payables.views.common import payable_or_404

# --- what each action does ---------------------------------------------------------------------


def _form(request, *names: str) -> dict:
    """The named fields the form filled in (a blank one is left out, as an API client would)."""
    return {name: request.POST[name] for name in names if request.POST.get(name, "").strip()}


def _approve(request, payable: Payable, business_id: str) -> Payable:
    return services.payable_approve(payable_id=payable.pk, actor=request.user)


def _decline(request, payable: Payable, business_id: str) -> Payable:
    data = validated(DeclineInput, {"reason": request.POST.get("reason", "")})
    return services.payable_decline(
        payable_id=payable.pk, actor=request.user, reason=data["reason"]
    )


def _schedule(request, payable: Payable, business_id: str) -> Payable:
    data = validated(
        ScheduleInput, {"date": request.POST.get("date", ""), **_form(request, "amount")}
    )
    return services.payable_schedule(
        payable_id=payable.pk, actor=request.user, on=data["date"], amount=data.get("amount")
    )


def _unschedule(request, payable: Payable, business_id: str) -> Payable:
    return services.payable_unschedule(payable_id=payable.pk, actor=request.user)


def _pay(request, payable: Payable, business_id: str) -> Payable:
    data = validated(PayInput, _form(request, "amount", "method", "reference", "date"))
    if data["method"] == PaymentMethod.ACH:
        data.pop("date", None)  # the form always sends one; ACH pays today
    services.payable_pay(
        payable_id=payable.pk,
        actor=request.user,
        amount=data.get("amount"),
        method=data["method"],
        reference=data["reference"],
        on=data.get("date"),
    )
    return Payable.objects.get(pk=payable.pk)  # re-read: paid, or approved after a failure


def _cancel(request, payable: Payable, business_id: str) -> Payable:
    data = validated(CancelInput, {"reason": request.POST.get("reason", "")})
    cancelled, _acting = services.payable_cancel(
        payable_id=payable.pk,
        actor=request.user,
        reason=data.get("reason", ""),
        business_id=business_id,
    )
    return cancelled


def _not_duplicate(request, payable: Payable, business_id: str) -> Payable:
    return services.payable_not_duplicate(payable_id=payable.pk, actor=request.user)


def _submit(request, payable: Payable, business_id: str) -> Payable:
    return services.payable_submit(payable_id=payable.pk, actor=request.user)


# --- what it says after ------------------------------------------------------------------------


def _approved(payable: Payable, other: str) -> str:
    if payable.status == PayableStatus.APPROVED:
        return f"{payable.invoice_number} approved."
    return (
        f"Your approval of {payable.invoice_number} is recorded; "
        "it now waits for the next approver."
    )


def _scheduled(payable: Payable, other: str) -> str:
    payment = payable.payments.order_by("-created_at").first()
    when = format_date(payment.scheduled_for) if payment else "the chosen date"
    return f"Payment of {payable.invoice_number} scheduled for {when}."


def _paid(payable: Payable, other: str) -> str:
    number = payable.invoice_number
    if payable.status == PayableStatus.PAID:
        return f"{number} paid: the money is on its way to {other}."
    last = payable.payments.order_by("-created_at").first()
    if last and last.status == PaymentStatus.COMPLETED:
        return (
            f"{format_money(last.amount)} of {number} paid; "
            f"{format_money(payable.amount_due)} is still due."
        )
    reason = f" ({last.failure_reason})" if last and last.failure_reason else ""
    return f"The payment of {number} failed{reason}; it is still approved."


# --- the table ---------------------------------------------------------------------------------

# (payable, the other side's name) → text
Text = Callable[[Payable, str], str]


@dataclass(frozen=True, eq=False)
class Action:
    """One action on a payable, everything its pages need to offer it, confirm it and run it."""

    name: str
    # Who is offered it: per side, the capability needed there and the fsm transition (a
    # ``Payable`` method name; or a property, ``is_editable``) that must be possible now.
    # ``"awaiting"`` in its place: the payable awaits the user's approval (which implies the
    # capability).
    offered: dict[str, tuple[Capability, str]]
    link: str  # the link that offers it ("Approve…")
    # The confirm step and the action; ``run`` None: the action is a page of its own (the
    # editor), with no confirm step here.
    button: str = ""  # the confirm step's button
    title: str = ""  # the confirm step's title: ``{number}``, ``{other}``
    confirm: Text | None = None  # the confirm step's text
    run: Callable | None = None  # (request, payable, business_id) → the payable after it
    result: Text | None = None  # what the page says once done
    danger: bool = False
    fields_template: str | None = None  # the confirm step's inputs
    style: str = ""  # the link's button style: "primary", "quiet" or plain
    in_rows: bool = True  # offered in place on list rows too (else on the payable's page only)

    def __str__(self) -> str:
        return self.name

    def confirm_title(self, payable: Payable, other: str) -> str:
        return self.title.format(number=payable.invoice_number, other=other)


def _amount_due(payable: Payable) -> str:
    return format_money(payable.amount_due)


# In the order pages offer them (each side's in this order).
ACTIONS: dict[str, Action] = {
    action.name: action
    for action in (
        Action(
            "edit",
            offered={PAYEE: (Capability.INVOICE, "is_editable")},
            link="Edit",
        ),
        Action(
            "submit",
            offered={PAYEE: (Capability.INVOICE, "submit")},
            link="Submit…",
            button="Submit",
            title="Submit {number} to {other}?",
            confirm=lambda p, other: (
                f"{format_money(p.amount)}, due {format_date(p.due_date)}. {other} can review it "
                "from then on; you can no longer edit it unless they decline it."
            ),
            run=_submit,
            result=lambda p, other: f"{p.invoice_number} submitted to {other}.",
            style="primary",
            in_rows=False,
        ),
        Action(
            "approve",
            offered={PAYER: (Capability.APPROVE, "awaiting")},
            link="Approve…",
            button="Approve",
            title="Approve {number}?",
            confirm=lambda p, other: (
                f"{other} · {format_money(p.amount)} · due {format_date(p.due_date)}."
            ),
            run=_approve,
            result=_approved,
            style="primary",
        ),
        Action(
            "decline",
            offered={PAYER: (Capability.APPROVE, "awaiting")},
            link="Decline…",
            button="Decline",
            title="Decline {number}?",
            confirm=lambda p, other: (
                f"It goes back to {other} with your reason, to correct and resubmit."
            ),
            run=_decline,
            result=lambda p, other: f"{p.invoice_number} declined and returned to {other}.",
            danger=True,
            fields_template="payables/_reason_field.html",
        ),
        Action(
            "not-duplicate",
            offered={PAYER: (Capability.APPROVE, "is_flagged_duplicate")},
            link="Not a duplicate…",
            button="Not a duplicate",
            title="Is {number} not a duplicate?",
            confirm=lambda p, other: (
                "The warning is cleared for everyone on your team; the timeline records that "
                "you checked it."
            ),
            run=_not_duplicate,
            result=lambda p, other: f"{p.invoice_number} is no longer flagged as a duplicate.",
            style="quiet",
            in_rows=False,
        ),
        Action(
            "schedule",
            offered={PAYER: (Capability.PAY, "schedule")},
            link="Schedule…",
            button="Schedule payment",
            title="Schedule the payment of {number}",
            confirm=lambda p, other: (
                f"{format_money(p.amount)} to {other}, paid automatically on the date you "
                f"choose. Due {format_date(p.due_date)}."
            ),
            run=_schedule,
            result=_scheduled,
            fields_template="payables/_schedule_fields.html",
        ),
        Action(
            "pay",
            offered={PAYER: (Capability.PAY, "pay")},
            link="Pay now…",
            button="Pay now",
            title="Pay {number}",
            confirm=lambda p, other: (
                f"{_amount_due(p)} goes to {other} now. An ACH payment cannot be undone; a "
                "payment made outside (check, wire, card, other) is recorded as paid."
            ),
            run=_pay,
            result=_paid,
            fields_template="payables/_pay_fields.html",
            style="primary",
        ),
        Action(
            "unschedule",
            offered={PAYER: (Capability.PAY, "unschedule")},
            link="Unschedule…",
            button="Unschedule",
            title="Unschedule the payment of {number}?",
            confirm=lambda p, other: (
                "The scheduled payment is cancelled; the invoice stays approved."
            ),
            run=_unschedule,
            result=lambda p, other: (
                f"{p.invoice_number} unscheduled: it is approved and waits to be paid."
            ),
            style="quiet",
            in_rows=False,
        ),
        Action(
            "cancel",
            offered={
                PAYEE: (Capability.INVOICE, "cancel_by_payee"),
                PAYER: (Capability.PAY, "cancel_by_payer"),
            },
            link="Cancel invoice…",
            button="Cancel invoice",
            title="Cancel {number}?",
            confirm=lambda p, other: "A cancelled invoice cannot be reopened.",
            run=_cancel,
            result=lambda p, other: f"{p.invoice_number} cancelled.",
            danger=True,
            fields_template="payables/_reason_field.html",
            style="quiet",
            in_rows=False,
        ),
    )
}
# Each side's actions, in the table's order: the order its pages offer them.
BY_SIDE = {side: [a for a in ACTIONS.values() if side in a.offered] for side in (PAYEE, PAYER)}


def _possible(payable: Payable, transition: str) -> bool:
    if transition.startswith("is_"):
        return getattr(payable, transition)
    return can_proceed(getattr(payable, transition))


def offered(
    *, user, payable: Payable, business_id: str, awaiting: bool | None = None
) -> list[Action]:
    """What ``user`` may do now to ``payable`` as ``business_id``, in the order pages offer it.

    Read from the same sources the services check (the role table, the fsm transitions, who
    the payable awaits), so a page offers what a click would be allowed to do; the service still
    decides when it runs. ``awaiting``: whether the payable awaits the user's approval, when the
    caller knows already (a list computes it once for all its rows); else one query here.
    """
    side = side_of(payable, business_id)
    if side is None:
        return []
    role = roles_of(user).get(business_id)
    actions = []
    for action in BY_SIDE[side]:
        capability, transition = action.offered[side]
        if transition == "awaiting":
            if awaiting is None:
                awaiting = selectors.awaits_approval(
                    user=user, payable=payable, business_id=business_id
                )
            if awaiting:
                actions.append(action)
        elif role_allows(role, capability) and _possible(payable, transition):
            actions.append(action)
    return actions


# --- the page ----------------------------------------------------------------------------------


def _confirm_or_away(request, *, action: Action, payable: Payable, business_id: str, detail_url):
    """None when the confirm step may be shown; else the answer instead of it. An action never
    offered to the viewer's side and role has no confirm step (404); one the status does not
    allow now leads back to the payable."""
    side = side_of(payable, business_id)
    capability, _transition = action.offered.get(side, (None, None))
    if capability is None or not request.can[capability.value]:
        raise Http404("Not found.")
    if action in offered(user=request.user, payable=payable, business_id=business_id):
        return None
    messages.info(request, transition_message(action=action.name, current_status=payable.status))
    if request.htmx:
        response = HttpResponse(status=204)
        response["HX-Redirect"] = detail_url
        return response
    return redirect(detail_url)


@business_page()
def payable_action(request, business_id: str, payable_id: str, action: str):
    """The confirm step (GET) and the action itself (POST) for one payable."""
    spec = ACTIONS.get(action)
    if spec is None or spec.run is None:
        raise Http404("Not found.")
    payable = payable_or_404(request, business_id, payable_id)
    other = payable.payee if side_of(payable, business_id) == PAYER else payable.payer
    detail_url = reverse("payable-detail", args=[business_id, payable_id])
    next_url = safe_next(request, detail_url)
    problems = None
    if request.method != "POST":
        away = _confirm_or_away(
            request, action=spec, payable=payable, business_id=business_id, detail_url=detail_url
        )
        if away is not None:
            return away
    if request.method == "POST":
        with service_errors() as problems:
            changed = spec.run(request, payable, business_id)
        if not problems:
            return done(request, spec.result(changed, other.name), next_url)
    today = timezone.now().date()
    context = {
        "payable": payable,
        "values": request.POST if request.method == "POST" else {},
        "today": today.isoformat(),
        "default_date": max(today, payable.due_date).isoformat(),
        "reason_required": spec.name == "decline",
        "amount_due": f"{payable.amount_due:.2f}",
        "payment_methods": PaymentMethod.choices,
    }
    return render_confirm(
        request,
        title=spec.confirm_title(payable, other.name),
        text=spec.confirm(payable, other.name),
        action_url=request.path,
        button=spec.button,
        danger=spec.danger,
        next_url=next_url,
        fields_template=spec.fields_template,
        context=context,
        problems=problems,
    )
