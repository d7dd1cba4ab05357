"""Writes of the approvals app: approval workflows, custom field definitions, and the review
rounds of submitted payables (called by the payables services).

Rules a serializer cannot see (membership, which connections and tags are the business's own,
whether distinct people can complete the steps) are checked here, and every error names the
field as the API spells it (``steps[1].requiredApprovals``, ``conditions.tagIds[0]``).
"""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError

from accounts.models import Membership, Role, User
from accounts.permissions import roles_of
from approvals.custom_fields import visible_when_clean
from approvals.domain import (
    APPROVING_ROLES,
    CUSTOM_FIELD_CLEANERS,
    ApprovalOutcome,
    approval_route,
    eligible_approvers,
    manual_review_approvers,
    steps_shortfall,
)
from approvals.models import (
    Approval,
    ApprovalAssignment,
    ApprovalDecision,
    ApprovalRequest,
    ApprovalRequestOutcome,
    ApprovalRequestStatus,
    ApprovalWorkflow,
    CustomFieldDefinition,
    CustomFieldType,
    WorkflowConnection,
    WorkflowStep,
    WorkflowStepApprover,
    WorkflowTag,
)
from cleopay.core.errors import Conflict, ConflictCode, field_error
from connections.models import Connection, Tag

# --- approval workflows ----------------------------------------------------------------------------


def _unique(values: Iterable[str]) -> list[str]:
    """Without repeats, in the order given."""
    return list(dict.fromkeys(values))


def _normalize_steps(steps: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {
            "approver_ids": _unique(step.get("approver_ids") or []),
            "approver_roles": _unique(step.get("approver_roles") or []),
            "required_approvals": step.get("required_approvals", 1),
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
    actor: User | None,
    name: str,
    steps: list[dict[str, Any]],
    priority: int = 0,
    active: bool = True,
    conditions: dict[str, Any] | None = None,
) -> ApprovalWorkflow:
    """A new workflow of ``business_id`` (conditions and steps checked against the business)."""
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
def workflow_update(*, workflow_id: str, changes: dict[str, Any]) -> ApprovalWorkflow:
    """Apply a PATCH: given keys replace the stored ones; ``conditions`` merges key by key and
    ``steps`` is replaced as a whole (JSON merge-patch semantics)."""
    workflow = ApprovalWorkflow.objects.select_for_update().filter(pk=workflow_id).first()
    if workflow is None:
        raise NotFound("Not found.")
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
def workflow_delete(*, workflow_id: str) -> None:
    """Delete a workflow for good: payables already in review keep the snapshot they took."""
    deleted, _ = ApprovalWorkflow.objects.filter(pk=workflow_id).delete()
    if not deleted:
        raise NotFound("Not found.")


# --- custom fields ---------------------------------------------------------------------------------


def _clean_options(*, field_type: str, options: list[str] | None) -> list[str]:
    """A select field's choices: at least one, no repeats; every other type has none."""
    options = list(options or [])
    if field_type not in (CustomFieldType.SELECT, CustomFieldType.MULTI_SELECT):
        if options:
            raise field_error("options", "Only a select or multi_select field has options.")
        return []
    if not options:
        raise field_error("options", f"A {field_type} field needs at least one option.")
    seen: set[str] = set()
    errors: dict[str, list[str]] = {}
    for index, option in enumerate(options):
        if option in seen:
            errors[f"options[{index}]"] = [f'"{option}" is listed twice.']
        seen.add(option)
    if errors:
        raise ValidationError(errors)
    return options


def _duplicate_key(key: str) -> Conflict:
    return Conflict(
        f'A custom field with the key "{key}" already exists.', code=ConflictCode.DUPLICATE
    )


@transaction.atomic
def custom_field_create(
    *,
    business_id: str,
    key: str,
    label: str,
    field_type: str,
    required: bool = False,
    scope: str = "payable",
    options: list[str] | None = None,
    position: int = 0,
    active: bool = True,
    placeholder: str = "",
    visible_when: dict | None = None,
) -> CustomFieldDefinition:
    """A new definition; its key is unique among the business's live definitions (409)."""
    options = _clean_options(field_type=field_type, options=options)
    visible_when = visible_when_clean(
        business_id=business_id,
        key=key,
        scope=scope,
        condition=visible_when,
        cleaners=CUSTOM_FIELD_CLEANERS,
    )
    try:
        with transaction.atomic():
            return CustomFieldDefinition.objects.create(
                business_id=business_id,
                key=key,
                label=label,
                type=field_type,
                required=required,
                scope=scope,
                options=options,
                position=position,
                active=active,
                placeholder=placeholder,
                visible_when=visible_when,
            )
    except IntegrityError:
        raise _duplicate_key(key) from None


IMMUTABLE_CUSTOM_FIELD_KEYS = ("key", "type", "scope")


@transaction.atomic
def custom_field_update(*, custom_field_id: str, changes: dict[str, Any]) -> CustomFieldDefinition:
    """Apply a PATCH. ``key``, ``type`` and ``scope`` are fixed at creation: past values were
    written against them (sending the current value is accepted)."""
    definition = (
        CustomFieldDefinition.objects.live().select_for_update().filter(pk=custom_field_id).first()
    )
    if definition is None:
        raise NotFound("Not found.")
    errors = {
        name: [f"The {name} of a custom field cannot be changed; create a new field instead."]
        for name in IMMUTABLE_CUSTOM_FIELD_KEYS
        if name in changes and changes[name] != getattr(definition, name)
    }
    if errors:
        raise ValidationError(errors)

    fields = []
    for name in ("label", "required", "position", "active", "placeholder"):
        if name in changes:
            setattr(definition, name, changes[name])
            fields.append(name)
    if "visible_when" in changes:
        definition.visible_when = visible_when_clean(
            business_id=definition.business_id,
            key=definition.key,
            scope=definition.scope,
            condition=changes["visible_when"],
            cleaners=CUSTOM_FIELD_CLEANERS,
        )
        fields.append("visible_when")
    if "options" in changes:
        definition.options = _clean_options(field_type=definition.type, options=changes["options"])
        fields.append("options")
    definition.save(update_fields=[*fields, "updated_at"])
    return definition


@transaction.atomic
def custom_field_delete(*, custom_field_id: str) -> None:
    """Retire a definition: past values stay readable under it and its key becomes free."""
    updated = (
        CustomFieldDefinition.objects.live()
        .filter(pk=custom_field_id)
        .update(deleted_at=timezone.now(), active=False, updated_at=timezone.now())
    )
    if not updated:
        raise NotFound("Not found.")


# --- approval requests: the review of a submitted payable ------------------------------------------
#
# The payables services call these while they hold the payable's row lock, inside their own
# transaction, and then run the payable's fsm transition themselves. Lock order: the connection
# (creation only), the payable, then the approval rows (``select_for_update`` below).


@dataclass(frozen=True)
class ApprovalProgress:
    """What one approval did: ``completed`` when the review is over and the payable is approved."""

    request: ApprovalRequest
    step: int
    completed: bool
    step_completed: bool
    note: str


def _authors(payable) -> set[str]:
    """Who can never approve the payable: the payee's people who created or submitted it."""
    return {user_id for user_id in (payable.created_by_id, payable.submitted_by_id) if user_id}


def _step_label(request: ApprovalRequest, position: int) -> str:
    return f"step {position + 1} of {len(request.steps)}"


def _pending_request(payable) -> ApprovalRequest:
    """The payable's pending round, locked.

    A payable submitted before review rounds were recorded has none: it was under manual
    review then, so it gets a manual-review round now.
    """
    request = (
        ApprovalRequest.objects.select_for_update()
        .filter(payable=payable, status=ApprovalRequestStatus.PENDING)
        .first()
    )
    if request is not None:
        return request
    last = ApprovalRequest.objects.filter(payable=payable).aggregate(last=Max("round"))["last"]
    return ApprovalRequest.objects.create(
        payable=payable,
        round=(last or 0) + 1,
        outcome=ApprovalRequestOutcome.MANUAL_REVIEW,
        current_step=0,
    )


def approval_request_start(*, payable, earlier_rounds: bool = True) -> ApprovalRequest:
    """Open the review round of a payable just submitted: route it and freeze the workflow.

    The first matching workflow by priority is copied into the round (later edits to it change
    nothing here); with none, ``auto_approve`` closes the round at once as approved and
    ``manual_review`` leaves it pending for any owner, admin or approver of the payer. A round
    still pending from before is superseded. ``earlier_rounds=False``: the payable was never
    submitted before (it comes from DRAFT, which nothing returns to), so there is none to read.
    """
    now = timezone.now()
    rounds = (
        list(ApprovalRequest.objects.select_for_update().filter(payable=payable).order_by("round"))
        if earlier_rounds
        else []
    )
    for earlier in rounds:
        if earlier.is_pending:
            earlier.status = ApprovalRequestStatus.SUPERSEDED
            earlier.closed_at = now
            earlier.save(update_fields=["status", "closed_at"])

    route = approval_route(
        payer_business_id=payable.payer_id, amount=payable.amount, connection=payable.connection
    )
    automatic = route.outcome == ApprovalOutcome.AUTO_APPROVE
    request = ApprovalRequest.objects.create(
        payable=payable,
        round=(rounds[-1].round if rounds else 0) + 1,
        outcome=route.outcome.value,
        snapshot=route.snapshot,
        status=ApprovalRequestStatus.APPROVED if automatic else ApprovalRequestStatus.PENDING,
        current_step=None if automatic else 0,
        created_at=now,
        closed_at=now if automatic else None,
    )
    if route.outcome == ApprovalOutcome.WORKFLOW:
        ApprovalAssignment.objects.bulk_create(
            [
                ApprovalAssignment(request=request, position=step["position"], user_id=user_id)
                for step in request.steps
                for user_id in step["approver_ids"]
            ]
            + [
                ApprovalAssignment(request=request, position=step["position"], role=role)
                for step in request.steps
                for role in step["approver_roles"]
                if role in APPROVING_ROLES
            ]
        )
    return request


def _step_people(payable, request: ApprovalRequest, position: int) -> set[str]:
    """Current members of the payer who may approve step ``position`` (before exclusions)."""
    if request.outcome != ApprovalRequestOutcome.WORKFLOW:
        return manual_review_approvers(payer_business_id=payable.payer_id)
    return eligible_approvers(
        payer_business_id=payable.payer_id, step_snapshot=request.steps[position]
    )


def approvers_now(*, payable, request: ApprovalRequest | None = None) -> list[str]:
    """Who may approve the payable's current step right now (sorted user IDs; empty when none).

    Those the step names who are still members with a role that approves, less the payable's
    authors and whoever already approved it in this round. ``request``: the pending round, when
    the caller has it in hand (it is read otherwise).
    """
    if request is None:
        request = (
            ApprovalRequest.objects.filter(payable=payable, status=ApprovalRequestStatus.PENDING)
            .only("id", "outcome", "snapshot", "current_step")
            .first()
        )
    if request is None or not request.is_pending:
        return []
    done = set(
        Approval.objects.filter(request=request, decision=ApprovalDecision.APPROVED)
        .order_by()  # a set: the default order would join the round and the payable
        .values_list("user_id", flat=True)
    )
    people = _step_people(payable, request, request.current_step or 0)
    return sorted(people - done - _authors(payable))


def approval_record(*, payable, actor) -> ApprovalProgress:
    """Record ``actor``'s approval on the current step of the payable's pending round.

    403 for a payee author of the payable, for someone who already approved it in this round
    (one person approves a payable once), and for anyone the current step does not name (out of
    turn, or no approver of this workflow). The last approval of the last step completes it.
    """
    request = _pending_request(payable)
    if actor.pk in _authors(payable):
        raise PermissionDenied("You created or submitted this payable, so you cannot approve it.")
    earlier = (
        Approval.objects.filter(request=request, user=actor, decision=ApprovalDecision.APPROVED)
        .order_by()  # at most one row: the default order would join the round and the payable
        .values_list("step", flat=True)
        .first()
    )
    if earlier is not None:
        where = f" ({_step_label(request, earlier)})" if len(request.steps) > 1 else ""
        raise PermissionDenied(
            f"You already approved this payable{where}; one person approves once."
        )

    position = request.current_step or 0
    if request.outcome == ApprovalRequestOutcome.WORKFLOW:
        steps = request.steps
        if actor.pk not in _step_people(payable, request, position):
            later = next(
                (
                    step["position"]
                    for step in steps[position + 1 :]
                    if actor.pk
                    in eligible_approvers(payer_business_id=payable.payer_id, step_snapshot=step)
                ),
                None,
            )
            if later is not None:
                raise PermissionDenied(
                    f"Not your turn yet: this payable is at {_step_label(request, position)}; "
                    f"you approve at step {later + 1}."
                )
            raise PermissionDenied(
                f"You are not an approver of {_step_label(request, position)} of this "
                f"payable's workflow."
            )
        required = steps[position]["required_approvals"]
    else:
        if actor.pk not in _step_people(payable, request, position):
            raise PermissionDenied("Your role does not allow approving payables.")
        required = 1

    try:
        with transaction.atomic():
            Approval.objects.create(
                request=request, step=position, user=actor, decision=ApprovalDecision.APPROVED
            )
    except IntegrityError:  # the unique constraint, should the lock ever be bypassed
        raise PermissionDenied(
            "You already approved this payable; one person approves once."
        ) from None

    count = Approval.objects.filter(
        request=request, step=position, decision=ApprovalDecision.APPROVED
    ).count()
    if request.outcome != ApprovalRequestOutcome.WORKFLOW:
        note = "Approved under manual review."
    else:
        note = f"Approved {_step_label(request, position)} ({count} of {required} approvals)."
    if count < required:
        return ApprovalProgress(
            request=request, step=position, completed=False, step_completed=False, note=note
        )
    if position + 1 < max(len(request.steps), 1):
        request.current_step = position + 1
        request.save(update_fields=["current_step"])
        return ApprovalProgress(
            request=request, step=position, completed=False, step_completed=True, note=note
        )
    request.status = ApprovalRequestStatus.APPROVED
    request.closed_at = timezone.now()
    request.save(update_fields=["status", "closed_at"])
    return ApprovalProgress(
        request=request, step=position, completed=True, step_completed=True, note=note
    )


def approval_decline(*, payable, actor, reason: str) -> ApprovalRequest:
    """Record a decline on the current step and close the round.

    Those the current step names may decline (under manual review: any owner, admin or
    approver), and an owner or admin of the payer always may: a step nobody can complete any
    more (its approvers left) still has a way out.
    """
    request = _pending_request(payable)
    position = request.current_step or 0
    role = roles_of(actor).get(payable.payer_id)
    if role not in (Role.OWNER, Role.ADMIN) and actor.pk not in _step_people(
        payable, request, position
    ):
        where = (
            f"{_step_label(request, position)}"
            if request.outcome == ApprovalRequestOutcome.WORKFLOW
            else "this payable"
        )
        raise PermissionDenied(
            f"Only the approvers of {where} or an owner or admin of the payer can decline it now."
        )
    Approval.objects.create(
        request=request,
        step=position,
        user=actor,
        decision=ApprovalDecision.DECLINED,
        reason=reason,
    )
    request.status = ApprovalRequestStatus.DECLINED
    request.closed_at = timezone.now()
    request.save(update_fields=["status", "closed_at"])
    return request


def approval_request_cancel(*, payable) -> None:
    """Close the pending round of a payable being cancelled (nothing to do without one)."""
    pending = (
        ApprovalRequest.objects.select_for_update()
        .filter(payable=payable, status=ApprovalRequestStatus.PENDING)
        .first()
    )
    if pending is not None:
        pending.status = ApprovalRequestStatus.CANCELLED
        pending.closed_at = timezone.now()
        pending.save(update_fields=["status", "closed_at"])


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
