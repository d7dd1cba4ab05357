"""Writes of approval workflows: create, edit and delete the rules a payer's payables are
routed by, each by an owner or admin of the payer (``accounts.permissions``).

Rules a serializer cannot see (membership, which connections and tags are the business's own,
whether distinct people can complete the steps) are checked here, and every error names the
field as the API spells it (``steps[1].requiredApprovals``, ``conditions.tagIds[0]``).
"""

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from rest_framework.exceptions import NotFound, ValidationError

from accounts.models import Membership, User
from accounts.permissions import Capability, require, roles_of
from approvals.models import (
    ApprovalWorkflow,
    WorkflowConnection,
    WorkflowStep,
    WorkflowStepApprover,
    WorkflowTag,
)
from approvals.routing import APPROVING_ROLES, steps_shortfall
from cleopay.core.errors import field_error
from connections.models import Connection, Tag


def _lock_workflow(*, workflow_id: str, actor: User) -> ApprovalWorkflow:
    """The workflow, locked, through the actor's businesses (another's is a 404); 403 unless
    the actor administers its business."""
    workflow = (
        ApprovalWorkflow.objects.select_for_update()
        .filter(pk=workflow_id, business_id__in=list(roles_of(actor)))
        .first()
    )
    if workflow is None:
        raise NotFound("Not found.")
    require(actor, workflow.business_id, Capability.ADMINISTER)
    return workflow


def _unique(values: Iterable[str]) -> list[str]:
    """Without repeats, in the order given."""
    return list(dict.fromkeys(values))


def _normalize_steps(steps: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {
            "approver_ids": _unique(step.get("approver_ids") or []),
            "approver_roles": _unique(step.get("approver_roles") or []),
            "required_approvals": step.get("required_approvals", 1),
            "remind_after_hours": step.get("remind_after_hours"),
            "escalate_after_hours": step.get("escalate_after_hours"),
            "escalate_to_role": step.get("escalate_to_role") or "",
        }
        for step in steps
    ]


def _check_conditions(*, business_id: str, conditions: dict[str, Any]) -> None:
    errors: dict[str, list[str]] = {}
    low, high = conditions.get("min_amount"), conditions.get("max_amount")
    if low is not None and high is not None and low > high:
        errors["conditions.minAmount"] = [f"Must not exceed maxAmount ({high})."]

    connection_ids = conditions.get("connection_ids") or []
    if connection_ids:
        paid_here = set(
            Connection.objects.filter(payer_id=business_id, pk__in=connection_ids).values_list(
                "pk", flat=True
            )
        )
        for index, connection_id in enumerate(connection_ids):
            if connection_id not in paid_here:
                errors[f"conditions.connectionIds[{index}]"] = [
                    "No connection on which this business pays has this ID."
                ]

    tag_ids = conditions.get("tag_ids") or []
    if tag_ids:
        own = set(
            Tag.objects.filter(business_id=business_id, pk__in=tag_ids).values_list("pk", flat=True)
        )
        for index, tag_id in enumerate(tag_ids):
            if tag_id not in own:
                errors[f"conditions.tagIds[{index}]"] = ["No tag of this business has this ID."]
    if errors:
        raise ValidationError(errors)


def _check_steps(*, business_id: str, steps: list[dict[str, Any]]) -> None:
    """Approvers are members who may approve, and distinct people can complete every step."""
    if not steps:
        raise field_error("steps", "A workflow needs at least one step.")
    roles = dict(Membership.objects.filter(business_id=business_id).values_list("user_id", "role"))
    errors: dict[str, list[str]] = {}
    eligible_by_step: list[set[str]] = []
    for index, step in enumerate(steps):
        if not step["approver_ids"] and not step["approver_roles"]:
            errors[f"steps[{index}]"] = ["Name at least one approver or role."]
        for position, user_id in enumerate(step["approver_ids"]):
            role = roles.get(user_id)
            if role is None:
                errors[f"steps[{index}].approverIds[{position}]"] = [
                    "Not a member of this business."
                ]
            elif role not in APPROVING_ROLES:
                errors[f"steps[{index}].approverIds[{position}]"] = [
                    f"A member whose role is {role} cannot approve payables."
                ]
        eligible_by_step.append(
            {user_id for user_id in step["approver_ids"] if roles.get(user_id) in APPROVING_ROLES}
            | {user_id for user_id, role in roles.items() if role in step["approver_roles"]}
        )
    if errors:
        raise ValidationError(errors)

    required = [step["required_approvals"] for step in steps]
    group = steps_shortfall(eligible_by_step=eligible_by_step, required_by_step=required)
    if group is None:
        return
    if len(group) == 1:
        (index,) = group
        available = len(eligible_by_step[index])
        raise field_error(
            f"steps[{index}].requiredApprovals",
            f"Needs {required[index]} approvals but only {available} eligible "
            f"approver{'s' if available != 1 else ''} can approve this step.",
        )
    people = len(set().union(*(eligible_by_step[i] for i in group)))
    names = ", ".join(str(i + 1) for i in group[:-1]) + f" and {group[-1] + 1}"
    raise field_error(
        f"steps[{group[-1]}].requiredApprovals",
        f"Steps {names} need {sum(required[i] for i in group)} approvals from distinct people "
        f"but only {people} can approve them; one person approves a payable once.",
    )


def _write_conditions(*, workflow: ApprovalWorkflow, conditions: dict[str, Any]) -> None:
    if "connection_ids" in conditions:
        WorkflowConnection.objects.filter(workflow=workflow).delete()
        WorkflowConnection.objects.bulk_create(
            WorkflowConnection(workflow=workflow, connection_id=connection_id)
            for connection_id in conditions["connection_ids"]
        )
    if "tag_ids" in conditions:
        WorkflowTag.objects.filter(workflow=workflow).delete()
        WorkflowTag.objects.bulk_create(
            WorkflowTag(workflow=workflow, tag_id=tag_id) for tag_id in conditions["tag_ids"]
        )


def _write_steps(*, workflow: ApprovalWorkflow, steps: list[dict[str, Any]]) -> None:
    """Replace the workflow's steps (payables under review keep their own snapshot)."""
    WorkflowStep.objects.filter(workflow=workflow).delete()
    rows = WorkflowStep.objects.bulk_create(
        WorkflowStep(
            workflow=workflow,
            position=position,
            required_approvals=step["required_approvals"],
            approver_roles=step["approver_roles"],
            remind_after_hours=step["remind_after_hours"],
            escalate_after_hours=step["escalate_after_hours"],
            escalate_to_role=step["escalate_to_role"],
        )
        for position, step in enumerate(steps)
    )
    if not all(row.pk for row in rows):
        # Backends that do not return primary keys from a bulk insert (none we run on today).
        rows = list(WorkflowStep.objects.filter(workflow=workflow).order_by("position"))
    WorkflowStepApprover.objects.bulk_create(
        WorkflowStepApprover(step=row, user_id=user_id)
        for row, step in zip(rows, steps, strict=True)
        for user_id in step["approver_ids"]
    )


@transaction.atomic
def workflow_create(
    *,
    business_id: str,
    actor: User,
    name: str,
    steps: list[dict[str, Any]],
    priority: int = 0,
    active: bool = True,
    conditions: dict[str, Any] | None = None,
) -> ApprovalWorkflow:
    """A new workflow of ``business_id`` (conditions and steps checked against the business),
    by an owner or admin of it."""
    require(actor, business_id, Capability.ADMINISTER)
    conditions = dict(conditions or {})
    for key in ("connection_ids", "tag_ids"):
        conditions[key] = _unique(conditions.get(key) or [])
    steps = _normalize_steps(steps)
    _check_conditions(business_id=business_id, conditions=conditions)
    _check_steps(business_id=business_id, steps=steps)

    workflow = ApprovalWorkflow.objects.create(
        business_id=business_id,
        name=name,
        priority=priority,
        active=active,
        min_amount=conditions.get("min_amount"),
        max_amount=conditions.get("max_amount"),
        created_by=actor,
    )
    _write_conditions(workflow=workflow, conditions=conditions)
    _write_steps(workflow=workflow, steps=steps)
    return workflow


@transaction.atomic
def workflow_update(*, workflow_id: str, actor: User, changes: dict[str, Any]) -> ApprovalWorkflow:
    """Apply a PATCH, by an owner or admin of the workflow's business: given keys replace the
    stored ones; ``conditions`` merges key by key and ``steps`` is replaced as a whole (JSON
    merge-patch semantics)."""
    workflow = _lock_workflow(workflow_id=workflow_id, actor=actor)
    business_id = workflow.business_id
    fields: list[str] = []

    for key in ("name", "priority", "active"):
        if key in changes:
            setattr(workflow, key, changes[key])
            fields.append(key)

    conditions = dict(changes.get("conditions") or {})
    for key in ("connection_ids", "tag_ids"):
        if key in conditions:
            conditions[key] = _unique(conditions[key] or [])
    if conditions:
        merged = {"min_amount": workflow.min_amount, "max_amount": workflow.max_amount}
        merged.update(conditions)
        _check_conditions(business_id=business_id, conditions=merged)
        for key in ("min_amount", "max_amount"):
            if key in conditions:
                setattr(workflow, key, conditions[key])
                fields.append(key)

    steps = None
    if "steps" in changes:
        steps = _normalize_steps(changes["steps"])
        _check_steps(business_id=business_id, steps=steps)

    workflow.save(update_fields=[*fields, "updated_at"])
    _write_conditions(workflow=workflow, conditions=conditions)
    if steps is not None:
        _write_steps(workflow=workflow, steps=steps)
    return workflow


@transaction.atomic
def workflow_delete(*, workflow_id: str, actor: User) -> None:
    """Delete a workflow for good, by an owner or admin of its business: payables already in
    review keep the snapshot they took."""
    _lock_workflow(workflow_id=workflow_id, actor=actor).delete()
