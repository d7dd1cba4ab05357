"""
Notifications: what a person hears about the payables of their businesses, in the app and by e-mail.

A ``Notification`` is written for one user in the transaction of the change it reports (a
payable submitted, reaching someone's approval step, approved, declined, scheduled, paid,
cancelled, or its payment failing; a connection invitation accepted), so it exists exactly when
the change does. The rows whose ``emailed_at`` is null are the e-mail outbox: the request
that writes them publishes nothing, and beat's ``send_pending_emails`` sweep sends them (one
e-mail each, or the day's digest for those who chose one; none for a type the person turned
off). ``emailed_at`` is set when the e-mail is claimed, so two sweeps send once.

``business`` is the side the person hears as (the payer's approver, the payee's owner...): the
notification is visible only while they are still a member of it.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone

from accounts.models import Business
from cleopay.core.ids import PublicIdField


class NotificationType(models.TextChoices):
    # To the payer's people.
    APPROVAL_REQUESTED = "approval_requested", "Awaiting your approval"
    PAYABLE_SUBMITTED = "payable_submitted", "Payable submitted"
    # To the payee's people.
    PAYABLE_APPROVED = "payable_approved", "Payable approved"
    PAYABLE_DECLINED = "payable_declined", "Payable declined"
    PAYABLE_SCHEDULED = "payable_scheduled", "Payment scheduled"
    PAYABLE_PAID = "payable_paid", "Payable paid"
    # To both sides.
    PAYMENT_FAILED = "payment_failed", "Payment failed"
    # To the side that did not cancel it (the payer only once the payable had reached it).
    PAYABLE_CANCELLED = "payable_cancelled", "Payable cancelled"
    # To the business that sent a connection invitation.
    CONNECTION_ACCEPTED = "connection_accepted", "Connection accepted"
    # To a business's owners and admins: someone accepted an invitation to it.
    MEMBER_JOINED = "member_joined", "Member joined"
    # To the approvers of a step that waited too long (``approvals.reminders``), and to those
    # it is escalated to.
    APPROVAL_REMINDER = "approval_reminder", "Approval reminder"
    APPROVAL_ESCALATED = "approval_escalated", "Approval escalated"
    # To a member of a comment author's business named in the comment (``comments.services``).
    COMMENT_MENTIONED = "comment_mentioned", "Mentioned in a comment"


class Notification(models.Model):
    id = PublicIdField(prefix="ntf")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    business = models.ForeignKey(Business, on_delete=models.CASCADE, related_name="+")
    # What it is about: a payable, or (for a connection's news) a connection; neither for news
    # about the business itself (a member joined).
    payable = models.ForeignKey(
        "payables.Payable",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    connection = models.ForeignKey(
        "connections.Connection",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    type = models.CharField(max_length=40, choices=NotificationType.choices)
    # One line for the in-app list, written when the change happened.
    message = models.TextField()
    # A decline's reason or a payment's failure, kept as it was then (the payable moves on).
    note = models.TextField(blank=True, default="")
    read_at = models.DateTimeField(null=True, blank=True)
    # Set when the e-mail is claimed for sending; null until then (the sweep retries those).
    emailed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(type__in=NotificationType.values),
                name="notification_type_valid",
            ),
            models.CheckConstraint(
                # News about the business itself (a member joined) has neither.
                condition=models.Q(payable__isnull=False)
                | models.Q(connection__isnull=False)
                | models.Q(type=NotificationType.MEMBER_JOINED),
                name="notification_has_subject",
            ),
        ]
        indexes = [
            # The list, newest first, and its ?unread=true filter.
            models.Index(fields=["user", "-created_at", "-id"], name="notification_user_idx"),
            models.Index(
                fields=["user", "read_at", "created_at"], name="notification_user_unread_idx"
            ),
            # The sweep of e-mails not sent yet.
            models.Index(
                fields=["created_at"],
                condition=models.Q(emailed_at__isnull=True),
                name="notification_email_pending_idx",
            ),
        ]
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.type} for {self.user_id} on {self.payable_id or self.connection_id}"

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class DigestFrequency(models.TextChoices):
    OFF = "off", "Off: one e-mail per notification"
    DAILY = "daily", "Daily: one e-mail a day with everything"


class NotificationSettings(models.Model):
    """One person's e-mail choices, for every business they belong to.

    No row means the defaults: every type by e-mail, no digest. ``email_off`` lists the
    types the person turned off (a new type is on until they turn it off).
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="notification_settings",
    )
    email_off = models.JSONField(default=list, blank=True)
    digest = models.CharField(
        max_length=10, choices=DigestFrequency.choices, default=DigestFrequency.OFF
    )
    # The day (in the person's time zone) whose digest was sent: a second sweep that day sends
    # nothing.
    digest_sent_on = models.DateField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "notification settings"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(digest__in=DigestFrequency.values),
                name="notification_settings_digest_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"notification settings of {self.user_id}"

    def emails(self, type: str) -> bool:
        return type not in self.email_off
