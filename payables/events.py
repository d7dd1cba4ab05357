"""
The payable timeline: one writer per fact.

Each writer appends one ``PayableEvent``, called by a service inside the transaction of the
change it records and while that service holds the payable's row lock (which makes the
per-payable ``position`` safe to compute). Nothing ever edits or deletes an event.

Rows go in with ``bulk_create`` and announce themselves with ``events_recorded`` (the webhooks
app listens), so that a service recording several facts at once (a payable created and
submitted, a payment completed and the payable paid) writes them in one multi-row INSERT inside
``with events.batch():``.
"""

import contextvars
import datetime
import weakref
from contextlib import contextmanager
from decimal import Decimal

from django.db import transaction
from django.db.models import Max
from django.dispatch import Signal

from cleopay.core.formats import format_date, format_money
from payables.models import (
    EVENT_VISIBILITY,
    OUTSIDE_RAIL,
    EventType,
    EventVisibility,
    Payable,
    PayableEvent,
    PayableStatus,
    Payment,
)


def _next_position(payable: Payable) -> int:
    """The position of the payable's next event.

    Read from the table once per transaction and counted on in memory for the transaction's
    other events (the caller holds the payable's lock, so nobody else appends meanwhile); the
    count is dropped at the commit. A payable created in this transaction starts at 1 without
    a read (``payable_created_event``).
    """
    last = getattr(payable, "_last_event_position", None)
    if last is None:
        last = PayableEvent.objects.filter(payable=payable).aggregate(last=Max("position"))["last"]
    _count_positions(payable, last=(last or 0) + 1)
    return payable._last_event_position


def _count_positions(payable: Payable, *, last: int) -> None:
    """Remember the payable's last event position until the transaction commits."""
    counting = getattr(payable, "_last_event_position", None) is not None
    payable._last_event_position = last
    if not counting:
        # By weak reference: a transaction that creates many payables (a CSV import) must not
        # keep every one of them, with what it holds, alive until its commit.
        ref = weakref.ref(payable)
        transaction.on_commit(lambda: _forget_position(ref()))


def _forget_position(payable: Payable | None) -> None:
    if payable is not None:
        payable.__dict__.pop("_last_event_position", None)


# Sent with ``rows``, the events just inserted (one statement), in position order.
events_recorded = Signal()

# The rows of the ``batch`` under way in this context, or None: each write inserts at once.
_batch: contextvars.ContextVar[list[PayableEvent] | None] = contextvars.ContextVar(
    "payable_events_batch", default=None
)


@contextmanager
def batch():
    """Hold the events written inside the block and insert them together when it ends (one
    statement, one ``events_recorded``); nothing is written if the block raises. Nested
    blocks join the outer one."""
    if _batch.get() is not None:
        yield
        return
    token = _batch.set([])
    try:
        yield
        rows = _batch.get()
    finally:
        _batch.reset(token)
    _insert(rows)


def _insert(rows: list[PayableEvent]) -> None:
    if rows:
        PayableEvent.objects.bulk_create(rows)
        events_recorded.send(sender=PayableEvent, rows=rows)


def _write(
    *,
    payable: Payable,
    type: EventType,
    actor,
    business_id: str,
    from_status: str | None,
    note: str = "",
    changes: list[dict] | None = None,
) -> PayableEvent:
    visibility = EVENT_VISIBILITY[type]
    if type == EventType.UPDATED and from_status == PayableStatus.DECLINED:
        # A revision after a decline: the payer saw the bill and reads what the payee changed.
        visibility = EventVisibility.BOTH
    elif visibility is None:
        visibility = (
            EventVisibility.PAYER if business_id == payable.payer_id else EventVisibility.PAYEE
        )
    row = PayableEvent(
        visibility=visibility,
        payable=payable,
        position=_next_position(payable),
        type=type,
        actor=actor,
        business_id=business_id,
        from_status=from_status,
        to_status=payable.status,
        note=note,
        changes=changes,
    )
    pending = _batch.get()
    if pending is None:
        _insert([row])
    else:
        pending.append(row)
    return row


def payable_created_event(*, payable: Payable, actor) -> PayableEvent:
    _count_positions(payable, last=0)  # just inserted: no event yet
    return _write(
        payable=payable,
        type=EventType.CREATED,
        actor=actor,
        business_id=payable.payee_id,
        from_status=None,
    )


def _plain(value):
    """A value as the API shows it: dates as ISO strings, amounts as exact decimals."""
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def change(field: str, old, new) -> dict:
    """One entry of an edit's ``changes``: the API's field name, the old and the new value."""
    return {"field": field, "from": _plain(old), "to": _plain(new)}


def lines_summary(lines) -> list[dict]:
    """Line items as the diff shows them: description, quantity, unit price, total."""
    return [
        {
            "description": line.description,
            "quantity": line.quantity.quantize(Decimal(1))
            if line.quantity == line.quantity.to_integral_value()
            else line.quantity.normalize(),
            "unitPrice": line.unit_price,
            "total": line.total,
        }
        for line in lines
    ]


def payable_updated_event(
    *, payable: Payable, actor, changed: list[str], changes: list[dict] | None = None
) -> PayableEvent:
    """An edit: the note names the fields, ``changes`` holds their old and new values."""
    return _write(
        payable=payable,
        type=EventType.UPDATED,
        actor=actor,
        business_id=payable.payee_id,
        from_status=payable.status,
        note="Changed: " + ", ".join(changed) if changed else "",
        changes=changes or None,
    )


def payable_tags_changed_event(*, payable: Payable, actor, business_id: str) -> PayableEvent:
    return _write(
        payable=payable,
        type=EventType.TAGS_CHANGED,
        actor=actor,
        business_id=business_id,
        from_status=payable.status,
    )


def payable_submitted_event(*, payable: Payable, actor, from_status: str) -> PayableEvent:
    return _write(
        payable=payable,
        type=EventType.SUBMITTED,
        actor=actor,
        business_id=payable.payee_id,
        from_status=from_status,
    )


def payable_approval_recorded_event(*, payable: Payable, actor, note: str = "") -> PayableEvent:
    """One approval of several a workflow needs; the status does not change."""
    return _write(
        payable=payable,
        type=EventType.APPROVAL_RECORDED,
        actor=actor,
        business_id=payable.payer_id,
        from_status=payable.status,
        note=note,
    )


def payable_approval_reminded_event(*, payable: Payable, note: str) -> PayableEvent:
    """Beat's sweep reminded a step's approvers, or escalated the wait (no one acted)."""
    return _write(
        payable=payable,
        type=EventType.APPROVAL_REMINDED,
        actor=None,
        business_id=payable.payer_id,
        from_status=payable.status,
        note=note,
    )


def payable_approved_event(*, payable: Payable, actor, note: str = "") -> PayableEvent:
    """``actor`` is None when the system approved (auto-approve)."""
    return _write(
        payable=payable,
        type=EventType.APPROVED,
        actor=actor,
        business_id=payable.payer_id,
        from_status=PayableStatus.SUBMITTED,
        note=note,
    )


def payable_declined_event(*, payable: Payable, actor) -> PayableEvent:
    return _write(
        payable=payable,
        type=EventType.DECLINED,
        actor=actor,
        business_id=payable.payer_id,
        from_status=PayableStatus.SUBMITTED,
        note=payable.decline_reason,
    )


def payable_scheduled_event(*, payable: Payable, actor, payment: Payment) -> PayableEvent:
    return _write(
        payable=payable,
        type=EventType.SCHEDULED,
        actor=actor,
        business_id=payable.payer_id,
        from_status=PayableStatus.APPROVED,
        note=f"Payment of {format_money(payment.amount)} scheduled for "
        f"{format_date(payment.scheduled_for)}.",
    )


def payable_unscheduled_event(*, payable: Payable, actor, payment: Payment) -> PayableEvent:
    return _write(
        payable=payable,
        type=EventType.UNSCHEDULED,
        actor=actor,
        business_id=payable.payer_id,
        from_status=PayableStatus.SCHEDULED,
        note=f"Payment for {format_date(payment.scheduled_for)} cancelled.",
    )


def _completed_note(payment: Payment) -> str:
    if payment.rail == OUTSIDE_RAIL:
        reference = f", reference {payment.rail_reference}" if payment.rail_reference else ""
        return (
            f"Payment {payment.id} of {format_money(payment.amount)} by {payment.get_method_display()} "
            f"on {format_date(payment.scheduled_for)} recorded as paid outside Cleo Pay{reference}."
        )
    return (
        f"Payment of {format_money(payment.amount)} completed ({payment.rail} "
        f"reference {payment.rail_reference})."
    )


def payment_completed_event(
    *, payable: Payable, actor, payment: Payment, from_status: str
) -> PayableEvent:
    """Written before the payable's own transition to PAID: from and to are the same status."""
    return _write(
        payable=payable,
        type=EventType.PAYMENT_COMPLETED,
        actor=actor,
        business_id=payable.payer_id,
        from_status=from_status,
        note=_completed_note(payment),
    )


def credit_applied_event(
    *, payable: Payable, actor, credit_id: str, amount: Decimal, from_status: str
) -> PayableEvent:
    """Written before any transition to PAID the credit brings: from and to are the same status."""
    return _write(
        payable=payable,
        type=EventType.CREDIT_APPLIED,
        actor=actor,
        business_id=payable.payer_id,
        from_status=from_status,
        note=f"Credit {credit_id} of {format_money(amount)} applied.",
    )


def payable_paid_event(*, payable: Payable, actor, from_status: str) -> PayableEvent:
    return _write(
        payable=payable,
        type=EventType.PAID,
        actor=actor,
        business_id=payable.payer_id,
        from_status=from_status,
    )


def payment_failed_event(
    *, payable: Payable, actor, payment: Payment, from_status: str
) -> PayableEvent:
    return _write(
        payable=payable,
        type=EventType.PAYMENT_FAILED,
        actor=actor,
        business_id=payable.payer_id,
        from_status=from_status,
        note=f"Payment of {format_money(payment.amount)} failed: {payment.failure_reason}",
    )


def payable_cancelled_event(
    *, payable: Payable, actor, business_id: str, from_status: str
) -> PayableEvent:
    return _write(
        payable=payable,
        type=EventType.CANCELLED,
        actor=actor,
        business_id=business_id,
        from_status=from_status,
        note=payable.cancel_reason,
    )


def payable_not_duplicate_event(*, payable: Payable, actor, of_numbers: list[str]) -> PayableEvent:
    """The payer's reviewer cleared the possible-duplicate warning (the payer's own)."""
    return _write(
        payable=payable,
        type=EventType.NOT_DUPLICATE,
        actor=actor,
        business_id=payable.payer_id,
        from_status=payable.status,
        note="Not a duplicate of " + ", ".join(of_numbers) + ".",
    )
