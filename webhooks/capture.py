"""
Capture: the facts of the lower apps, turned into ``Event`` rows in their own transaction.

Payables, connections and credits know nothing of webhooks (they sit below this app); each
records its facts in its own rows (``PayableEvent``, ``ConnectionEvent``, ``Credit``) and this
module listens to those rows' ``post_save``. A receiver inserts one small row per business that
may see the fact, in the caller's transaction (the fact and its events commit or roll back
together), and asks for one dispatch once that transaction commits. Nothing is rendered and no
endpoint is read here: the write path stays one bulk insert longer (``models`` docstring).

Who sees what is the payables app's own rule (``EVENT_VISIBILITY`` on each ``PayableEvent``, and
"events that end in DRAFT stay the payee's", as ``payables.selectors.payable_event_list``
reads it, and a payable never submitted is not the payer's to know of at all), so the payee never learns of the payer's approval steps and the payer never of the
payee's drafting or tagging.
"""

from django.db import transaction
from django.db.models.signals import post_save

from connections.models import ConnectionEvent, ConnectionEventType
from credits.models import Credit
from payables.events import events_recorded
from payables.models import EventVisibility, PayableEvent, PayableStatus
from webhooks.models import Event

# A connection's facts that are events, by the type of its ``ConnectionEvent``.
CONNECTION_EVENT_TYPES = {
    ConnectionEventType.INVITED: "connection.created",
    ConnectionEventType.ACCEPTED: "connection.activated",
    ConnectionEventType.ARCHIVED: "connection.archived",
}


def payable_event_businesses(row: PayableEvent) -> list[str]:
    """The businesses that may read a payable's event, as the timeline's readers filter it."""
    payable = row.payable
    if row.to_status == PayableStatus.DRAFT or payable.submitted_at is None:
        # The payer knows of a payable once it was submitted (``PayableQuerySet.seen_by``):
        # a draft cancelled before that stays the payee's.
        return [payable.payee_id]
    if row.visibility == EventVisibility.PAYER:
        return [payable.payer_id]
    if row.visibility == EventVisibility.PAYEE:
        return [payable.payee_id]
    return [payable.payer_id, payable.payee_id]


def _rows(*, type: str, subject_type: str, subject_id: str, source_id: str, businesses, at):
    return [
        Event(
            business_id=business_id,
            type=type,
            subject_type=subject_type,
            subject_id=subject_id,
            source_id=source_id,
            created_at=at,
        )
        for business_id in dict.fromkeys(b for b in businesses if b)
    ]


def _record(**fact) -> None:
    _insert(_rows(**fact))


def _insert(rows: list[Event]) -> None:
    if rows:
        Event.objects.bulk_create(rows, ignore_conflicts=True)
        _dispatch_on_commit()


def _kick() -> None:
    from cleopay.core.publish import publish
    from webhooks.tasks import dispatch_events

    # keep=False: the undispatched events are their own record; the beat sweep takes them.
    publish(dispatch_events, keep=False)


def _dispatch_on_commit() -> None:
    """One dispatch per committing transaction, however many events it wrote."""
    connection = transaction.get_connection()
    if connection.in_atomic_block and any(item[1] is _kick for item in connection.run_on_commit):
        return
    transaction.on_commit(_kick)


def _payable_event_rows(instance: PayableEvent) -> list[Event]:
    return _rows(
        type=instance.type,
        subject_type="payable",
        subject_id=instance.payable_id,
        source_id=instance.pk,
        businesses=payable_event_businesses(instance),
        at=instance.created_at,
    )


def _on_payable_event(sender, instance: PayableEvent, created: bool, raw: bool = False, **kwargs):
    """A ``PayableEvent`` saved one by one (``payables.events`` inserts through
    ``events_recorded`` below; this keeps any other writer covered)."""
    if not created or raw:
        return
    _insert(_payable_event_rows(instance))


def _on_payable_events(sender, *, rows: list[PayableEvent], **kwargs):
    """The events ``payables.events`` inserted together: their webhook rows in one insert."""
    _insert([event for row in rows for event in _payable_event_rows(row)])


def _on_connection_event(
    sender, instance: ConnectionEvent, created: bool, raw: bool = False, **kwargs
):
    type = CONNECTION_EVENT_TYPES.get(instance.type)
    if not created or raw or type is None:
        return
    connection = instance.connection
    _record(
        type=type,
        subject_type="connection",
        subject_id=connection.pk,
        source_id=instance.pk,
        businesses=[connection.payer_id, connection.payee_id],
        at=instance.created_at,
    )


def _on_credit(sender, instance: Credit, created: bool, raw: bool = False, **kwargs):
    if not created or raw:
        return
    _record(
        type="credit.created",
        subject_type="credit",
        subject_id=instance.pk,
        source_id=instance.pk,
        businesses=[instance.payee_id, instance.payer_id],
        at=instance.created_at,
    )


def connect() -> None:
    post_save.connect(_on_payable_event, sender=PayableEvent, dispatch_uid="webhooks.payable")
    events_recorded.connect(
        _on_payable_events, sender=PayableEvent, dispatch_uid="webhooks.payable_events"
    )
    post_save.connect(
        _on_connection_event, sender=ConnectionEvent, dispatch_uid="webhooks.connection"
    )
    post_save.connect(_on_credit, sender=Credit, dispatch_uid="webhooks.credit")
