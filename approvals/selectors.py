"""Reads of workflows and custom field definitions, always through the caller's businesses;
the review of a payable is read through ``approvals.review``."""

from decimal import Decimal

from django.db.models import OuterRef, Prefetch, QuerySet, Subquery
from rest_framework.exceptions import NotFound

from accounts.models import User
from accounts.permissions import roles_of
from approvals.models import (
    Approval,
    ApprovalRequest,
    ApprovalWorkflow,
    CustomFieldDefinition,
    WorkflowStep,
)
from approvals.review import approval_overview  # noqa: F401 - read with the payable
from approvals.routing import (
    ApprovalOutcome,
    approval_route,
    eligible_approvers,
    manual_review_approvers,
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
                queryset=Approval.objects.select_related("user").order_by("decided_at", "id"),
            )
        ),
        to_attr="latest_approval_requests",
    )
