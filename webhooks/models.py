"""
Webhooks and the event feed (docs/api/webhooks.md).

``Event`` is one fact as one business may know it: a payable submitted, a payment completed, a
credit issued, a connection archived... A fact both sides of a payable see becomes two rows, one
per business, each with its own ``evt_`` ID; a fact one side may not see (the payer's approval
steps, the payee's drafts) gets no row for that side. Rows are written by ``capture`` in the
transaction of the fact itself (a ``post_save`` of the timeline's rows), so an event exists
exactly when its fact does.

The event rows are also the outbox. Why not one outbox row per (event, endpoint) written with
the fact: that would put a read of the business's endpoints and their filters into every write
path (submitting, paying, archiving), and an endpoint created a moment later would miss what
was already in flight. Instead the write path inserts only the small event row (no rendering,
no endpoint lookup); ``dispatched_at`` stays null until the dispatcher (``services.
events_dispatch``, kicked once per committing transaction and swept by beat every minute)
renders each event's ``data`` as that business's API would return the object, and creates one
``Delivery`` per matching enabled endpoint in the same transaction that stamps
``dispatched_at``. A crash anywhere leaves either an undispatched event (the sweep takes it) or
a pending delivery (the delivery sweep takes it): nothing is lost, and nothing is sent twice
except as at-least-once delivery allows.

A ``Delivery`` is the schedule of its own retries: ``next_attempt_at`` is when the next attempt
is due (beat's sweep publishes due ones; no long ETA tasks on the broker). Each attempt is a
``DeliveryAttempt`` row with its response status, timing and a bounded excerpt of the body.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django_fsm import FSMField, FSMModelMixin, transition

from accounts.models import Business
from cleopay.core.ids import PublicIdField
from cleopay.core.jsoncodec import DecimalJSONDecoder, DecimalJSONEncoder

# The type of the event ``POST /api/webhooks/{id}/test`` sends (never in the feed).
TEST_EVENT_TYPE = "webhook.test"


class EndpointStatus(models.TextChoices):
    ENABLED = "enabled", "Enabled"
    DISABLED = "disabled", "Disabled"


class WebhookEndpoint(FSMModelMixin, models.Model):
    id = PublicIdField(prefix="whk")
    business = models.ForeignKey(Business, on_delete=models.CASCADE, related_name="+")
    url = models.URLField(max_length=2000)
    # Event types, or ["*"] for all of them.
    events = models.JSONField(default=list)
    description = models.CharField(max_length=500, blank=True, default="")
    status = FSMField(
        max_length=10,
        choices=EndpointStatus.choices,
        default=EndpointStatus.ENABLED,
        protected=True,
    )
    # Why it was disabled by the system (deliveries failing for days); blank when by a person.
    disabled_reason = models.CharField(max_length=500, blank=True, default="")
    # The signing secret (``whsec_`` + base64); the previous one still signs for a day after a
    # rotation, so receivers can switch without dropping deliveries.
    secret = models.CharField(max_length=100)
    previous_secret = models.CharField(max_length=100, blank=True, default="")
    previous_secret_expires_at = models.DateTimeField(null=True, blank=True)
    last_success_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=EndpointStatus.values),
                name="webhook_endpoint_status_valid",
            ),
        ]
        indexes = [
            models.Index(fields=["business", "-created_at", "-id"], name="webhook_endpoint_biz_idx")
        ]

    def __str__(self) -> str:
        return f"{self.id} → {self.url}"

    @property
    def is_enabled(self) -> bool:
        return self.status == EndpointStatus.ENABLED

    @transition(field=status, source=EndpointStatus.DISABLED, target=EndpointStatus.ENABLED)
    def enable(self) -> None:
        """Enabled again by a person: the reason the system disabled it for is cleared."""
        self.disabled_reason = ""

    @transition(field=status, source=EndpointStatus.ENABLED, target=EndpointStatus.DISABLED)
    def disable(self, reason: str = "") -> None:
        """Disabled by a person (no reason) or by the system after days of failures."""
        self.disabled_reason = reason[:500]

    def wants(self, event_type: str) -> bool:
        return "*" in self.events or event_type in self.events


class Event(models.Model):
    """One fact as one business may know it; also the dispatcher's outbox (module docstring)."""

    id = PublicIdField(prefix="evt")
    business = models.ForeignKey(Business, on_delete=models.CASCADE, related_name="+")
    type = models.CharField(max_length=40)
    # What the event is about: ``payable``, ``connection``, ``credit`` or ``webhook`` (a test).
    subject_type = models.CharField(max_length=20)
    subject_id = models.CharField(max_length=40)
    # The row that recorded the fact (a payable's or a connection's event, a credit): with the
    # business, unique, so capturing a fact twice writes nothing the second time.
    source_id = models.CharField(max_length=40)
    # The subject as this business's API returns it, rendered by the dispatcher.
    data = models.JSONField(
        null=True, blank=True, encoder=DecimalJSONEncoder, decoder=DecimalJSONDecoder
    )
    dispatched_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["source_id", "business"], name="event_source_once"),
        ]
        indexes = [
            # The feed, newest first, with its type filter.
            models.Index(fields=["business", "-created_at", "-id"], name="event_business_idx"),
            models.Index(
                fields=["business", "type", "-created_at", "-id"], name="event_business_type_idx"
            ),
            # The dispatcher's outbox: what was not dispatched yet.
            models.Index(
                fields=["created_at", "id"],
                condition=models.Q(dispatched_at__isnull=True),
                name="event_undispatched_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.type} for {self.business_id}"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed"


class Delivery(FSMModelMixin, models.Model):
    """One event sent to one endpoint, until it succeeds or its retries run out."""

    id = PublicIdField(prefix="whd")
    endpoint = models.ForeignKey(
        WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries"
    )
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="deliveries")
    status = FSMField(
        max_length=10,
        choices=DeliveryStatus.choices,
        default=DeliveryStatus.PENDING,
        protected=True,
    )
    attempts = models.PositiveIntegerField(default=0)
    # When the next attempt is due (pending only); while an attempt runs, the end of its lease.
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    response_status = models.PositiveIntegerField(null=True, blank=True)
    response_ms = models.PositiveIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True, default="")
    # Retries run for WEBHOOK_RETRY_WINDOW from here (reset by a manual retry).
    retry_from = models.DateTimeField(default=timezone.now)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["event", "endpoint"], name="delivery_once"),
            models.CheckConstraint(
                condition=models.Q(status__in=DeliveryStatus.values), name="delivery_status_valid"
            ),
        ]
        indexes = [
            models.Index(fields=["endpoint", "-created_at", "-id"], name="delivery_endpoint_idx"),
            models.Index(
                fields=["next_attempt_at"],
                condition=models.Q(status="pending"),
                name="delivery_due_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event_id} → {self.endpoint_id} ({self.status})"

    @transition(field=status, source=DeliveryStatus.PENDING, target=DeliveryStatus.SUCCEEDED)
    def succeed(self) -> None:
        self.next_attempt_at = None

    @transition(field=status, source=DeliveryStatus.PENDING, target=DeliveryStatus.FAILED)
    def fail(self, error: str | None = None) -> None:
        """Given up: retries ran out, a test event's one attempt, or its endpoint is disabled."""
        self.next_attempt_at = None
        if error is not None:
            self.last_error = error

    @transition(field=status, source="*", target=DeliveryStatus.PENDING)
    def retry(self, now) -> None:
        """Attempted again now, with a fresh retry window (a person's retry)."""
        self.next_attempt_at = now
        self.retry_from = now


class DeliveryAttempt(models.Model):
    """One HTTP request of a delivery, as it went: kept for the delivery's history."""

    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="history")
    number = models.PositiveIntegerField()
    started_at = models.DateTimeField()
    duration_ms = models.PositiveIntegerField()
    response_status = models.PositiveIntegerField(null=True, blank=True)
    # A network error, a refused address, a timeout; blank when the receiver answered.
    error = models.CharField(max_length=500, blank=True, default="")
    # The first bytes of the response body (bounded, decoded leniently).
    response_excerpt = models.CharField(max_length=1000, blank=True, default="")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["delivery", "number"], name="delivery_attempt_once"),
        ]
        ordering = ["delivery", "number"]

    def __str__(self) -> str:
        return f"{self.delivery_id} #{self.number}"
