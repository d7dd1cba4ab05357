"""Demo approvals for ``seed_demo``: Acme has invoices of $1,000 or more approved by one of its
approvers (reminded after a day, escalated to the owners and admins after three), then by its
owner; Aaron is away this week and Abby holds his approvals. Idempotent: the workflow is found by
name, the delegation by its days."""

from datetime import timedelta
from decimal import Decimal

from accounts.models import Business, Membership, Role, User
from approvals import delegation, workflows
from approvals.models import ApprovalWorkflow, Delegation

WORKFLOW_NAME = "$1,000 and over: an approver, then the owner"


def seed_approvals(*, businesses: dict[str, Business]) -> ApprovalWorkflow | None:
    """Create Acme's workflow and this week's delegation once; returns the workflow (None
    without an Acme owner)."""
    workflow = _seed_workflow(businesses["acme"])
    seed_delegation(acme=businesses["acme"])
    return workflow


def seed_delegation(*, acme: Business) -> Delegation | None:
    """Aaron (an approver) away from today for a week, Abby holding his approvals."""
    aaron = User.objects.filter(email="aaron@acme.example").first()
    abby = User.objects.filter(email="abby@acme.example").first()
    if aaron is None or abby is None:
        return None
    today = delegation.today()
    current = delegation.active(Delegation.objects.filter(business=acme, from_user=aaron)).first()
    if current is not None:
        return current
    return delegation.delegation_create(
        business_id=acme.pk,
        actor=aaron,
        to_user_id=abby.pk,
        starts_on=today,
        ends_on=today + timedelta(days=6),
    )


def _seed_workflow(acme: Business) -> ApprovalWorkflow | None:
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
