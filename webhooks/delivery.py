"""
Dispatch and delivery: events become deliveries, deliveries become signed HTTP POSTs.

``events_dispatch`` takes the undispatched events (the outbox, ``models`` docstring), renders
each one's ``data`` and creates one ``Delivery`` per enabled endpoint of its business that
subscribes to its type and existed when it happened, in one transaction per batch (rows taken
with SKIP LOCKED, so two dispatchers never take the same events).

``delivery_attempt`` is at-least-once: it claims a due delivery under its row lock (counting the
attempt and moving ``next_attempt_at`` a lease ahead, so a worker that dies mid-request leaves a
delivery the sweep takes again), commits, sends with no transaction open, then records the
outcome. A failure is retried with exponential backoff and jitter (30 s, 1 min, 2 min ... capped
at 8 h) until ``WEBHOOK_RETRY_WINDOW`` (three days) has passed since the delivery started; then
it fails, and an endpoint that has not succeeded since is disabled and its owners and admins
are e-mailed. Times come from ``now`` arguments, so tests move the clock without sleeping.
"""

import logging
import random
import time
from collections import defaultdict
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from standardwebhooks import Webhook

from accounts.models import Membership, Role
from cleopay.core.api.renderers import dumps
from cleopay.core.publish import publish
from webhooks import transport
from webhooks.models import (
    TEST_EVENT_TYPE,
    Delivery,
    DeliveryAttempt,
    DeliveryStatus,
    EndpointStatus,
    Event,
    WebhookEndpoint,
)
from webhooks.rendering import event_body, event_data

logger = logging.getLogger(__name__)

BACKOFF_FIRST = timedelta(seconds=30)
BACKOFF_MAX = timedelta(hours=8)
JITTER = 0.25
# How long an attempt holds its delivery before the sweep may try it again (a dead worker).
ATTEMPT_LEASE = timedelta(minutes=2)


def backoff(attempts: int, *, rng: random.Random | None = None) -> timedelta:
    """The wait after the ``attempts``-th failed attempt: doubling, capped, ±25 % jitter (so the
    deliveries that failed together, when a receiver went down, do not return together)."""
    base = min(BACKOFF_FIRST * (2 ** max(attempts - 1, 0)), BACKOFF_MAX)
    return base * (1 + (rng or random).uniform(-JITTER, JITTER))


def retry_window() -> timedelta:
    return timedelta(hours=settings.WEBHOOK_RETRY_WINDOW_HOURS)


# --- dispatch ---------------------------------------------------------------------------------------


def events_dispatch(*, limit: int = 200, now: datetime | None = None) -> int:
    """Dispatch up to ``limit`` undispatched events, oldest first; how many were dispatched."""
    now = now or timezone.now()
    created: list[str] = []
    with transaction.atomic():
        events = list(
            Event.objects.select_for_update(skip_locked=True)
            .filter(dispatched_at__isnull=True)
            .order_by("created_at", "id")[:limit]
        )
        if not events:
            return 0
        endpoints = defaultdict(list)
        for endpoint in WebhookEndpoint.objects.filter(
            business_id__in={event.business_id for event in events},
            status=EndpointStatus.ENABLED,
        ):
            endpoints[endpoint.business_id].append(endpoint)
        deliveries = []
        for event in events:
            event.data = event_data(event)
            event.dispatched_at = now
            deliveries.extend(
                Delivery(endpoint=endpoint, event=event, next_attempt_at=now, retry_from=now)
                for endpoint in endpoints[event.business_id]
                if endpoint.wants(event.type) and endpoint.created_at <= event.created_at
            )
        Event.objects.bulk_update(events, ["data", "dispatched_at"])
        Delivery.objects.bulk_create(deliveries, ignore_conflicts=True)
        created = [delivery.pk for delivery in deliveries]
        transaction.on_commit(lambda: _publish_attempts(created))
    return len(events)


def _publish_attempts(delivery_ids: list[str]) -> None:
    from webhooks.tasks import deliver

    for delivery_id in delivery_ids:
        if not publish(deliver, delivery_id, keep=False):
            break  # the broker is down: the due-deliveries sweep sends them


def deliveries_due(*, now: datetime | None = None, limit: int = 500) -> list[str]:
    """Pending deliveries whose next attempt is due, oldest first (the sweep publishes them)."""
    now = now or timezone.now()
    return list(
        Delivery.objects.filter(status=DeliveryStatus.PENDING, next_attempt_at__lte=now)
        .order_by("next_attempt_at")
        .values_list("id", flat=True)[:limit]
    )


# --- one attempt ----------------------------------------------------------------------------------


def signed_headers(endpoint: WebhookEndpoint, *, message_id: str, body: str) -> dict[str, str]:
    """Standard Webhooks headers; during a rotation, a signature with each live secret."""
    sent_at = datetime.fromtimestamp(time.time(), tz=UTC)
    secrets = [endpoint.secret]
    if (
        endpoint.previous_secret
        and endpoint.previous_secret_expires_at
        and (endpoint.previous_secret_expires_at > timezone.now())
    ):
        secrets.append(endpoint.previous_secret)
    signatures = [Webhook(s).sign(message_id, sent_at, body) for s in secrets]
    return {
        "Content-Type": "application/json",
        "User-Agent": "CleoPay-Webhooks/1",
        "webhook-id": message_id,
        "webhook-timestamp": str(int(sent_at.timestamp())),
        "webhook-signature": " ".join(signatures),
    }


def _claim(delivery_id: str, now: datetime) -> Delivery | None:
    with transaction.atomic():
        delivery = (
            Delivery.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("endpoint", "event")
            .filter(pk=delivery_id, status=DeliveryStatus.PENDING, next_attempt_at__lte=now)
            .first()
        )
        if delivery is None:
            return None
        is_test = delivery.event.type == TEST_EVENT_TYPE
        if delivery.endpoint.status != EndpointStatus.ENABLED and not is_test:
            delivery.fail("Not sent: the endpoint is disabled.")
            delivery.save(update_fields=["status", "next_attempt_at", "last_error"])
            return None
        delivery.attempts += 1
        delivery.last_attempt_at = now
        delivery.next_attempt_at = now + ATTEMPT_LEASE
        delivery.save(update_fields=["attempts", "last_attempt_at", "next_attempt_at"])
        return delivery


def delivery_attempt(*, delivery_id: str, now: datetime | None = None) -> Delivery | None:
    """Send a due delivery once and record how it went; None if it was not due (or taken)."""
    now = now or timezone.now()
    delivery = _claim(delivery_id, now)
    if delivery is None:
        return None
    endpoint, event = delivery.endpoint, delivery.event
    body = dumps(event_body(event)).decode()
    outcome = transport.post(
        endpoint.url,
        body.encode(),
        signed_headers(endpoint, message_id=event.pk, body=body),
        timeout=settings.WEBHOOK_TIMEOUT_SECONDS,
        max_bytes=settings.WEBHOOK_MAX_RESPONSE_BYTES,
    )
    return _record(delivery=delivery, number=delivery.attempts, now=now, outcome=outcome)


def _record(*, delivery: Delivery, number: int, now: datetime, outcome) -> Delivery:
    with transaction.atomic():
        delivery = (
            Delivery.objects.select_for_update(of=("self",))
            .select_related("endpoint", "event")
            .get(pk=delivery.pk)
        )
        DeliveryAttempt.objects.create(
            delivery=delivery,
            number=number,
            started_at=now,
            duration_ms=outcome.duration_ms,
            response_status=outcome.status,
            error=outcome.error[:500],
            response_excerpt=outcome.excerpt[:1000],
        )
        if delivery.attempts != number or delivery.status != DeliveryStatus.PENDING:
            return delivery  # a later attempt (or a retry) owns the delivery now
        delivery.response_status = outcome.status
        delivery.response_ms = outcome.duration_ms
        delivery.last_error = outcome.error[:500]
        if outcome.ok:
            delivery.succeed()
            WebhookEndpoint.objects.filter(pk=delivery.endpoint_id).update(last_success_at=now)
        else:
            if not outcome.error:
                delivery.last_error = f"The receiver answered {outcome.status}."
            due = now + backoff(number)
            if delivery.event.type == TEST_EVENT_TYPE or due > delivery.retry_from + retry_window():
                delivery.fail()
                if delivery.event.type != TEST_EVENT_TYPE:
                    _disable_if_failing(delivery)
            else:
                delivery.next_attempt_at = due
        delivery.save(
            update_fields=[
                "status",
                "next_attempt_at",
                "response_status",
                "response_ms",
                "last_error",
            ]
        )
        return delivery


def _disable_if_failing(delivery: Delivery) -> None:
    """After a delivery's retries ran out: disable its endpoint unless it succeeded since the
    delivery started (then the receiver works and only this event was refused)."""
    endpoint = WebhookEndpoint.objects.select_for_update().get(pk=delivery.endpoint_id)
    if endpoint.status != EndpointStatus.ENABLED:
        return
    if endpoint.last_success_at and endpoint.last_success_at >= delivery.retry_from:
        return
    endpoint.disable(
        f"Disabled automatically: deliveries failed for {settings.WEBHOOK_RETRY_WINDOW_HOURS} "
        f"hours (last: {delivery.last_error or 'no answer'})."
    )
    endpoint.save(update_fields=["status", "disabled_reason", "updated_at"])
    from webhooks.tasks import send_endpoint_disabled_email

    transaction.on_commit(lambda: publish(send_endpoint_disabled_email, endpoint.pk))


def endpoint_disabled_recipients(endpoint: WebhookEndpoint) -> list[str]:
    return list(
        Membership.objects.filter(
            business_id=endpoint.business_id,
            role__in=[Role.OWNER, Role.ADMIN],
            user__is_active=True,
        )
        .order_by("user__email")
        .values_list("user__email", flat=True)
    )
