"""
The payer's review of a submitted payable: the one place that starts it, records approvals and
declines, cancels it and says who may act now (the overview the payer reads is
``approvals.selectors.approval_overview``).

The payables services call these while they hold the payable's row lock, inside their own
transaction; each returns where the review now stands (``ApprovalStatus``, on the request or the
progress returned), which payables keeps on the payable, and payables runs its own transition.
This module reads the payable it is handed (its payer, connection, amount and authors) and never
imports the payables app. Lock order: the connection (creation only), the payable, then the
approval rows (``select_for_update`` below).
"""

from dataclasses import dataclass

from django.db import IntegrityError
from django.utils import timezone
from rest_framework.exceptions import PermissionDenied

from accounts.models import Role, User
from accounts.permissions import roles_of
from approvals.delegation import delegates_of, delegators_of
from approvals.models import (
    Approval,
    ApprovalAssignment,
    ApprovalDecision,
    ApprovalRequest,
    ApprovalRequestOutcome,
    ApprovalRequestStatus,
)
from approvals.routing import (
    APPROVING_ROLES,
    ApprovalOutcome,
    approval_route,
    eligible_approvers,
    manual_review_approvers,
)


@dataclass(frozen=True)
class ApprovalProgress:
    """What one approval did: ``completed`` when the review is over and the payable is approved."""

    request: ApprovalRequest
    step: int
    completed: bool
    step_completed: bool
    note: str
    # The delegator the approval was given for, or None.
    on_behalf_of: User | None = None

    @property
    def approval_status(self) -> str:
        return self.request.approval_status


# --- who may act ------------------------------------------------------------------------------------


def payable_authors(payable) -> set[str]:
    """Who can never approve the payable: the payee's people who created or submitted it."""
    return {user_id for user_id in (payable.created_by_id, payable.submitted_by_id) if user_id}


def require_not_author(*, payable, actor) -> None:
    """403 for the payee's people who created or submitted the payable: they never approve it."""
    if actor.pk in payable_authors(payable):
        raise PermissionDenied("You created or submitted this payable, so you cannot approve it.")


def step_label(request: ApprovalRequest, position: int) -> str:
    """``step 2 of 3``."""
    return f"step {position + 1} of {len(request.steps)}"


def current_step_label(request: ApprovalRequest) -> str:
    """The step under way as people are told of it: ``step 2 of 3`` in a workflow of several
    steps, else nothing."""
    if request.outcome != ApprovalRequestOutcome.WORKFLOW or len(request.steps) < 2:
        return ""
    return step_label(request, request.current_step or 0)


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
    people = _step_people(payable, request, request.current_step or 0)
    return sorted(people - approved_people(request) - payable_authors(payable))


def approved_people(request: ApprovalRequest) -> set[str]:
    """Everyone who approved in this round, for themselves or through a delegate (one person
    approves a payable once, whichever side of a delegation they were on). A round opened in
    this transaction (``approval_request_start``) has no approvals yet: nothing is read."""
    done: set[str] = set()
    if getattr(request, "opened_now", False):
        return done
    for user_id, on_behalf_of_id in (
        Approval.objects.filter(request=request, decision=ApprovalDecision.APPROVED)
        .order_by()  # a set: the default order would join the round and the payable
        .values_list("user_id", "on_behalf_of_id")
    ):
        done.add(user_id)
        if on_behalf_of_id:
            done.add(on_behalf_of_id)
    return done


def delegates_now(*, payable, request: ApprovalRequest, approvers: list[str]) -> dict[str, str]:
    """``{delegate: the delegator's e-mail}`` for those of ``approvers`` (``approvers_now``) who are away
    today and whose delegate may act for them on this payable (not one of its authors, not
    done already, not asked in their own right)."""
    away = delegates_of(business_id=payable.payer_id, user_ids=approvers)
    if not away:
        return {}
    excluded = approved_people(request) | payable_authors(payable) | set(approvers)
    emails = dict(User.objects.filter(pk__in=list(away)).values_list("pk", "email"))
    found: dict[str, str] = {}
    for delegator, delegate in away.items():
        if delegate not in excluded and delegate not in found:
            found[delegate] = emails[delegator]
    return found


def acting_for(*, payable, request: ApprovalRequest, actor, position: int) -> str | None:
    """Whom ``actor`` approves the current step for: None for themselves (the step names them),
    else the first delegator of theirs the step still waits for; raises 403 when neither."""
    people = _step_people(payable, request, position)
    if actor.pk in people:
        return None
    waiting = people - approved_people(request) - payable_authors(payable)
    for delegator in delegators_of(business_id=payable.payer_id, delegate_id=actor.pk):
        if delegator in waiting:
            return delegator
    _refuse_out_of_turn(payable, request, actor, position)
    return None  # not reached: the refusal raises


# --- writes -----------------------------------------------------------------------------------------


def _lock_pending_request(payable) -> ApprovalRequest:
    """The payable's pending round, locked (a submitted payable always has one)."""
    return ApprovalRequest.objects.select_for_update().get(
        payable=payable, status=ApprovalRequestStatus.PENDING
    )


def approval_request_start(*, payable, earlier_rounds: bool = True) -> ApprovalRequest:
    """Open the review round of a payable just submitted: route it and freeze the workflow.

    The first matching workflow by priority is copied into the round (later edits to it change
    nothing here); with none, ``auto_approve`` closes the round at once as approved and
    ``manual_review`` leaves it pending for any owner, admin or approver of the payer. A round
    still pending from before is superseded. ``earlier_rounds=False``: the payable was never
    submitted before (it comes from DRAFT, which nothing returns to), so there is none to read.
    The round's ``approval_status`` is the payable's from now on.
    """
    rounds = (
        list(ApprovalRequest.objects.select_for_update().filter(payable=payable).order_by("round"))
        if earlier_rounds
        else []
    )
    for earlier in rounds:
        if earlier.is_pending:
            earlier.supersede()
            earlier.save(update_fields=["status", "closed_at"])

    route = approval_route(
        payer_business_id=payable.payer_id, amount=payable.amount, connection=payable.connection
    )
    automatic = route.outcome == ApprovalOutcome.AUTO_APPROVE
    request = ApprovalRequest(
        payable=payable,
        round=(rounds[-1].round if rounds else 0) + 1,
        outcome=route.outcome.value,
        snapshot=route.snapshot,
        current_step=None if automatic else 0,
        step_started_at=None if automatic else timezone.now(),
    )
    if automatic:
        request.approve()  # in memory: the one INSERT below records the decision
    request.save(force_insert=True)
    request.opened_now = True  # no approvals to read back (``approved_people``)
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


def _refuse_out_of_turn(payable, request: ApprovalRequest, actor, position: int) -> None:
    """403 unless the current step names ``actor``, saying when their turn comes, if ever."""
    if actor.pk in _step_people(payable, request, position):
        return
    if request.outcome != ApprovalRequestOutcome.WORKFLOW:
        raise PermissionDenied("Your role does not allow approving payables.")
    later = next(
        (
            step["position"]
            for step in request.steps[position + 1 :]
            if actor.pk
            in eligible_approvers(payer_business_id=payable.payer_id, step_snapshot=step)
        ),
        None,
    )
    if later is not None:
        raise PermissionDenied(
            f"Not your turn yet: this payable is at {step_label(request, position)}; "
            f"you approve at step {later + 1}."
        )
    raise PermissionDenied(
        f"You are not an approver of {step_label(request, position)} of this payable's workflow."
    )


def approval_record(*, payable, actor) -> ApprovalProgress:
    """Record ``actor``'s approval on the current step of the payable's pending round.

    403 for a payee author of the payable, for someone who already approved it in this round
    (one person approves a payable once), and for anyone the current step does not name (out of
    turn, or no approver of this workflow). The last approval of the last step completes it.
    """
    request = _lock_pending_request(payable)
    require_not_author(payable=payable, actor=actor)
    # The round's approvals so far, read once (a handful of rows): whether the actor approved
    # already, and how many the step has with this one (the payable's lock keeps it so).
    approved = list(
        Approval.objects.filter(request=request, decision=ApprovalDecision.APPROVED)
        .order_by()  # the default order would join the round and the payable
        .values_list("step", "user_id", "on_behalf_of_id")
    )
    earlier = next(
        (
            (step, user_id)
            for step, user_id, on_behalf_of_id in approved
            if actor.pk in (user_id, on_behalf_of_id)
        ),
        None,
    )
    if earlier is not None:
        step, user_id = earlier
        where = f" ({step_label(request, step)})" if len(request.steps) > 1 else ""
        if user_id == actor.pk:
            raise PermissionDenied(
                f"You already approved this payable{where}; one person approves once."
            )
        raise PermissionDenied(
            f"Your delegate already approved this payable for you{where}; one person approves once."
        )

    position = request.current_step or 0
    principal_id = acting_for(payable=payable, request=request, actor=actor, position=position)
    principal = User.objects.get(pk=principal_id) if principal_id else None
    workflow = request.outcome == ApprovalRequestOutcome.WORKFLOW
    required = request.steps[position]["required_approvals"] if workflow else 1
    # No savepoint of its own: a clash ends the approval, and the service's transaction (a
    # savepoint when nested) rolls it back.
    try:
        Approval.objects.create(
            request=request,
            step=position,
            user=actor,
            on_behalf_of=principal,
            decision=ApprovalDecision.APPROVED,
        )
    except IntegrityError:  # the unique constraints, should the lock ever be bypassed
        raise PermissionDenied(
            "This payable was already approved by you or for the person you act for; one "
            "person approves once."
        ) from None

    count = 1 + sum(1 for step, _user, _behalf in approved if step == position)
    if not workflow:
        note = "Approved under manual review."
    else:
        note = f"Approved {step_label(request, position)} ({count} of {required} approvals)."
    if principal is not None:
        note += f" On behalf of {principal.email}."
    done = {"request": request, "step": position, "note": note, "on_behalf_of": principal}
    if count < required:
        return ApprovalProgress(completed=False, step_completed=False, **done)
    if position + 1 < max(len(request.steps), 1):
        request.current_step = position + 1
        request.step_started_at = timezone.now()
        request.save(update_fields=["current_step", "step_started_at"])
        return ApprovalProgress(completed=False, step_completed=True, **done)
    request.approve()
    request.save(update_fields=["status", "closed_at"])
    return ApprovalProgress(completed=True, step_completed=True, **done)


def approval_decline(*, payable, actor, reason: str) -> ApprovalRequest:
    """Record a decline on the current step and close the round.

    Those the current step names may decline (under manual review: any owner, admin or
    approver), and an owner or admin of the payer always may: a step nobody can complete any
    more (its approvers left) still has a way out.
    """
    request = _lock_pending_request(payable)
    position = request.current_step or 0
    role = roles_of(actor).get(payable.payer_id)
    people = _step_people(payable, request, position)
    principal_id = None
    if role not in (Role.OWNER, Role.ADMIN) and actor.pk not in people:
        waiting = people - approved_people(request) - payable_authors(payable)
        principal_id = next(
            (
                delegator
                for delegator in delegators_of(business_id=payable.payer_id, delegate_id=actor.pk)
                if delegator in waiting and actor.pk not in payable_authors(payable)
            ),
            None,
        )
        if principal_id is None:
            where = (
                step_label(request, position)
                if request.outcome == ApprovalRequestOutcome.WORKFLOW
                else "this payable"
            )
            raise PermissionDenied(
                f"Only the approvers of {where} or an owner or admin of the payer can decline "
                "it now."
            )
    Approval.objects.create(
        request=request,
        step=position,
        user=actor,
        on_behalf_of_id=principal_id,
        decision=ApprovalDecision.DECLINED,
        reason=reason,
    )
    request.decline()
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
        pending.cancel()
        pending.save(update_fields=["status", "closed_at"])
