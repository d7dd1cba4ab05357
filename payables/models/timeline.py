"""The payable's timeline: append-only events, each saying which side may see it."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from accounts.models import Business
from cleopay.core.ids import PublicIdField
from cleopay.core.jsoncodec import DecimalJSONDecoder, DecimalJSONEncoder
from payables.models.payable import Payable


class EventType(models.TextChoices):
    CREATED = "payable.created", "Created"
    UPDATED = "payable.updated", "Edited"
    SUBMITTED = "payable.submitted", "Submitted"
    APPROVAL_RECORDED = "payable.approval_recorded", "Approval recorded"
    # A step waited too long: its approvers reminded, or the wait escalated (approvals.reminders).
    APPROVAL_REMINDED = "payable.approval_reminded", "Approval reminder"
    APPROVED = "payable.approved", "Approved"
    DECLINED = "payable.declined", "Declined"
    SCHEDULED = "payable.scheduled", "Payment scheduled"
    UNSCHEDULED = "payable.unscheduled", "Payment unscheduled"
    PAYMENT_COMPLETED = "payment.completed", "Payment completed"
    PAYMENT_FAILED = "payment.failed", "Payment failed"
    CREDIT_APPLIED = "credit.applied", "Credit applied"
    PAID = "payable.paid", "Paid"
    CANCELLED = "payable.cancelled", "Cancelled"
    TAGS_CHANGED = "payable.tags_changed", "Tags changed"
    NOT_DUPLICATE = "payable.not_duplicate", "Marked not a duplicate"


class EventVisibility(models.TextChoices):
    """Which side of the payable may read an event (docs/trust.md)."""

    BOTH = "both", "Both sides"
    PAYER = "payer", "Payer only"
    PAYEE = "payee", "Payee only"


# The visibility of each type of event. The payer's review (each approval step) is the payer's
# own business; the payee's drafting is the payee's. Tag changes belong to the side that tags
# (``None``: decided by the event's business).
EVENT_VISIBILITY: dict[str, str | None] = {
    EventType.CREATED: EventVisibility.PAYEE,
    EventType.UPDATED: EventVisibility.PAYEE,
    EventType.SUBMITTED: EventVisibility.BOTH,
    EventType.APPROVAL_RECORDED: EventVisibility.PAYER,
    EventType.APPROVAL_REMINDED: EventVisibility.PAYER,
    EventType.APPROVED: EventVisibility.BOTH,
    EventType.DECLINED: EventVisibility.BOTH,
    EventType.SCHEDULED: EventVisibility.BOTH,
    EventType.UNSCHEDULED: EventVisibility.BOTH,
    EventType.PAYMENT_COMPLETED: EventVisibility.BOTH,
    EventType.PAYMENT_FAILED: EventVisibility.BOTH,
    EventType.CREDIT_APPLIED: EventVisibility.BOTH,
    EventType.PAID: EventVisibility.BOTH,
    EventType.CANCELLED: EventVisibility.BOTH,
    EventType.TAGS_CHANGED: None,
    # The duplicate warning is the payer's own (``payables.duplicates``).
    EventType.NOT_DUPLICATE: EventVisibility.PAYER,
}


class PayableEventQuerySet(models.QuerySet):
    def seen_by(self, *, side: str, viewer_business_id: str) -> "PayableEventQuerySet":
        """The events ``side`` (``payer``/``payee``) may read, as that side reads them: the
        one filter of every reader of the timeline (API, pages, exports).

        The payee reads the payer's events without the person who acted (``redacted``): who
        approved, declined or scheduled is the payer's review, and an approval's note (its
        workflow and step) is left out too.
        """
        rows = self.filter(visibility__in=[EventVisibility.BOTH, side])
        redacted = (
            models.Value(False)
            if side == EventVisibility.PAYER
            else models.Case(
                models.When(~models.Q(business_id=viewer_business_id), then=models.Value(True)),
                default=models.Value(False),
            )
        )
        return rows.annotate(redacted=redacted)


class PayableEvent(models.Model):
    """One fact in a payable's timeline. Append-only: never edited or deleted."""

    id = PublicIdField(prefix="evt")
    # Indexed by the (payable, position) constraint.
    payable = models.ForeignKey(
        Payable, on_delete=models.PROTECT, related_name="events", db_index=False
    )
    # 1, 2, 3... per payable, assigned under the payable's row lock: the timeline's order.
    position = models.PositiveIntegerField()
    type = models.CharField(max_length=40, choices=EventType.choices)
    # Null when the system acted (automatic approval, the payment job).
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The side on whose behalf the change was made.
    business = models.ForeignKey(Business, on_delete=models.PROTECT, related_name="+")
    from_status = models.CharField(max_length=20, null=True, blank=True)
    to_status = models.CharField(max_length=20)
    note = models.TextField(blank=True, default="")
    # An edit's old and new values: [{"field": "amount", "from": 100.00, "to": 120.00}, ...].
    changes = models.JSONField(
        null=True, blank=True, encoder=DecimalJSONEncoder, decoder=DecimalJSONDecoder
    )
    # Which side may read it (``EVENT_VISIBILITY``), written with the event.
    visibility = models.CharField(
        max_length=10, choices=EventVisibility.choices, default=EventVisibility.BOTH
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = PayableEventQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["payable", "position"], name="payable_event_position_once"
            ),
            models.CheckConstraint(
                condition=models.Q(visibility__in=EventVisibility.values),
                name="payable_event_visibility_valid",
            ),
        ]
        ordering = ["payable", "position"]

    def __str__(self) -> str:
        return f"{self.type} on {self.payable_id}"

    @property
    def shown_actor(self):
        """The person who acted, unless this reader may not know (``seen_by``)."""
        return None if getattr(self, "redacted", False) else self.actor

    @property
    def shown_note(self) -> str:
        if getattr(self, "redacted", False) and self.type == EventType.APPROVED:
            return ""
        return self.note
