"""The review of one submission of a payable: its round, whom each step names, each decision."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django_fsm import FSMField, FSMModelMixin, transition

from cleopay.core.ids import PublicIdField


class ApprovalRequestOutcome(models.TextChoices):
    """How a submission is reviewed (the values of ``approvals.routing.ApprovalOutcome``)."""

    WORKFLOW = "workflow", "Workflow"
    AUTO_APPROVE = "auto_approve", "Approved automatically"
    MANUAL_REVIEW = "manual_review", "Manual review"


class ApprovalRequestStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    APPROVED = "approved", "Approved"
    DECLINED = "declined", "Declined"
    # Closed without a decision: a newer round replaced it.
    SUPERSEDED = "superseded", "Superseded"
    # Closed without a decision: the payable was cancelled during its review.
    CANCELLED = "cancelled", "Cancelled"


class ApprovalStatus(models.TextChoices):
    """Where the payer's review of a payable stands (the ``approval.status`` the payer sees).

    The outcome each review function returns (``approvals.review``); the payables app keeps it
    on the payable (``Payable.approval_status``) so lists filter on it without a join.
    """

    PENDING = "pending", "Pending"
    MANUAL_REVIEW = "manual_review", "Manual review"
    NOT_REQUIRED = "not_required", "Not required"
    APPROVED = "approved", "Approved"
    DECLINED = "declined", "Declined"


class ApprovalRequest(FSMModelMixin, models.Model):
    """One submission round of a payable: the route it took and where its review stands."""

    id = PublicIdField(prefix="apr")
    payable = models.ForeignKey(
        "payables.Payable", on_delete=models.PROTECT, related_name="approval_requests"
    )
    # 1 for the first submission, 2 after a decline and resubmission...
    round = models.PositiveIntegerField()
    outcome = models.CharField(max_length=20, choices=ApprovalRequestOutcome.choices)
    # ``approvals.routing.workflow_snapshot`` of the workflow applied; null without a workflow.
    snapshot = models.JSONField(null=True, blank=True)
    # Changes only through the transitions below, each stamping ``closed_at``.
    status = FSMField(
        max_length=20,
        choices=ApprovalRequestStatus.choices,
        default=ApprovalRequestStatus.PENDING,
        protected=True,
    )
    # The step under way (0-based, the snapshot's ``position``); 0 under manual review.
    current_step = models.PositiveSmallIntegerField(null=True, blank=True)
    # When the step under way began (the reminders count from it); null on rounds older than
    # reminders, whose step counts from ``created_at``.
    step_started_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["payable", "round"], name="approval_request_round_once"
            ),
            models.UniqueConstraint(
                fields=["payable"],
                condition=models.Q(status="pending"),
                name="approval_request_one_pending_per_payable",
            ),
            models.CheckConstraint(
                condition=models.Q(outcome__in=ApprovalRequestOutcome.values),
                name="approval_request_outcome_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=ApprovalRequestStatus.values),
                name="approval_request_status_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(status="pending", closed_at__isnull=True)
                | (~models.Q(status="pending") & models.Q(closed_at__isnull=False)),
                name="approval_request_closed_when_decided",
            ),
        ]
        ordering = ["payable", "round"]

    def __str__(self) -> str:
        return f"round {self.round} of {self.payable_id} ({self.status})"

    @property
    def is_pending(self) -> bool:
        return self.status == ApprovalRequestStatus.PENDING

    @property
    def steps(self) -> list[dict]:
        """The frozen steps (a workflow's), or none."""
        return list((self.snapshot or {}).get("steps") or [])

    @property
    def approval_status(self) -> str:
        """The payable's ``ApprovalStatus`` while this is its latest round.

        A cancelled round leaves the status the review had (the payable itself says cancelled).
        """
        if self.status == ApprovalRequestStatus.DECLINED:
            return ApprovalStatus.DECLINED
        if self.outcome == ApprovalRequestOutcome.AUTO_APPROVE:
            return ApprovalStatus.NOT_REQUIRED
        if self.status == ApprovalRequestStatus.APPROVED:
            return ApprovalStatus.APPROVED
        if self.outcome == ApprovalRequestOutcome.MANUAL_REVIEW:
            return ApprovalStatus.MANUAL_REVIEW
        return ApprovalStatus.PENDING

    # --- transitions: each closes the round ---------------------------------------------------

    def _close(self) -> None:
        self.closed_at = timezone.now()

    @transition(
        field=status, source=ApprovalRequestStatus.PENDING, target=ApprovalRequestStatus.APPROVED
    )
    def approve(self) -> None:
        """The last approval of the last step, or automatic approval at the start."""
        self._close()

    @transition(
        field=status, source=ApprovalRequestStatus.PENDING, target=ApprovalRequestStatus.DECLINED
    )
    def decline(self) -> None:
        self._close()

    @transition(
        field=status, source=ApprovalRequestStatus.PENDING, target=ApprovalRequestStatus.SUPERSEDED
    )
    def supersede(self) -> None:
        """A resubmission opened a newer round."""
        self._close()

    @transition(
        field=status, source=ApprovalRequestStatus.PENDING, target=ApprovalRequestStatus.CANCELLED
    )
    def cancel(self) -> None:
        """The payable was cancelled during its review."""
        self._close()


class ApprovalAssignment(models.Model):
    """Whom one step of a request names, a user or a role, copied from the snapshot at submit.

    The snapshot stays the record; these rows only let SQL answer "which payables await this
    person" (``PayableQuerySet.awaiting_approval_by``) without reading JSON.
    """

    request = models.ForeignKey(
        ApprovalRequest, on_delete=models.CASCADE, related_name="assignments"
    )
    position = models.PositiveSmallIntegerField()
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    role = models.CharField(max_length=20, blank=True, default="")

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(user__isnull=False) & models.Q(role=""))
                | (models.Q(user__isnull=True) & ~models.Q(role="")),
                name="approval_assignment_user_or_role",
            ),
        ]
        indexes = [
            models.Index(fields=["request", "position"], name="approval_assignment_step_idx"),
        ]
        ordering = ["request", "position", "id"]

    def __str__(self) -> str:
        return f"step {self.position + 1} of {self.request_id}: {self.user_id or self.role}"


class ApprovalDecision(models.TextChoices):
    APPROVED = "approved", "Approved"
    DECLINED = "declined", "Declined"


class Approval(models.Model):
    """One person's decision on one step of a request."""

    request = models.ForeignKey(ApprovalRequest, on_delete=models.CASCADE, related_name="approvals")
    # The step decided on (the snapshot's ``position``; 0 under manual review).
    step = models.PositiveSmallIntegerField()
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # The delegator ``user`` decided for (``approvals.delegation``); null when they decided for
    # themselves. One person approves a payable once, whichever column names them.
    on_behalf_of = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decision = models.CharField(max_length=20, choices=ApprovalDecision.choices)
    reason = models.TextField(blank=True, default="")
    decided_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            # One person approves a payable once per round: never two steps, never twice.
            models.UniqueConstraint(
                fields=["user", "request"],
                condition=models.Q(decision="approved"),
                name="approval_one_per_user_per_round",
            ),
            # Nobody is represented twice in a round by delegates.
            models.UniqueConstraint(
                fields=["on_behalf_of", "request"],
                condition=models.Q(decision="approved", on_behalf_of__isnull=False),
                name="approval_one_per_delegator_per_round",
            ),
            models.CheckConstraint(
                condition=~models.Q(on_behalf_of=models.F("user")),
                name="approval_not_on_behalf_of_oneself",
            ),
            # A decline ends the round: there is at most one.
            models.UniqueConstraint(
                fields=["request"],
                condition=models.Q(decision="declined"),
                name="approval_one_decline_per_round",
            ),
            models.CheckConstraint(
                condition=models.Q(decision__in=ApprovalDecision.values),
                name="approval_decision_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(decision="approved") | ~models.Q(reason=""),
                name="approval_decline_has_reason",
            ),
        ]
        ordering = ["request", "decided_at", "id"]

    def __str__(self) -> str:
        return f"{self.user_id} {self.decision} step {self.step + 1} of {self.request_id}"


class ReminderKind(models.TextChoices):
    REMINDER = "reminder", "Reminder"
    ESCALATION = "escalation", "Escalation"


class ApprovalReminder(models.Model):
    """One person reminded of (or told of the escalation of) one step of a round, once.

    ``number`` counts the reminders of a step (1 after ``remind_after_hours``, 2 a day later,
    ...); an escalation is number 1. The unique constraint is what makes the sweep idempotent:
    a second run finds the row and sends nothing.
    """

    request = models.ForeignKey(ApprovalRequest, on_delete=models.CASCADE, related_name="reminders")
    step = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=20, choices=ReminderKind.choices)
    number = models.PositiveSmallIntegerField(default=1)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["request", "step", "kind", "number", "user"],
                name="approval_reminder_once",
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=ReminderKind.values),
                name="approval_reminder_kind_valid",
            ),
        ]
        ordering = ["request", "step", "kind", "number", "id"]

    def __str__(self) -> str:
        return f"{self.kind} {self.number} of step {self.step + 1} of {self.request_id}"
