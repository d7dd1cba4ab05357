"""
Bulk actions on a business's incoming payables (docs/api/payables.md): approve, schedule or pay many.

Each item goes through the same service as when it is asked alone, in its own transaction (a
savepoint when the request itself runs in one, under an ``Idempotency-Key``), so one refusal
rolls back that item only and the others go on. A refused item answers the error the single
request would have answered, in the contract's shape (``type``, ``message``, ``errors``,
``code`` where there is one).

Only payables whose payer is the business named in the path take part: any other ID (another
business's payable, a payable this business sends, a draft it cannot see) answers ``not_found``,
exactly as an ID that does not exist, so nothing is learnt about it.
"""

from datetime import date

from rest_framework.exceptions import NotFound

from accounts.permissions import Capability, require
from cleopay.core.errors import exception_handler
from payables import services
from payables.models import Payable

MAX_BULK_ITEMS = 200
# What the business's member needs for the whole batch (each item's service checks again).
BULK_CAPABILITY = {"approve": Capability.APPROVE, "schedule": Capability.PAY, "pay": Capability.PAY}


def _run_one(action: str, payable_id: str, *, actor, on: date | None) -> Payable:
    if action == "approve":
        return services.payable_approve(payable_id=payable_id, actor=actor)
    if action == "schedule":
        return services.payable_schedule(payable_id=payable_id, actor=actor, on=on)
    return services.payable_pay(payable_id=payable_id, actor=actor)


def _error(exc: Exception) -> dict:
    response = exception_handler(exc, {})
    if response is None:
        raise exc
    body = dict(response.data)
    body.pop("requestId", None)
    return body


def payables_bulk(
    *, business_id: str, actor, action: str, payable_ids: list[str], on: date | None = None
) -> list[dict]:
    """One result per ID, in the order given: ``{payableId, ok, status}`` or ``{payableId, ok,
    error}``; the whole batch is refused (404/403) when ``actor`` may not take this action for
    ``business_id``."""
    require(actor, business_id, BULK_CAPABILITY[action])
    incoming = set(
        Payable.objects.filter(
            pk__in=[pid for pid in payable_ids if isinstance(pid, str)],
            payer_id=business_id,
            submitted_at__isnull=False,
        ).values_list("pk", flat=True)
    )
    results = []
    for payable_id in payable_ids:
        try:
            if payable_id not in incoming:
                raise NotFound("Not found.")
            # Each service owns its transaction (a savepoint under an Idempotency-Key); pay
            # commits its claim before the rail is asked, so no lock is held while money moves.
            payable = _run_one(action, payable_id, actor=actor, on=on)
            status = Payable.objects.values_list("status", flat=True).get(pk=payable.pk)
            results.append({"payableId": payable_id, "ok": True, "status": status})
        except Exception as exc:  # an API error as alone; anything else re-raised by _error
            results.append({"payableId": payable_id, "ok": False, "error": _error(exc)})
    return results
