"""
Writes of webhook endpoints (owners and admins: ``Capability.ADMINISTER``): create, update,
delete, rotate the secret, send a test event, retry a delivery. Each is one transaction; what
it starts on the network (a delivery) is published after the commit and runs on a worker.

The secret (``whsec_`` + base64 of 24 random bytes) is returned by create and rotate only; it
is kept readable because every delivery is signed with it (Standard Webhooks).
"""

import base64
import secrets
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from rest_framework.exceptions import NotFound

from accounts.permissions import Capability, require, roles_of
from cleopay.core import ids
from cleopay.core.errors import Conflict, ConflictCode, field_error
from cleopay.core.publish import publish_on_commit
from webhooks.addresses import AddressRefused, check_host_now, check_url
from webhooks.models import (
    TEST_EVENT_TYPE,
    Delivery,
    EndpointStatus,
    Event,
    WebhookEndpoint,
)
from webhooks.rendering import EVENT_TYPES

MAX_ENDPOINTS_PER_BUSINESS = 20
# After a rotation the previous secret still signs (a second signature) this long.
PREVIOUS_SECRET_LIFETIME = timedelta(hours=24)


def new_secret() -> str:
    return "whsec_" + base64.b64encode(secrets.token_bytes(24)).decode()


def _checked_url(url: str) -> str:
    url = url.strip()
    try:
        _scheme, host, port = check_url(url)
        check_host_now(host, port)
    except AddressRefused as exc:
        raise field_error("url", str(exc)) from None
    return url


def _checked_events(events: list[str]) -> list[str]:
    if not events:
        raise field_error("events", 'Name at least one event type, or "*" for all.')
    unknown = [e for e in events if e != "*" and e not in EVENT_TYPES]
    if unknown:
        raise field_error(
            "events", f"Unknown event type {unknown[0]!r}. Known: {', '.join(EVENT_TYPES)}."
        )
    return ["*"] if "*" in events else list(dict.fromkeys(events))


def _lock_endpoint(*, endpoint_id: str, actor) -> WebhookEndpoint:
    """The endpoint, locked, if it belongs to one of the caller's businesses (404 otherwise),
    and the caller may administer that business (403 otherwise)."""
    if not ids.is_public_id(endpoint_id, "whk"):
        raise NotFound("Not found.")
    endpoint = (
        WebhookEndpoint.objects.select_for_update()
        .filter(pk=endpoint_id, business_id__in=list(roles_of(actor)))
        .first()
    )
    if endpoint is None:
        raise NotFound("Not found.")
    require(actor, endpoint.business_id, Capability.ADMINISTER)
    return endpoint


@transaction.atomic
def webhook_create(
    *, business_id: str, actor, url: str, events: list[str], description: str = ""
) -> WebhookEndpoint:
    """A new enabled endpoint; its secret is on the returned object, to be shown this once."""
    require(actor, business_id, Capability.ADMINISTER)
    url = _checked_url(url)
    events = _checked_events(events)
    if WebhookEndpoint.objects.filter(business_id=business_id).count() >= (
        MAX_ENDPOINTS_PER_BUSINESS
    ):
        raise Conflict(
            f"A business has at most {MAX_ENDPOINTS_PER_BUSINESS} webhook endpoints.",
            code=ConflictCode.STATE,
        )
    return WebhookEndpoint.objects.create(
        business_id=business_id,
        url=url,
        events=events,
        description=description.strip(),
        secret=new_secret(),
        created_by=actor,
    )


@transaction.atomic
def webhook_update(
    *,
    endpoint_id: str,
    actor,
    url: str | None = None,
    events: list[str] | None = None,
    description: str | None = None,
    status: str | None = None,
) -> WebhookEndpoint:
    """Change what is given; enabling clears the reason the system disabled it for."""
    endpoint = _lock_endpoint(endpoint_id=endpoint_id, actor=actor)
    if url is not None:
        endpoint.url = _checked_url(url)
    if events is not None:
        endpoint.events = _checked_events(events)
    if description is not None:
        endpoint.description = description.strip()
    if status is not None and status != endpoint.status:
        if status == EndpointStatus.ENABLED:
            endpoint.enable()
        else:
            endpoint.disable()
    endpoint.save()
    return endpoint


@transaction.atomic
def webhook_delete(*, endpoint_id: str, actor) -> None:
    """The endpoint and its deliveries go; the events stay in the feed."""
    _lock_endpoint(endpoint_id=endpoint_id, actor=actor).delete()


@transaction.atomic
def webhook_rotate_secret(*, endpoint_id: str, actor) -> WebhookEndpoint:
    """A new secret; the old one keeps signing alongside it for ``PREVIOUS_SECRET_LIFETIME``."""
    endpoint = _lock_endpoint(endpoint_id=endpoint_id, actor=actor)
    endpoint.previous_secret = endpoint.secret
    endpoint.previous_secret_expires_at = timezone.now() + PREVIOUS_SECRET_LIFETIME
    endpoint.secret = new_secret()
    endpoint.save()
    return endpoint


def _publish_attempt(delivery_id: str) -> None:
    from webhooks.tasks import deliver

    # keep=False: a pending delivery is its own record; the due-deliveries sweep sends it.
    publish_on_commit(deliver, delivery_id, keep=False)


@transaction.atomic
def webhook_test(*, endpoint_id: str, actor) -> Delivery:
    """Send a ``webhook.test`` event to this endpoint only (enabled or not); not in the feed."""
    endpoint = _lock_endpoint(endpoint_id=endpoint_id, actor=actor)
    now = timezone.now()
    event = Event(
        business_id=endpoint.business_id,
        type=TEST_EVENT_TYPE,
        subject_type="webhook",
        subject_id=endpoint.pk,
        dispatched_at=now,
        created_at=now,
    )
    event.source_id = event.pk
    event.data = {"webhookId": endpoint.pk, "message": "A test event from Cleo Pay."}
    event.save()
    delivery = Delivery.objects.create(
        endpoint=endpoint, event=event, next_attempt_at=now, retry_from=now, created_at=now
    )
    _publish_attempt(delivery.pk)
    return delivery


@transaction.atomic
def delivery_retry(*, delivery_id: str, actor) -> Delivery:
    """Attempt a delivery again now, with a fresh retry window; 409 while its endpoint is
    disabled (enable it first)."""
    if not ids.is_public_id(delivery_id, "whd"):
        raise NotFound("Not found.")
    delivery = (
        Delivery.objects.select_for_update(of=("self",))
        .select_related("endpoint", "event")
        .filter(pk=delivery_id, endpoint__business_id__in=list(roles_of(actor)))
        .first()
    )
    if delivery is None:
        raise NotFound("Not found.")
    require(actor, delivery.endpoint.business_id, Capability.ADMINISTER)
    if (
        delivery.endpoint.status != EndpointStatus.ENABLED
        and delivery.event.type != TEST_EVENT_TYPE
    ):
        raise Conflict(
            "The endpoint is disabled: enable it before retrying its deliveries.",
            code=ConflictCode.STATE,
        )
    now = timezone.now()
    delivery.retry(now)
    delivery.save(update_fields=["status", "next_attempt_at", "retry_from"])
    _publish_attempt(delivery.pk)
    return delivery
