"""Demo approval workflow for ``seed_demo``: Acme has invoices of $1,000 or more approved by one
of its approvers (reminded after a day, escalated to the owners and admins after three), then by
its owner. Idempotent: the workflow is found by name."""

from decimal import Decimal

from accounts.models import Business, Membership, Role
from approvals import workflows
from approvals.models import ApprovalWorkflow

WORKFLOW_NAME = "$1,000 and over: an approver, then the owner"


def seed_approvals(*, businesses: dict[str, Business]) -> ApprovalWorkflow | None:
    """Create Acme's workflow once; returns it (None without an Acme owner)."""
    acme = businesses["acme"]
    existing = ApprovalWorkflow.objects.filter(business=acme, name=WORKFLOW_NAME).first()
    if existing is not None:
        return existing
    owner = (
        Membership.objects.filter(business=acme, role=Role.OWNER)
        .order_by("created_at", "id")
        .select_related("user")
        .first()
    )
    if owner is None:
        return None
    return workflows.workflow_create(
        business_id=acme.pk,
        actor=owner.user,
        name=WORKFLOW_NAME,
        priority=10,
        conditions={"min_amount": Decimal("1000.00")},
        steps=[
            {
                "approver_roles": [Role.APPROVER],
                "required_approvals": 1,
                "remind_after_hours": 24,
                "escalate_after_hours": 72,
            },
            {"approver_ids": [owner.user_id], "required_approvals": 1},
        ],
    )
