"""
Pages of payables: the payer's inbox, the payee's invoices, a payable's detail with its actions,
and the invoice editor.

Every read goes through ``payables.selectors`` (scoped to the caller, a foreign payable is a
404) and every change through ``payables.services``, with the API's own input serializers in
front: a page refuses exactly what the API refuses, with the same messages.
"""

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from accounts.permissions import Capability
from approvals.domain import custom_field_definitions
from approvals.selectors import connection_custom_field_list
from cleopay.core.formats import format_date, format_money
from cleopay.core.web import (
    Problems,
    business_page,
    done,
    option_tags,
    page_offset,
    render_confirm,
    safe_next,
    service_errors,
    transition_message,
    validated,
)
from connections.models import Connection, ConnectionStatus
from connections.selectors import connection_choices, connection_list, tag_list
from files import selectors as file_selectors
from files import services as file_services
from payables import selectors, services
from payables.editor import BOOLEAN_CHOICES, EditorForm, LineRow, split_definitions
from payables.models import Payable, PayableStatus, PaymentMethod, PaymentStatus
from payables.serializers import (
    CancelInput,
    DeclineInput,
    PayableCreateInput,
    PayableSerializer,
    PayableUpdateInput,
    PayInput,
    ScheduleInput,
)

S = PayableStatus
PAGE_SIZE = 50
FILTERS = ("connectionId", "dueAfter", "dueBefore", "amountMin", "amountMax", "tag", "search")


@dataclass(frozen=True)
class Tab:
    key: str
    label: str
    params: dict


def _status_tab(status: PayableStatus) -> Tab:
    return Tab(status.value.lower(), status.label, {"status": status.value})


INBOX_TABS = [
    Tab("awaiting", "Awaiting my approval", {"awaitingMyApproval": "true"}),
    *(_status_tab(s) for s in (S.SUBMITTED, S.APPROVED, S.SCHEDULED, S.DECLINED, S.PAID)),
    _status_tab(S.CANCELLED),
    Tab("all", "All", {}),
]
OUTGOING_TABS = [
    Tab("all", "All", {}),
    Tab("draft", "Drafts", {"status": S.DRAFT.value}),
    *(_status_tab(s) for s in (S.SUBMITTED, S.APPROVED, S.SCHEDULED, S.DECLINED, S.PAID)),
    _status_tab(S.CANCELLED),
]
# What an empty tab says, by direction and tab.
EMPTY_TEXT = {
    "incoming": {
        "awaiting": "Nothing awaits your approval.",
        "submitted": "No bills are waiting for approval.",
        "approved": "No approved bills are waiting to be paid.",
        "scheduled": "No payments are scheduled.",
        "declined": "No declined bills.",
        "paid": "No paid bills yet.",
        "cancelled": "No cancelled bills.",
        "all": "No bills yet. Invoices your suppliers send you appear here.",
        "filtered": "No bills match these filters.",
    },
    "outgoing": {
        "all": "No invoices yet. Write one with New invoice.",
        "draft": "No drafts.",
        "submitted": "No invoices are waiting for your customers' approval.",
        "approved": "No approved invoices are waiting to be paid.",
        "scheduled": "No invoices have a payment scheduled.",
        "declined": "No declined invoices: nothing to correct.",
        "paid": "No paid invoices yet.",
        "cancelled": "No cancelled invoices.",
        "filtered": "No invoices match these filters.",
    },
}
# Actions a list row offers in place; the rest are on the payable's page.
ROW_ACTIONS = ("approve", "decline", "schedule", "pay")


@dataclass
class Row:
    payable: Payable
    counterparty: str
    actions: list[str]


def _list_page(request, business_id: str, *, direction: str, tabs: list[Tab], template: str):
    """A page of the business's payables in one direction: tabs, filters, rows, their actions."""
    tab_keys = {tab.key: tab for tab in tabs}
    default = tabs[0].key
    if direction == "incoming" and not request.can["approve"]:
        default = "all"
    tab = tab_keys.get(request.GET.get("tab", ""), tab_keys[default])
    filters = {name: request.GET.get(name, "").strip() for name in FILTERS}
    params = {"direction": direction, **tab.params, **{k: v for k, v in filters.items() if v}}
    offset = page_offset(request)

    may_approve = direction == "incoming" and request.can["approve"]
    if direction == "incoming" and not may_approve:
        tabs = [t for t in tabs if t.key != "awaiting"]
    statuses = [t.params["status"] for t in tabs if "status" in t.params]
    page: list[Payable] = []
    counts: dict[str, int] = {}
    with service_errors() as problems:
        queryset = selectors.payable_list(
            business_id=business_id, user=request.user, params=params
        ).select_related("connection")
        page = list(queryset[offset : offset + PAGE_SIZE + 1])
        # The tabs count what the filters leave, each tab's status in place of the current one.
        counts = selectors.payable_tab_counts(
            business_id=business_id,
            user=request.user,
            params={k: v for k, v in params.items() if k not in ("status", "awaitingMyApproval")},
            statuses=statuses,
            awaiting=may_approve,
        )
    has_next = len(page) > PAGE_SIZE
    page = page[:PAGE_SIZE]

    awaiting = set()
    if direction == "incoming" and page:
        awaiting = selectors.awaiting_ids(
            user=request.user, business_id=business_id, payable_ids=[p.pk for p in page]
        )
    rows = []
    for payable in page:
        other = payable.payee if direction == "incoming" else payable.payer
        actions = selectors.payable_actions(
            user=request.user,
            payable=payable,
            business_id=business_id,
            awaiting=payable.pk in awaiting,
        )
        rows.append(
            Row(
                payable=payable,
                counterparty=payable.connection.alias_of(business_id) or other.name,
                actions=[a for a in actions if a in ROW_ACTIONS or a == "edit"],
            )
        )

    connections = connection_choices(
        business_id=business_id, side="payer" if direction == "incoming" else "payee"
    )
    context = {
        "direction": direction,
        "tabs": tabs,
        "tab": tab,
        "tab_counts": [(t, counts.get(t.params.get("status", t.key), 0)) for t in tabs],
        "rows": rows,
        "filters": filters,
        "filtered": any(filters.values()),
        "empty_text": EMPTY_TEXT[direction]["filtered" if any(filters.values()) else tab.key],
        "problems": problems,
        "connection_options": option_tags(connections, filters["connectionId"]),
        "tags": tag_list(business_id=business_id),
        "offset": offset,
        "previous_offset": max(0, offset - PAGE_SIZE) if offset else None,
        "next_offset": offset + PAGE_SIZE if has_next else None,
        "today": timezone.now().date(),
    }
    if may_approve and not context["filtered"] and "awaiting" in counts:
        # Read once, shown by the tab and the menu's badge alike (the badge counts everything
        # awaiting, so with filters on it is read on its own).
        context["awaiting_count"] = counts["awaiting"]
    return render(request, template, context, status=problems.status if problems else 200)


@business_page()
def inbox(request, business_id: str):
    """The payer's inbox: incoming payables by status, what awaits my approval first."""
    return _list_page(
        request,
        business_id,
        direction="incoming",
        tabs=INBOX_TABS,
        template="payables/inbox.html",
    )


@business_page()
def invoices(request, business_id: str):
    """The payee's invoices: outgoing payables by status, drafts included."""
    return _list_page(
        request,
        business_id,
        direction="outgoing",
        tabs=OUTGOING_TABS,
        template="payables/invoices.html",
    )


# --- one payable ----------------------------------------------------------------------------------


def _payable_or_404(request, business_id: str, payable_id: str) -> Payable:
    """The payable as ``business_id`` sees it (404 unless the caller may see it from there)."""
    with service_errors():
        payable, _viewing = selectors.payable_get(
            user=request.user, payable_id=payable_id, prefer=business_id
        )
    return payable


def _custom_rows(values: dict, definitions: dict) -> list[tuple[str, object]]:
    """(label, value) of a payable's or a line's custom fields, labelled by the payer's fields."""
    rows = []
    for key, value in (values or {}).items():
        definition = definitions.get(key)
        label = definition.label if definition is not None else key
        if isinstance(value, bool):
            value = "Yes" if value else "No"
        rows.append((label, value))
    return rows


@business_page()
def payable_detail(request, business_id: str, payable_id: str):
    payable = _payable_or_404(request, business_id, payable_id)
    with service_errors():
        events = list(
            selectors.payable_event_list(
                user=request.user, payable_id=payable_id, prefer=business_id
            )
        )
    incoming = business_id == payable.payer_id
    definitions = {d.key: d for d in custom_field_definitions(business_id=payable.payer_id)}
    approval = None
    if incoming:
        serializer = PayableSerializer(payable, context={"business_id": business_id})
        approval = serializer.get_approval(payable)
    other = payable.payee if incoming else payable.payer
    context = {
        "payable": payable,
        "incoming": incoming,
        "counterparty": payable.connection.alias_of(business_id) or other.name,
        "other": other,
        "actions": selectors.payable_actions(
            user=request.user, payable=payable, business_id=business_id
        ),
        "events": events,
        "approval": approval,
        "approval_steps": _approval_steps(approval),
        "custom_rows": _custom_rows(payable.custom_fields, definitions),
        "lines": [
            (line, _custom_rows(line.custom_fields, definitions))
            for line in payable.line_items.all()
        ],
        "line_custom": any(line.custom_fields for line in payable.line_items.all()),
    }
    return render(request, "payables/detail.html", context)


def _approval_steps(approval: dict | None) -> list[dict]:
    """The review's steps for display: who may approve, who did (and when), and each step's
    state (done, current, waiting, declined), from the API's ``approval`` object."""
    if not approval:
        return []
    current = approval.get("currentStep")
    steps = []
    for index, step in enumerate(approval.get("steps") or []):
        decisions = [
            {**decision, "at": parse_datetime(decision["at"]) if decision.get("at") else None}
            for decision in step.get("approvals") or []
        ]
        approved = [d for d in decisions if d.get("decision") == "approved"]
        declined = [d for d in decisions if d.get("decision") == "declined"]
        required = step.get("requiredApprovals", 1)
        if declined:
            state = "declined"
        elif len(approved) >= required:
            state = "done"
        elif current is not None and step.get("position", index) == current:
            state = "current"
        else:
            state = "waiting"
        deciders = {d["user"]["id"] for d in decisions if d.get("user")}
        steps.append(
            {
                "number": index + 1,
                "required": required,
                "approved": len(approved),
                "decisions": decisions,
                "state": state,
                "waiting_on": [u for u in step.get("approvers") or [] if u["id"] not in deciders],
            }
        )
    return steps


def payable_redirect(request, payable_id: str):
    """``/payables/<id>`` (the link in e-mails): the payable's page in the right business."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    with service_errors():
        business_id = selectors.viewing_business(user=request.user, payable_id=payable_id)
    return redirect("payable-detail", business_id=business_id, payable_id=payable_id)


# --- actions ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Action:
    """One action on a payable: its confirm step, its input, its service, what it says after."""

    button: str
    title: str
    danger: bool = False
    fields_template: str | None = None


ACTIONS = {
    "approve": Action("Approve", "Approve {number}?"),
    "decline": Action(
        "Decline",
        "Decline {number}?",
        danger=True,
        fields_template="payables/_reason_field.html",
    ),
    "schedule": Action(
        "Schedule payment",
        "Schedule the payment of {number}",
        fields_template="payables/_schedule_fields.html",
    ),
    "unschedule": Action("Unschedule", "Unschedule the payment of {number}?"),
    "pay": Action("Pay now", "Pay {number}", fields_template="payables/_pay_fields.html"),
    "cancel": Action(
        "Cancel invoice",
        "Cancel {number}?",
        danger=True,
        fields_template="payables/_reason_field.html",
    ),
    "submit": Action("Submit", "Submit {number} to {other}?"),
}


# Who may ever take each action, by side: the capability it needs there. An action outside
# this table for the viewer's side and role has no confirm page (404); one the status does not
# allow now leads back to the payable.
ACTION_CAPABILITIES = {
    "payee": {"submit": Capability.INVOICE, "cancel": Capability.INVOICE},
    "payer": {
        "approve": Capability.APPROVE,
        "decline": Capability.APPROVE,
        "schedule": Capability.PAY,
        "unschedule": Capability.PAY,
        "pay": Capability.PAY,
        "cancel": Capability.PAY,
    },
}


def _confirm_or_away(request, *, action: str, payable: Payable, business_id: str, detail_url):
    """None when the confirm step may be shown; else the answer instead of it."""
    side = "payer" if business_id == payable.payer_id else "payee"
    capability = ACTION_CAPABILITIES[side].get(action)
    if capability is None or not request.can[capability.value]:
        raise Http404("Not found.")
    if action in selectors.payable_actions(
        user=request.user, payable=payable, business_id=business_id
    ):
        return None
    messages.info(
        request,
        transition_message(action=action, current_status=payable.status),
    )
    if request.htmx:
        response = HttpResponse(status=204)
        response["HX-Redirect"] = detail_url
        return response
    return redirect(detail_url)


def _form(request, *names: str) -> dict:
    """The named fields the form filled in (a blank one is left out, as an API client would)."""
    return {name: request.POST[name] for name in names if request.POST.get(name, "").strip()}


def _run_action(name: str, *, request, payable: Payable, business_id: str) -> Payable:
    """Validate the action's input with the API's serializer and call its service."""
    actor, payable_id = request.user, payable.pk
    if name == "approve":
        return services.payable_approve(payable_id=payable_id, actor=actor)
    if name == "decline":
        data = validated(DeclineInput, {"reason": request.POST.get("reason", "")})
        return services.payable_decline(payable_id=payable_id, actor=actor, reason=data["reason"])
    if name == "schedule":
        data = validated(
            ScheduleInput, {"date": request.POST.get("date", ""), **_form(request, "amount")}
        )
        return services.payable_schedule(
            payable_id=payable_id, actor=actor, on=data["date"], amount=data.get("amount")
        )
    if name == "unschedule":
        return services.payable_unschedule(payable_id=payable_id, actor=actor)
    if name == "pay":
        data = validated(PayInput, _form(request, "amount", "method", "reference", "date"))
        if data["method"] == PaymentMethod.ACH:
            data.pop("date", None)  # the form always sends one; ACH pays today
        services.payable_pay(
            payable_id=payable_id,
            actor=actor,
            amount=data.get("amount"),
            method=data["method"],
            reference=data["reference"],
            on=data.get("date"),
        )
        return Payable.objects.get(pk=payable_id)  # re-read: paid, or approved after a failure
    if name == "cancel":
        data = validated(CancelInput, {"reason": request.POST.get("reason", "")})
        cancelled, _acting = services.payable_cancel(
            payable_id=payable_id,
            actor=actor,
            reason=data.get("reason", ""),
            business_id=business_id,
        )
        return cancelled
    if name == "submit":
        return services.payable_submit(payable_id=payable_id, actor=actor)
    raise Http404("Not found.")


def _result_message(name: str, payable: Payable, other_name: str) -> str:
    number = payable.invoice_number
    if name == "approve":
        if payable.status == S.APPROVED:
            return f"{number} approved."
        return f"Your approval of {number} is recorded; it now waits for the next approver."
    if name == "decline":
        return f"{number} declined and returned to {other_name}."
    if name == "schedule":
        payment = payable.payments.order_by("-created_at").first()
        when = format_date(payment.scheduled_for) if payment else "the chosen date"
        return f"Payment of {number} scheduled for {when}."
    if name == "unschedule":
        return f"{number} unscheduled: it is approved and waits to be paid."
    if name == "pay":
        if payable.status == S.PAID:
            return f"{number} paid: the money is on its way to {other_name}."
        failed = payable.payments.order_by("-created_at").first()
        if failed and failed.status == PaymentStatus.COMPLETED:
            return f"{format_money(failed.amount)} of {number} paid; {format_money(payable.amount_due)} is still due."
        reason = f" ({failed.failure_reason})" if failed and failed.failure_reason else ""
        return f"The payment of {number} failed{reason}; it is still approved."
    if name == "cancel":
        return f"{number} cancelled."
    return f"{number} submitted to {other_name}."


@business_page()
def payable_action(request, business_id: str, payable_id: str, action: str):
    """The confirm step (GET) and the action itself (POST) for one payable."""
    spec = ACTIONS.get(action)
    if spec is None:
        raise Http404("Not found.")
    payable = _payable_or_404(request, business_id, payable_id)
    incoming = business_id == payable.payer_id
    other = payable.payee if incoming else payable.payer
    detail_url = reverse("payable-detail", args=[business_id, payable_id])
    next_url = safe_next(request, detail_url)
    problems = None
    if request.method != "POST":
        away = _confirm_or_away(
            request, action=action, payable=payable, business_id=business_id, detail_url=detail_url
        )
        if away is not None:
            return away
    if request.method == "POST":
        with service_errors() as problems:
            changed = _run_action(action, request=request, payable=payable, business_id=business_id)
        if not problems:
            return done(request, _result_message(action, changed, other.name), next_url)
    today = timezone.now().date()
    context = {
        "payable": payable,
        "values": request.POST if request.method == "POST" else {},
        "today": today.isoformat(),
        "default_date": max(today, payable.due_date).isoformat(),
        "reason_required": action == "decline",
        "amount_due": f"{payable.amount_due:.2f}",
        "payment_methods": PaymentMethod.choices,
    }
    return render_confirm(
        request,
        title=spec.title.format(number=payable.invoice_number, other=other.name),
        text=_confirm_text(action, payable, other.name),
        action_url=request.path,
        button=spec.button,
        danger=spec.danger,
        next_url=next_url,
        fields_template=spec.fields_template,
        context=context,
        problems=problems,
    )


def _confirm_text(action: str, payable: Payable, other_name: str) -> str:
    amount = format_money(payable.amount)
    due = format_date(payable.due_date)
    return {
        "approve": f"{other_name} · {amount} · due {due}.",
        "decline": f"It goes back to {other_name} with your reason, to correct and resubmit.",
        "schedule": f"{amount} to {other_name}, paid automatically on the date you choose. Due {due}.",
        "unschedule": "The scheduled payment is cancelled; the invoice stays approved.",
        "pay": f"{format_money(payable.amount_due)} goes to {other_name} now. An ACH payment cannot be "
        "undone; a payment made outside (check, wire, card, other) is recorded as paid.",
        "cancel": "A cancelled invoice cannot be reopened.",
        "submit": f"{amount}, due {due}. {other_name} can review it from then on; you can no "
        "longer edit it unless they decline it.",
    }[action]


# --- the editor -------------------------------------------------------------------------------------


def _payee_connections(business_id: str) -> list[tuple[str, str]]:
    """The customers this business may invoice now: (connection ID, label), newest first."""
    return connection_choices(business_id=business_id, side="payee", status=ConnectionStatus.ACTIVE)


def _definitions_for(connection: Connection | None):
    if connection is None:
        return []
    return list(connection_custom_field_list(connection=connection))


def _editor_context(
    request,
    *,
    business_id: str,
    form: EditorForm,
    payable: Payable | None,
    connection: Connection | None,
    connections: list[tuple[str, str]],
    problems: Problems | None,
):
    definitions = _definitions_for(connection)
    payable_fields, line_fields = split_definitions(definitions)
    if problems:
        form.spread_errors(problems, known_custom={d.key for d in payable_fields})
    attachments = file_selectors.file_list(business_id=business_id, file_ids=form.attachment_ids)
    return {
        "form": form,
        "payable": payable,
        "connection": connection,
        "connections": connections,
        "connection_options": option_tags(connections, form.connectionId),
        "payable_fields": payable_fields,
        "line_fields": line_fields,
        "boolean_choices": BOOLEAN_CHOICES,
        "attachments": attachments,
        "problems": problems,
        "customer_name": _customer_name(connection, business_id),
        "due_hint": _due_hint(connection, editing=payable is not None),
    }


def _customer_name(connection: Connection | None, business_id: str) -> str:
    if connection is None:
        return ""
    alias = connection.alias_of(business_id)
    return f"{alias} ({connection.payer.name})" if alias else connection.payer.name


def _due_hint(connection: Connection | None, *, editing: bool) -> str:
    if connection is None:
        return ""
    if not connection.net_terms:
        return "No net terms on this connection: left empty, it is due on the day it is issued."
    if editing:
        return f"This connection's terms are net {connection.net_terms}."
    return f"Net {connection.net_terms}: suggested {connection.net_terms} days after today."


def _upload_files(request, business_id: str, form: EditorForm, problems: Problems) -> list[str]:
    """Store the files chosen in the form; each becomes one of the form's attachments. Too many,
    or too large in all, and none is stored. Returns the IDs of the files stored."""
    uploads = request.FILES.getlist("newAttachments")
    stored: list[str] = []
    with service_errors() as refused:
        file_services.uploads_check(uploads)
    if refused:
        for message in refused.general + [m for ms in refused.fields.values() for m in ms]:
            problems.add("attachments", message)
        problems.status = refused.status
        return stored
    for upload in uploads:
        with service_errors() as refused:
            record = file_services.file_upload(
                business_id=business_id, actor=request.user, upload=upload
            )
        if refused:
            for message in refused.general + [m for ms in refused.fields.values() for m in ms]:
                problems.add("attachments", f"{upload.name}: {message}")
            problems.status = refused.status
        else:
            form.attachment_ids.append(record.pk)
            stored.append(record.pk)
    return stored


def _forget_uploads(form: EditorForm, stored: list[str], problems: Problems) -> None:
    """A refused request keeps nothing it stored: its files are deleted, bytes and rows."""
    if not stored:
        return
    file_services.file_delete_unattached(file_ids=stored)
    form.attachment_ids = [pk for pk in form.attachment_ids if pk not in stored]
    problems.add(
        "attachments", "The files chosen with this request were not kept: choose them again."
    )


def _editor(request, business_id: str, payable: Payable | None):
    """The editor for a new invoice (``payable`` None) or a draft / declined one."""
    connections = _payee_connections(business_id) if payable is None else []
    if payable is None:
        chosen = request.POST.get("connectionId") or request.GET.get("connectionId") or ""
        ids = [pk for pk, _label in connections]
        pick = chosen if chosen in ids else (ids[0] if len(ids) == 1 else None)
        connection = (
            Connection.objects.select_related("payer", "payee").filter(pk=pick).first()
            if pick
            else None
        )
    else:
        connection = payable.connection
    definitions = _definitions_for(connection)
    payable_fields, line_fields = split_definitions(definitions)

    problems = Problems()
    if request.method != "POST":
        if payable is None:
            defaults = None
            if connection is not None:
                defaults = services.payable_defaults(
                    business_id=business_id, connection_id=connection.pk
                )
            form = EditorForm.blank(
                connection_id=connection.pk if connection else "", defaults=defaults
            )
        else:
            form = EditorForm.from_payable(payable, shown_keys={d.key for d in payable_fields})
        context = _editor_context(
            request,
            business_id=business_id,
            form=form,
            payable=payable,
            connection=connection,
            connections=connections,
            problems=None,
        )
        return render(request, "payables/editor.html", context)

    form = EditorForm.from_post(
        request.POST,
        line_keys=[d.key for d in line_fields],
        payable_keys=[d.key for d in payable_fields],
    )
    if payable is not None:
        form.connectionId = payable.connection_id
        form.hidden_custom = {
            key: value
            for key, value in (payable.custom_fields or {}).items()
            if key not in {d.key for d in payable_fields}
        }
    stored = _upload_files(request, business_id, form, problems)
    action = request.POST.get("action", "save")

    if action == "add_line":
        form.lines.append(LineRow())
    elif action.startswith("remove_line:"):
        index = action.split(":", 1)[1]
        if index.isdigit() and int(index) < len(form.lines):
            del form.lines[int(index)]
    elif action == "refresh":
        if payable is None and connection is not None:
            form.connectionId = connection.pk
            form.apply_defaults(
                services.payable_defaults(business_id=business_id, connection_id=connection.pk)
            )
    elif action in ("save", "submit") and not problems:
        result = _save(request, business_id, payable, form, definitions, submit=action == "submit")
        if not isinstance(result, Problems):
            return result
        problems = result
    if problems:
        _forget_uploads(form, stored, problems)
    if not form.lines:
        form.lines.append(LineRow())
    context = _editor_context(
        request,
        business_id=business_id,
        form=form,
        payable=payable,
        connection=connection,
        connections=connections,
        problems=problems or None,
    )
    return render(
        request, "payables/editor.html", context, status=problems.status if problems else 200
    )


def _save(request, business_id, payable, form: EditorForm, definitions, *, submit: bool):
    """Create or update (and submit) through the services; a redirect, or the problems."""
    problems = Problems()
    body = form.payload(definitions=definitions, creating=payable is None, problems=problems)
    if problems:
        return problems
    with service_errors() as problems:
        if payable is None:
            data = validated(PayableCreateInput, {**body, "submit": submit})
            saved = services.payable_create(business_id=business_id, actor=request.user, **data)
        else:
            with transaction.atomic():
                data = validated(PayableUpdateInput, body)
                saved = services.payable_update(
                    payable_id=payable.pk, actor=request.user, changes=data
                )
                if submit:
                    saved = services.payable_submit(payable_id=payable.pk, actor=request.user)
    if problems:
        return problems
    if submit:
        verb = (
            "resubmitted" if payable is not None and payable.status == S.DECLINED else "submitted"
        )
        messages.success(request, f"{saved.invoice_number} {verb} to {saved.payer.name}.")
        return redirect("payable-detail", business_id=business_id, payable_id=saved.pk)
    messages.success(request, f"Draft {saved.invoice_number} saved.")
    return redirect("payable-edit", business_id=business_id, payable_id=saved.pk)


@business_page(Capability.INVOICE)
def invoice_new(request, business_id: str):
    return _editor(request, business_id, None)


@business_page(Capability.INVOICE)
def payable_edit(request, business_id: str, payable_id: str):
    payable = _payable_or_404(request, business_id, payable_id)
    if business_id != payable.payee_id:
        raise Http404("Not found.")
    if not payable.is_editable:
        messages.info(
            request,
            f"{payable.invoice_number} is {payable.get_status_display().lower()}: "
            "only drafts and declined invoices can be edited.",
        )
        return redirect("payable-detail", business_id=business_id, payable_id=payable_id)
    return _editor(request, business_id, payable)


@business_page(Capability.INVOICE)
def line_row(request, business_id: str):
    """A blank line item row for the editor (htmx adds it in place)."""
    connection = None
    connection_id = request.GET.get("connectionId", "")
    if connection_id:
        connection = (
            connection_list(business_ids=[business_id])
            .filter(pk=connection_id, payee_id=business_id)
            .first()
        )
    _payable_fields, line_fields = split_definitions(_definitions_for(connection))
    return render(
        request,
        "payables/_line_row.html",
        {"line": LineRow(), "line_fields": line_fields, "boolean_choices": BOOLEAN_CHOICES},
    )
