"""
The inbox's bulk actions: the rows ticked on the inbox, approved, scheduled or paid together.

A plain form post (the page works without JavaScript; the script only shows the running total
as rows are ticked). The same path as the API's bulk action (``payables.bulk``, the API's own
``BulkInput`` in front): each bill as if done alone, one refusal does not stop the others, and
the page that answers lists what was done and each refusal with its reason.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from cleopay.core.web import (
    business_page,
    safe_next,
    service_errors,
    transition_message,
    validated,
)
from payables import bulk, selectors
from payables.inputs import BulkInput
from payables.models import Payable, PayableStatus

# What the page calls each action, done and to do.
VERBS = {
    "approve": ("approved", "Approve"),
    "schedule": ("scheduled", "Schedule"),
    "pay": ("paid", "Pay"),
}

FIELD_WORDS = {
    "payableIds": "Select at least one bill (at most 200).",
    "date": "Choose a payment date to schedule the selected bills.",
    "action": "Choose approve, schedule or pay.",
}


@dataclass
class Outcome:
    payable_id: str
    payable: Payable | None  # None: not one of this business's incoming bills
    ok: bool
    counterparty: str = ""
    status: str = ""
    reason: str = ""

    @property
    def status_label(self) -> str:
        return PayableStatus(self.status).label if self.status else ""


def _reason(action: str, error: dict) -> str:
    """A refusal in the pages' words: a status that does not allow it said as the pages say it."""
    if error.get("code") == "invalid_transition" and error.get("currentStatus"):
        return transition_message(action=action, current_status=error["currentStatus"])
    fields = [e.get("message", "") for e in error.get("errors") or []]
    return " ".join(fields) or error.get("message", "Refused.")


def _counterparty(payable: Payable | None, business_id: str) -> str:
    if payable is None:
        return ""
    return payable.connection.alias_of(business_id) or payable.payee.name


@require_POST
@business_page()
def inbox_bulk(request, business_id: str):
    """Approve, schedule (on ``date``) or pay the ticked bills; a page of per-bill results."""
    inbox_url = reverse("inbox", args=[business_id])
    next_url = safe_next(request, inbox_url)
    action = request.POST.get("action", "")
    form = {"action": action, "payableIds": request.POST.getlist("payableIds")}
    if request.POST.get("date", "").strip():
        form["date"] = request.POST["date"]
    # Read before the action: what was due on the ticked bills is the total the bar showed.
    found = selectors.incoming_by_ids(business_id=business_id, payable_ids=form["payableIds"])
    results: list[dict] = []
    with service_errors() as problems:
        data = validated(BulkInput, form)
        results = bulk.payables_bulk(
            business_id=business_id,
            actor=request.user,
            action=data["action"],
            payable_ids=data["payableIds"],
            on=data.get("date"),
        )
    outcomes = [
        Outcome(
            payable_id=r["payableId"],
            payable=found.get(r["payableId"]),
            ok=r["ok"],
            counterparty=_counterparty(found.get(r["payableId"]), business_id),
            status=r.get("status", ""),
            reason="" if r["ok"] else _reason(action, r["error"]),
        )
        for r in results
    ]
    for name, found_messages in list(problems.fields.items()):
        # The bar has no field of each name to mark: said at the top, in the bar's words.
        del problems.fields[name]
        problems.general.extend(FIELD_WORDS.get(name, f"{name}: {m}") for m in found_messages)
    if not problems and not outcomes:
        return redirect(next_url)
    selected = [found[pid] for pid in dict.fromkeys(form["payableIds"]) if pid in found]
    done_word, verb = VERBS.get(action, ("done", "Act on"))
    context = {
        "verb": verb,
        "done_word": done_word,
        "outcomes": outcomes,
        "done_count": sum(1 for o in outcomes if o.ok),
        "refused": [o for o in outcomes if not o.ok],
        "selected_count": len(selected),
        "selected_total": sum((p.amount_due for p in selected), Decimal("0.00")),
        "problems": problems,
        "next_url": next_url,
    }
    return render(
        request, "payables/bulk_results.html", context, status=problems.status if problems else 200
    )
