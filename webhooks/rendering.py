"""
The event catalog, and each event's ``data``: its subject as the event's business would read
it from the API (the same serializers and the same side: the payee's view of a payable carries
no approval, each side sees its own tags and alias).

``data`` is rendered when the event is dispatched (normally within a second of the fact), not
inside the fact's transaction, so the write path stays lean; several facts of one transaction
(a payment completed and the payable paid) show the state that transaction left.
"""

from connections.models import Connection, ConnectionStatus
from connections.serializers import ConnectionSerializer
from credits.models import Credit
from credits.serializers import CreditSerializer
from payables.models import EventType
from payables.selectors import payable_detail
from payables.serializers import PayableSerializer
from webhooks.models import TEST_EVENT_TYPE, Event

# Every type an endpoint may subscribe to (docs/api/webhooks.md and the payable's whole timeline).
EVENT_TYPES: tuple[str, ...] = (
    *EventType.values,
    "credit.created",
    "connection.created",
    "connection.activated",
    "connection.archived",
)


def _payable(event: Event) -> dict:
    payable = payable_detail(payable_id=event.subject_id, business_id=event.business_id)
    return PayableSerializer(payable, context={"business_id": event.business_id}).data


def _connection(event: Event) -> dict | None:
    connection = (
        Connection.objects.select_related("payer", "payee").filter(pk=event.subject_id).first()
    )
    if connection is None:  # deleted since (a withdrawn invitation)
        return {"id": event.subject_id, "status": ConnectionStatus.ARCHIVED}
    context = {"business_ids": {event.business_id}, "prefer": event.business_id}
    return ConnectionSerializer(connection, context=context).data


def _credit(event: Event) -> dict:
    return CreditSerializer(Credit.objects.get(pk=event.subject_id)).data


RENDERERS = {"payable": _payable, "connection": _connection, "credit": _credit}


def event_data(event: Event) -> dict:
    """``event.data`` when rendered already, else the subject as the business sees it now."""
    if event.data is not None or event.type == TEST_EVENT_TYPE:
        return event.data or {}
    return RENDERERS[event.subject_type](event)


def event_body(event: Event) -> dict:
    """The event object of the feed and of a delivery's body (docs/api/webhooks.md)."""
    return {
        "id": event.id,
        "type": event.type,
        "createdAt": event.created_at,
        "businessId": event.business_id,
        "data": event_data(event),
    }
