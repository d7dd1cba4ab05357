"""
Routing a submitted payable: which workflow it gets (or what happens when none matches:
``auto_approve`` or ``manual_review``), the snapshot frozen onto its review, and who may approve
a step. Everything here reads; nothing writes, so the review (``approvals.review``) and the
previews call it inside their own transactions.
"""

import itertools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Any

from django.db.models import Exists, OuterRef, Q
from rest_framework.exceptions import PermissionDenied

from accounts.models import Business, DefaultApprovalAction, Membership, Role
from accounts.permissions import Capability, role_allows
from approvals.models import (
    Approval,
    ApprovalDecision,
    ApprovalWorkflow,
    WorkflowConnection,
    WorkflowStep,
    WorkflowTag,
)
from connections.models import Connection, ConnectionTag

# The roles whose members may approve (owner, admin, approver), read from the one role table.
APPROVING_ROLES: frozenset[str] = frozenset(
    role for role in Role.values if role_allows(role, Capability.APPROVE)
)


class ApprovalOutcome(StrEnum):
    WORKFLOW = "workflow"
    AUTO_APPROVE = "auto_approve"
    MANUAL_REVIEW = "manual_review"


@dataclass(frozen=True)
class ApprovalRoute:
    """What submitting a payable leads to: a workflow (with its frozen snapshot), or no workflow."""

    outcome: ApprovalOutcome
    workflow: ApprovalWorkflow | None = None
    snapshot: dict | None = None


def workflow_match(
    *,
    payer_business_id: str,
    amount: Decimal,
    connection: Connection,
    tag_ids: Iterable[str] | None = None,
) -> ApprovalWorkflow | None:
    """The first active workflow of the payer, by priority then age, whose conditions all hold.

    Amount bounds are inclusive. A connection condition holds when ``connection`` is one of those
    listed; a tag condition when the connection carries any of the listed tags on the payer's
    side, or, with ``tag_ids`` given, when any of ``tag_ids`` is listed (a what-if for previews).

    Most payers have no active workflow for the amount: one plain query says so, and spares
    them building and planning the conditions on connections and tags (about 5 ms of every
    submission). Otherwise a second query checks those conditions.
    """
    candidates = (
        ApprovalWorkflow.objects.filter(business_id=payer_business_id, active=True)
        .filter(Q(min_amount__isnull=True) | Q(min_amount__lte=amount))
        .filter(Q(max_amount__isnull=True) | Q(max_amount__gte=amount))
    )
    if not candidates.exists():
        return None
    connection_links = WorkflowConnection.objects.filter(workflow=OuterRef("pk"))
    tag_links = WorkflowTag.objects.filter(workflow=OuterRef("pk"))
    if tag_ids is None:
        carried = ConnectionTag.objects.filter(
            connection_id=connection.pk, tag__business_id=payer_business_id
        ).values("tag_id")
    else:
        carried = list(tag_ids)
    return (
        candidates.filter(
            ~Exists(connection_links) | Exists(connection_links.filter(connection_id=connection.pk))
        )
        .filter(~Exists(tag_links) | Exists(tag_links.filter(tag_id__in=carried)))
        .order_by("priority", "created_at", "id")
        .first()
    )


def approval_route(
    *,
    payer_business_id: str,
    amount: Decimal,
    connection: Connection,
    tag_ids: Iterable[str] | None = None,
) -> ApprovalRoute:
    """Where a payable of ``amount`` on ``connection`` goes at submit.

    The first matching workflow (snapshotted); with none, ``auto_approve`` when the connection
    says so, else the payer business's ``default_approval_action``.
    """
    workflow = workflow_match(
        payer_business_id=payer_business_id, amount=amount, connection=connection, tag_ids=tag_ids
    )
    if workflow is not None:
        return ApprovalRoute(
            outcome=ApprovalOutcome.WORKFLOW,
            workflow=workflow,
            snapshot=workflow_snapshot(workflow),
        )
    if connection.auto_approve and connection.payer_id == payer_business_id:
        return ApprovalRoute(outcome=ApprovalOutcome.AUTO_APPROVE)
    if connection.payer_id == payer_business_id:
        business = connection.payer
    else:
        business = Business.objects.only("default_approval_action").get(pk=payer_business_id)
    if business.default_approval_action == DefaultApprovalAction.AUTO_APPROVE:
        return ApprovalRoute(outcome=ApprovalOutcome.AUTO_APPROVE)
    return ApprovalRoute(outcome=ApprovalOutcome.MANUAL_REVIEW)


SNAPSHOT_VERSION = 1


def workflow_snapshot(workflow: ApprovalWorkflow) -> dict:
    """The workflow as a payable keeps it from submit on, so later edits change nothing there.

    Plain JSON (snake_case, as stored)::

        {"version": 1, "workflow_id": "apwf_…", "name": "Over $10k", "priority": 10,
         "steps": [{"position": 0, "approver_ids": ["usr_…"], "approver_roles": ["admin"],
                    "required_approvals": 2, "remind_after_hours": 24,
                    "escalate_after_hours": 72, "escalate_to_role": ""}, …]}

    Who holds a role is resolved when approving (``eligible_approvers``), not frozen here.
    """
    steps = (
        WorkflowStep.objects.filter(workflow_id=workflow.pk)
        .prefetch_related("approver_links")
        .order_by("position")
    )
    return {
        "version": SNAPSHOT_VERSION,
        "workflow_id": workflow.pk,
        "name": workflow.name,
        "priority": workflow.priority,
        "steps": [
            {
                "position": step.position,
                "approver_ids": [link.user_id for link in step.approver_links.all()],
                "approver_roles": list(step.approver_roles),
                "required_approvals": step.required_approvals,
                "remind_after_hours": step.remind_after_hours,
                "escalate_after_hours": step.escalate_after_hours,
                "escalate_to_role": step.escalate_to_role,
            }
            for step in steps
        ],
    }


def eligible_approvers(*, payer_business_id: str, step_snapshot: Mapping[str, Any]) -> set[str]:
    """User IDs who may approve this step now: those named plus the members holding a role named,
    restricted to current members whose role may approve (owner, admin, approver). One query.

    The caller still removes whoever already approved another step of the payable and any
    payee member who created or submitted it.
    """
    named = list(step_snapshot.get("approver_ids") or [])
    roles = [role for role in step_snapshot.get("approver_roles") or [] if role in APPROVING_ROLES]
    if not named and not roles:
        return set()
    return set(
        Membership.objects.filter(business_id=payer_business_id, role__in=APPROVING_ROLES)
        .filter(Q(user_id__in=named) | Q(role__in=roles))
        .order_by()  # a set: the default order would join the businesses for nothing
        .values_list("user_id", flat=True)
    )


def manual_review_approvers(*, payer_business_id: str) -> set[str]:
    """Under manual review any owner, admin or approver of the payer may approve."""
    return set(
        Membership.objects.filter(business_id=payer_business_id, role__in=APPROVING_ROLES)
        .order_by()  # a set: the default order would join the businesses for nothing
        .values_list("user_id", flat=True)
    )


def steps_shortfall(
    *, eligible_by_step: Sequence[set[str]], required_by_step: Sequence[int]
) -> tuple[int, ...] | None:
    """The smallest group of steps (indices) that distinct people cannot complete, or None.

    One person approves a payable once, so steps compete for people: a set of steps needing
    ``sum(required)`` approvals must be able to draw on at least that many distinct eligible
    people (Hall's condition, which is also sufficient). Meant for a handful of steps.
    """
    count = len(required_by_step)
    for size in range(1, count + 1):
        for group in itertools.combinations(range(count), size):
            needed = sum(required_by_step[i] for i in group)
            people = set().union(*(eligible_by_step[i] for i in group))
            if needed > len(people):
                return group
    return None


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def blocked_reason(
    *, group: tuple[int, ...], first: int, missing: list[int], eligible: list[set[str]]
) -> str:
    """Why the steps ``group`` (counted from step ``first``) cannot be completed any more."""
    people = len(set().union(*(eligible[i] for i in group)))
    needed = sum(missing[i] for i in group)
    if len(group) == 1:
        (index,) = group
        where = f"Step {first + index + 1}"
        return (
            f"{where} needs {_plural(needed, 'more approval')} but only "
            f"{_plural(people, 'eligible approver')} can give them. An owner or admin of the payer "
            "can decline the payable."
        )
    names = ", ".join(str(first + i + 1) for i in group[:-1]) + f" and {first + group[-1] + 1}"
    return (
        f"Steps {names} need {_plural(needed, 'more approval')} from distinct people but only "
        f"{people} can give them. An owner or admin of the payer can decline the payable."
    )


def separate_payer_check(*, payable, actor) -> None:
    """403 when the payer requires a separate payer and ``actor`` approved this payable.

    (``requireSeparatePayer`` in the payer's settings; any round's approval counts.)
    """
    if not payable.payer.require_separate_payer:  # the payer is read with the payable
        return
    approved = Approval.objects.filter(
        request__payable=payable, user=actor, decision=ApprovalDecision.APPROVED
    ).exists()
    if approved:
        raise PermissionDenied(
            "This business requires a separate payer: you approved this payable, so someone "
            "else schedules or pays it."
        )
