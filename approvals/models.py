"""
Approvals: how a payer business decides on the payables it receives, and the extra data it
asks its vendors for.

An ``ApprovalWorkflow`` is a rule of one (payer) business: optional conditions, combined with
AND (an amount range, specific connections, connection tags the payer put on its side), and
ordered ``WorkflowStep``s. Each step names approvers by user and/or by role and needs
``required_approvals`` distinct people among them. Active workflows are tried by ``priority``
(lower first, ties by age); the first whose conditions all hold applies. With none, the
connection's ``auto_approve`` or else the business's ``default_approval_action`` decides.

A workflow is never read again once it has been applied: at submit the payables app stores a
frozen snapshot of it on the payable (``approvals.domain.workflow_snapshot``), so editing or
deleting a workflow leaves every review already under way intact. Who may approve a step is
resolved from current memberships each time (someone who left the business approves nothing).

Applying a workflow is an ``ApprovalRequest``: one per submission round of a payable, holding the
route taken (a workflow, ``auto_approve`` or ``manual_review``), the frozen snapshot, the step
under way and the outcome. Each decision is an ``Approval`` row on a step. A resubmission starts
a new round; the database holds at most one pending round per payable and at most one approval
per person per round (so nobody satisfies two steps). ``ApprovalAssignment`` rows repeat who
each step of the snapshot names, so "awaiting my approval" is one SQL query.

Connection and tag conditions are links that *restrict* deletion of the connection or tag:
a workflow whose only tag vanished would otherwise silently start matching every payable.

A ``CustomFieldDefinition`` is a field the payer asks its payees to fill in, on the payable or
on each line item. Values live on the payables themselves (a JSON object keyed by ``key``);
a definition is soft-deleted so that past values stay readable with their label, and its key
becomes free for a new definition.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django_fsm import FSMField, FSMModelMixin, transition

from accounts.models import Business
from cleopay.ids import PublicIdField
from cleopay.jsoncodec import DecimalJSONDecoder, DecimalJSONEncoder
from cleopay.money import MoneyField
from connections.models import Connection, Tag


class ApprovalWorkflow(models.Model):
    id = PublicIdField(prefix="apwf")
    business = models.ForeignKey(
        Business, on_delete=models.CASCADE, related_name="approval_workflows"
    )
    name = models.CharField(max_length=200)
    # Lower runs first; equal priorities are tried oldest first.
    priority = models.PositiveIntegerField(default=0)
    # Conditions, all optional and combined with AND. Bounds are inclusive.
    min_amount = MoneyField(null=True, blank=True)
    max_amount = MoneyField(null=True, blank=True)
    connections = models.ManyToManyField(
        Connection, through="WorkflowConnection", related_name="+", blank=True
    )
    tags = models.ManyToManyField(Tag, through="WorkflowTag", related_name="+", blank=True)
    active = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(min_amount__isnull=True) | models.Q(min_amount__gte=0),
                name="approval_workflow_min_amount_not_negative",
            ),
            models.CheckConstraint(
                condition=models.Q(max_amount__isnull=True) | models.Q(max_amount__gte=0),
                name="approval_workflow_max_amount_not_negative",
            ),
            models.CheckConstraint(
                condition=models.Q(min_amount__isnull=True)
                | models.Q(max_amount__isnull=True)
                | models.Q(min_amount__lte=models.F("max_amount")),
                name="approval_workflow_amount_range_ordered",
            ),
        ]
        indexes = [
            models.Index(
                fields=["business", "priority", "created_at"], name="approval_workflow_order_idx"
            ),
        ]
        ordering = ["priority", "created_at", "id"]

    def __str__(self) -> str:
        return self.name

    # Read through prefetched links (selectors.workflow_list prefetches them), in the order given.
    @property
    def connection_ids(self) -> list[str]:
        return [link.connection_id for link in self.connection_links.all()]

    @property
    def tag_ids(self) -> list[str]:
        return [link.tag_id for link in self.tag_links.all()]


class WorkflowConnection(models.Model):
    """The workflow applies only to payables on these connections (any of them)."""

    workflow = models.ForeignKey(
        ApprovalWorkflow, on_delete=models.CASCADE, related_name="connection_links"
    )
    connection = models.ForeignKey(Connection, on_delete=models.RESTRICT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["workflow", "connection"], name="workflow_connection_once"
            ),
        ]
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.workflow_id} on {self.connection_id}"


class WorkflowTag(models.Model):
    """The workflow applies only to connections carrying any of these tags (the payer's own)."""

    workflow = models.ForeignKey(
        ApprovalWorkflow, on_delete=models.CASCADE, related_name="tag_links"
    )
    tag = models.ForeignKey(Tag, on_delete=models.RESTRICT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["workflow", "tag"], name="workflow_tag_once"),
        ]
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.workflow_id} for {self.tag_id}"


class WorkflowStep(models.Model):
    """One stage of a workflow: ``required_approvals`` distinct people among those it names."""

    workflow = models.ForeignKey(ApprovalWorkflow, on_delete=models.CASCADE, related_name="steps")
    # 0-based; steps run in this order.
    position = models.PositiveSmallIntegerField()
    required_approvals = models.PositiveSmallIntegerField(default=1)
    approvers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="WorkflowStepApprover", related_name="+", blank=True
    )
    # Role values (owner, admin, approver): every current member holding one may approve.
    approver_roles = models.JSONField(default=list, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["workflow", "position"], name="workflow_step_position_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(required_approvals__gte=1),
                name="workflow_step_requires_an_approval",
            ),
        ]
        ordering = ["workflow", "position"]

    def __str__(self) -> str:
        return f"step {self.position + 1} of {self.workflow_id}"

    @property
    def approver_ids(self) -> list[str]:
        return [link.user_id for link in self.approver_links.all()]


class WorkflowStepApprover(models.Model):
    """A user named on a step (kept in the order the business listed them)."""

    step = models.ForeignKey(WorkflowStep, on_delete=models.CASCADE, related_name="approver_links")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["step", "user"], name="workflow_step_approver_once"),
        ]
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.user_id} on {self.step_id}"


class CustomFieldType(models.TextChoices):
    TEXT = "text", "Text"
    NUMBER = "number", "Number"
    DATE = "date", "Date"
    SELECT = "select", "Select"
    MULTI_SELECT = "multi_select", "Multiple choice"
    BOOLEAN = "boolean", "Yes / no"


class CustomFieldScope(models.TextChoices):
    PAYABLE = "payable", "Payable"
    LINE_ITEM = "line_item", "Line item"


class CustomFieldQuerySet(models.QuerySet):
    def live(self):
        """Not deleted (active or not)."""
        return self.filter(deleted_at__isnull=True)

    def for_business(self, business_id: str):
        return self.filter(business_id=business_id)


class CustomFieldDefinition(models.Model):
    id = PublicIdField(prefix="cf")
    # The payer: its vendors fill the field in on the payables they send it.
    business = models.ForeignKey(Business, on_delete=models.CASCADE, related_name="custom_fields")
    # ^[A-Za-z][A-Za-z0-9_]{0,49}$ (``poNumber``, ``po_number``), checked by the API; immutable,
    # like ``type`` and ``scope``.
    key = models.CharField(max_length=50)
    label = models.CharField(max_length=200)
    type = models.CharField(max_length=20, choices=CustomFieldType.choices)
    required = models.BooleanField(default=False)
    scope = models.CharField(
        max_length=20, choices=CustomFieldScope.choices, default=CustomFieldScope.PAYABLE
    )
    # The choices of a ``select`` or ``multi_select`` field; empty for every other type.
    options = models.JSONField(default=list, blank=True)
    # A hint shown in the empty input of the payee's editor.
    placeholder = models.CharField(max_length=200, blank=True, default="")
    # ``{"key": <another field of the same scope>, "equals": <value>}``: the field is shown,
    # required and kept only while that field holds that value; null: always.
    visible_when = models.JSONField(
        null=True, blank=True, encoder=DecimalJSONEncoder, decoder=DecimalJSONDecoder
    )
    # Display order (the API's ``order``), then age.
    position = models.PositiveIntegerField(default=0)
    active = models.BooleanField(default=True)
    deleted_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CustomFieldQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["business", "key"],
                condition=models.Q(deleted_at__isnull=True),
                name="custom_field_key_unique_per_business",
            ),
            models.CheckConstraint(
                condition=models.Q(type__in=CustomFieldType.values),
                name="custom_field_type_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(scope__in=CustomFieldScope.values),
                name="custom_field_scope_valid",
            ),
        ]
        indexes = [
            models.Index(
                fields=["business", "position", "created_at"], name="custom_field_order_idx"
            ),
        ]
        ordering = ["position", "created_at", "id"]

    def __str__(self) -> str:
        return f"{self.label} ({self.key})"

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None


# --- approval requests: the review of one submission of a payable -----------------------------------


class ApprovalRequestOutcome(models.TextChoices):
    """How a submission is reviewed (the values of ``approvals.domain.ApprovalOutcome``)."""

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
    # ``approvals.domain.workflow_snapshot`` of the workflow applied; null without a workflow.
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
