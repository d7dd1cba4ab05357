"""Approval workflows: a payer's rules, their conditions and their steps."""

from django.conf import settings
from django.db import models

from accounts.models import Business
from cleopay.core.ids import PublicIdField
from cleopay.core.money import MoneyField
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
    # Reminders (``approvals.reminders``): the step's approvers are reminded after this many
    # hours and daily after that; after ``escalate_after_hours`` the payer's owners and admins
    # (or the members holding ``escalate_to_role``) are told once. Null: never.
    remind_after_hours = models.PositiveSmallIntegerField(null=True, blank=True)
    escalate_after_hours = models.PositiveSmallIntegerField(null=True, blank=True)
    escalate_to_role = models.CharField(max_length=20, blank=True, default="")

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
