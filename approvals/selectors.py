"""Reads of workflows and custom field definitions, always through the caller's businesses, and
the overview of a payable's review the payer reads (``approval_overview``)."""

from decimal import Decimal

from django.db.models import Exists, F, OuterRef, Prefetch, QuerySet, Subquery
from rest_framework.exceptions import NotFound

from accounts.models import Membership, Role, User
from accounts.permissions import roles_of
from approvals.models import (
    Approval,
    ApprovalAssignment,
    ApprovalDecision,
    ApprovalRequest,
    ApprovalRequestStatus,
    ApprovalWorkflow,
    CustomFieldDefinition,
    WorkflowStep,
)
from approvals.review import payable_authors
from approvals.routing import (
    APPROVING_ROLES,
    ApprovalOutcome,
    approval_route,
    blocked_reason,
    eligible_approvers,
    manual_review_approvers,
    steps_shortfall,
)
from cleopay.core.errors import field_error
from connections.models import Connection, Tag


def _workflows() -> QuerySet[ApprovalWorkflow]:
    """Workflows with everything the API shows about them prefetched (4 queries in all)."""
    return ApprovalWorkflow.objects.prefetch_related(
        Prefetch(
            "steps",
            queryset=WorkflowStep.objects.order_by("position").prefetch_related("approver_links"),
        ),
        "connection_links",
        "tag_links",
    )


def workflow_list(*, business_id: str) -> QuerySet[ApprovalWorkflow]:
    """A business's workflows in the order they are tried."""
    return _workflows().filter(business_id=business_id).order_by("priority", "created_at", "id")


def workflow_get(*, user: User, workflow_id: str) -> ApprovalWorkflow:
    """A workflow of one of the caller's businesses; any other is a 404."""
    workflow = _workflows().filter(pk=workflow_id, business_id__in=list(roles_of(user))).first()
    if workflow is None:
        raise NotFound("Not found.")
    return workflow


def custom_field_list(*, business_id: str) -> QuerySet[CustomFieldDefinition]:
    """A business's definitions (inactive ones too, deleted ones not), in display order."""
    return (
        CustomFieldDefinition.objects.for_business(business_id)
        .live()
        .order_by("position", "created_at", "id")
    )


def custom_field_get(*, user: User, custom_field_id: str) -> CustomFieldDefinition:
    """A live definition of one of the caller's businesses; any other (or deleted) is a 404."""
    definition = (
        CustomFieldDefinition.objects.live()
        .filter(pk=custom_field_id, business_id__in=list(roles_of(user)))
        .first()
    )
    if definition is None:
        raise NotFound("Not found.")
    return definition


def connection_custom_field_list(*, connection: Connection) -> QuerySet[CustomFieldDefinition]:
    """The payer's active definitions, which the payee fills in on payables of this connection."""
    if connection.payer_id is None:
        return CustomFieldDefinition.objects.none()
    return custom_field_list(business_id=connection.payer_id).filter(active=True)


def approval_preview(
    *, business_id: str, amount: Decimal, connection_id: str, tag_ids: list[str] | None
) -> dict:
    """What submitting a payable of ``amount`` on a connection this business pays would lead to.

    ``{"workflow": workflow | None, "outcome": ..., "steps": [{"required_approvals",
    "approvers": [User, ...]}]}``. Under manual review, one step lists everyone who may approve.
    """
    connection = (
        Connection.objects.filter(pk=connection_id, payer_id=business_id)
        .select_related("payer")
        .first()
    )
    if connection is None:
        raise field_error("connectionId", "No connection on which this business pays has this ID.")
    if tag_ids is not None:
        known = set(
            Tag.objects.filter(business_id=business_id, pk__in=tag_ids).values_list("pk", flat=True)
        )
        for index, tag_id in enumerate(tag_ids):
            if tag_id not in known:
                raise field_error(f"tagIds[{index}]", "No tag of this business has this ID.")

    route = approval_route(
        payer_business_id=business_id, amount=amount, connection=connection, tag_ids=tag_ids
    )
    steps = []
    if route.outcome == ApprovalOutcome.WORKFLOW:
        for step in route.snapshot["steps"]:
            user_ids = eligible_approvers(payer_business_id=business_id, step_snapshot=step)
            steps.append({"required_approvals": step["required_approvals"], "approvers": user_ids})
    elif route.outcome == ApprovalOutcome.MANUAL_REVIEW:
        steps.append(
            {
                "required_approvals": 1,
                "approvers": manual_review_approvers(payer_business_id=business_id),
            }
        )
    everyone = set().union(*(step["approvers"] for step in steps))
    users = {user.pk: user for user in User.objects.filter(pk__in=everyone).order_by("email")}
    for step in steps:
        step["approvers"] = [
            user for user_id, user in users.items() if user_id in step["approvers"]
        ]
    return {"workflow": route.workflow, "outcome": route.outcome, "steps": steps}


# --- a payable's review, as the payer sees it -------------------------------------------------------


def latest_approval_request_prefetch() -> Prefetch:
    """For ``Payable`` querysets: the latest review round with its decisions and their people,
    as ``payable.latest_approval_requests`` (two queries for any number of payables)."""
    latest_round = (
        ApprovalRequest.objects.filter(payable=OuterRef("payable"))
        .order_by("-round")
        .values("round")[:1]
    )
    return Prefetch(
        "approval_requests",
        queryset=ApprovalRequest.objects.filter(round=Subquery(latest_round)).prefetch_related(
            Prefetch(
                "approvals",
                queryset=Approval.objects.select_related("user", "on_behalf_of").order_by(
                    "decided_at", "id"
                ),
            )
        ),
        to_attr="latest_approval_requests",
    )


# --- the overview the payer reads -------------------------------------------------------------------


def _latest_request(payable) -> ApprovalRequest | None:
    """The latest round, from ``latest_approval_request_prefetch`` when it ran."""
    prefetched = getattr(payable, "latest_approval_requests", None)
    if prefetched is not None:
        return prefetched[0] if prefetched else None
    return (
        ApprovalRequest.objects.filter(payable=payable)
        .prefetch_related(
            Prefetch("approvals", queryset=Approval.objects.select_related("user", "on_behalf_of"))
        )
        .order_by("-round")
        .first()
    )


_MANUAL_STEPS = [
    {"position": 0, "approver_ids": [], "approver_roles": list(APPROVING_ROLES),
     "required_approvals": 1}
]  # fmt: skip


def approval_overview(*, payable) -> dict | None:
    """The payer's view of a payable's review (the ``approval`` object), in at most one query
    beyond the prefetch (the payer's approving members, for who may approve each step); None
    before the first submission.

    ``{"status", "outcome", "workflow": {id, name} | None, "current_step", "blocked",
    "blocked_reason", "steps": [{"position", "required_approvals", "approvers": [User],
    "approvals": [Approval]}]}``. Approvers are resolved from current memberships, less the
    payable's authors; ``blocked`` says the steps left cannot be completed by distinct people.
    """
    request = _latest_request(payable)
    if request is None:
        return None
    outcome = ApprovalOutcome(request.outcome)
    pending = request.is_pending
    decisions = list(request.approvals.all())
    current = request.current_step if pending else None
    overview = {
        # As the payables app stored it from what this module returned.
        "status": payable.approval_status,
        "outcome": outcome.value,
        "workflow": None,
        "current_step": current,
        "blocked": False,
        "blocked_reason": None,
        "steps": [],
    }
    if outcome == ApprovalOutcome.AUTO_APPROVE:
        return overview

    members = {
        membership.user_id: membership
        for membership in Membership.objects.filter(
            business_id=payable.payer_id, role__in=APPROVING_ROLES
        )
        .select_related("user")
        .order_by("user__email")
    }
    authors = payable_authors(payable)
    if outcome == ApprovalOutcome.WORKFLOW:
        overview["workflow"] = {
            "id": request.snapshot["workflow_id"],
            "name": request.snapshot["name"],
        }
        steps = request.steps
    else:
        steps = _MANUAL_STEPS

    eligible: list[set[str]] = []
    for step in steps:
        named = set(step.get("approver_ids") or [])
        roles = set(step.get("approver_roles") or [])
        people = {
            user_id
            for user_id, membership in members.items()
            if user_id in named or membership.role in roles
        } - authors
        eligible.append(people)
        overview["steps"].append(
            {
                "position": step["position"],
                "required_approvals": step["required_approvals"],
                "approvers": [members[user_id].user for user_id in members if user_id in people],
                "approvals": [d for d in decisions if d.step == step["position"]],
            }
        )

    if pending and current is not None and current < len(steps):
        approved = {
            person
            for d in decisions
            if d.decision == ApprovalDecision.APPROVED
            for person in (d.user_id, d.on_behalf_of_id)
            if person
        }
        left = [people - approved for people in eligible[current:]]
        missing = [step["required_approvals"] for step in steps[current:]]
        missing[0] -= sum(
            1 for d in decisions if d.step == current and d.decision == ApprovalDecision.APPROVED
        )
        group = steps_shortfall(eligible_by_step=left, required_by_step=missing)
        if group is not None:
            overview["blocked"] = True
            overview["blocked_reason"] = blocked_reason(
                group=group, first=current, missing=missing, eligible=left
            )
    return overview


def waiting_on(*, payable_ids) -> dict[str, list[str]]:
    """Whom the current step of each payable's pending review still waits on, for a list of
    payables (one query, whatever their number): the people it names by name (or e-mail), less
    those who approved already, and the roles it names as "any approver". Payables under manual
    review, whose step names nobody in particular, are left out."""
    approved_already = Approval.objects.filter(
        request=OuterRef("request"), user=OuterRef("user"), decision=ApprovalDecision.APPROVED
    )
    rows = (
        ApprovalAssignment.objects.filter(
            request__payable_id__in=list(payable_ids),
            request__status=ApprovalRequestStatus.PENDING,
            position=F("request__current_step"),
        )
        .exclude(Exists(approved_already))
        .order_by("request__payable_id", "role", "user__full_name", "user__email")
        .values_list("request__payable_id", "user__full_name", "user__email", "role")
    )
    waiting: dict[str, list[str]] = {}
    for payable_id, full_name, email, role in rows:
        label = f"any {Role(role).label.lower()}" if role else (full_name or email)
        waiting.setdefault(payable_id, []).append(label)
    return waiting
