"""Reads of endpoints, deliveries and the event feed, scoped to the caller's businesses."""

from datetime import datetime

from django.db.models import Prefetch, QuerySet
from rest_framework.exceptions import NotFound

from accounts.permissions import Capability, require, roles_of
from cleopay.core import ids
from webhooks.models import TEST_EVENT_TYPE, Delivery, DeliveryAttempt, Event, WebhookEndpoint


def endpoint_list(*, business_id: str) -> QuerySet[WebhookEndpoint]:
    return WebhookEndpoint.objects.filter(business_id=business_id).order_by("-created_at", "-id")


def endpoint_get(*, user, endpoint_id: str) -> WebhookEndpoint:
    """An endpoint of one of the caller's businesses (404 otherwise) they may administer (403)."""
    endpoint = None
    if ids.is_public_id(endpoint_id, "whk"):
        endpoint = (
            WebhookEndpoint.objects.filter(pk=endpoint_id, business_id__in=list(roles_of(user)))
            .select_related("business")
            .first()
        )
    if endpoint is None:
        raise NotFound("Not found.")
    require(user, endpoint.business_id, Capability.ADMINISTER)
    return endpoint


def delivery_list(*, endpoint: WebhookEndpoint) -> QuerySet[Delivery]:
    """The endpoint's deliveries, newest first, each with its event and its attempts."""
    return (
        Delivery.objects.filter(endpoint=endpoint)
        .select_related("event")
        .prefetch_related(Prefetch("history", queryset=DeliveryAttempt.objects.order_by("number")))
        .order_by("-created_at", "-id")
    )


def event_feed(
    *,
    business_id: str,
    types: list[str] | None = None,
    created_after: datetime | None = None,
    created_before: datetime | None = None,
) -> QuerySet[Event]:
    """The business's events, newest first (test events are an endpoint's, not the feed's)."""
    events = Event.objects.filter(business_id=business_id).exclude(type=TEST_EVENT_TYPE)
    if types:
        events = events.filter(type__in=types)
    if created_after is not None:
        events = events.filter(created_at__gte=created_after)
    if created_before is not None:
        events = events.filter(created_at__lt=created_before)
    return events.order_by("-created_at", "-id")
