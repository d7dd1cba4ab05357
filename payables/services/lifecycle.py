"""The payable's life after drafting: submit, the payer's review (approve, decline, kept by
``approvals.review``), schedule, unschedule and cancel."""

from datetime import date
from decimal import Decimal

from django.db import transaction
from django_fsm import can_proceed

from accounts.permissions import Capability, role_allows, roles_of
from approvals import review
from approvals.routing import separate_payer_check
from cleopay.core.errors import Conflict, ConflictCode, field_error
from notifications import services as notifications
from payables import duplicates, events, payments
from payables.models import (
    Payable,
    PayableStatus,
    Payment,
)
from payables.querysets import PAYEE, PAYER, side_of
from payables.rails import get_rail
from payables.services import base
from payables.services.base import (
    acting_side,
    ensure_can,
    lock_payable,
    open_payment,
    refuse_while_processing,
    require_side,
    save_fields,
)
from payables.services.contents import require_custom_fields


# --- review: the payer's approval (approvals.review does the bookkeeping) --------------------------
def _request_approvals(payable: Payable, request) -> list[str]:
    """Notify who may approve the current step now, and the delegates of those away; returns
    them all."""
    approvers = review.approvers_now(payable=payable, request=request)
    step = review.current_step_label(request)
    notifications.notify_approval_requested(payable=payable, user_ids=approvers, step=step)
    delegates = review.delegates_now(payable=payable, request=request, approvers=approvers)
    for delegate, delegator_email in delegates.items():
        notifications.notify_approval_requested(
            payable=payable, user_ids=[delegate], step=step, on_behalf_of=delegator_email
        )
    return approvers + list(delegates)


def submit_payable(
    payable: Payable,
    *,
    actor,
    custom_fields_checked: bool = False,
    insert=None,
    hashes: list[str] | None = None,
) -> None:
    """DRAFT or DECLINED → SUBMITTED, and the payer's review starts
    (``approvals.review.approval_request_start``).

    The review is routed before the payable is saved, so that one UPDATE records both the
    submission and how it is reviewed; a payable created and submitted at once is not saved
    yet, and ``insert`` (the creation's) writes it then, SUBMITTED (or APPROVED) with its
    review in one INSERT (``hashes``: its attachments' hashes, for the duplicate check). A
    workflow or manual review leaves it SUBMITTED and asks the current step's people to
    approve; automatic approval (the connection's ``autoApprove``, else the payer's
    ``defaultApprovalAction``) approves it at once, as the system (actor null). Its events go
    in together (``events.batch``).
    """
    if not custom_fields_checked:
        require_custom_fields(payable)
    from_status = payable.status
    payable.submit(by=actor)
    request = review.approval_request_start(
        payable=payable, earlier_rounds=from_status != PayableStatus.DRAFT
    )
    payable.approval_status = request.approval_status
    payable.possible_duplicates = duplicates.possible_duplicates(payable, hashes=hashes)
    submitted = ("status", "submitted_at", "submitted_by", "decline_reason", "approval_status")
    with events.batch():
        events.payable_submitted_event(payable=payable, actor=actor, from_status=from_status)
        if not request.is_pending:  # approved automatically: the round is closed already
            payable.approve()
            why = (
                "connection auto-approve"
                if payable.connection.auto_approve
                else "payer's default action"
            )
            events.payable_approved_event(
                payable=payable, actor=None, note=f"Approved automatically ({why})."
            )
            submitted += ("approved_at",)
        if insert is not None:
            insert()
        else:
            save_fields(payable, *submitted, "possible_duplicates")
    if not request.is_pending:
        notifications.notify_payable_submitted(payable=payable)
        notifications.notify_payable_approved(payable=payable)
        return
    asked = _request_approvals(payable, request)
    notifications.notify_payable_submitted(payable=payable, exclude=asked)


@transaction.atomic
def payable_submit(*, payable_id: str, actor) -> Payable:
    """DRAFT or DECLINED → SUBMITTED, by the payee; the payer's review starts (or auto-approves).

    Every required custom field of the payer must be filled in (400 naming each one otherwise).
    """
    payable = lock_payable(payable_id=payable_id, actor=actor)
    require_side(payable, actor, side=PAYEE, capability=Capability.INVOICE, action="submit")
    ensure_can(payable.submit, "submit")
    submit_payable(payable, actor=actor)
    return payable


@transaction.atomic
def payable_approve(*, payable_id: str, actor) -> Payable:
    """Record the caller's approval on the current step; the last one makes it APPROVED.

    403 for its authors, for someone who already approved it, and out of turn (see
    ``approvals.review.approval_record``); 409 unless SUBMITTED.
    """
    payable = lock_payable(payable_id=payable_id, actor=actor)
    require_side(payable, actor, side=PAYER, capability=Capability.APPROVE, action="approve")
    review.require_not_author(payable=payable, actor=actor)
    ensure_can(payable.approve, "approve")
    progress = review.approval_record(payable=payable, actor=actor)
    if not progress.completed:
        save_fields(payable)
        events.payable_approval_recorded_event(payable=payable, actor=actor, note=progress.note)
        if progress.step_completed:
            _request_approvals(payable, progress.request)
        return payable
    payable.approval_status = progress.approval_status
    payable.approve()
    save_fields(payable, "status", "approval_status", "approved_at")
    events.payable_approved_event(payable=payable, actor=actor, note=progress.note)
    notifications.notify_payable_approved(payable=payable)
    return payable


@transaction.atomic
def payable_not_duplicate(*, payable_id: str, actor) -> Payable:
    """The payer's reviewer clears the possible-duplicate warning (``payables.duplicates``);
    the payer's timeline records who. 409 when there is no warning to clear."""
    payable = lock_payable(payable_id=payable_id, actor=actor)
    require_side(
        payable, actor, side=PAYER, capability=Capability.APPROVE, action="review duplicates of"
    )
    if not payable.is_flagged_duplicate:
        raise Conflict(
            "This payable is not flagged as a possible duplicate.",
            code=ConflictCode.STATE,
            currentStatus=payable.status,
        )
    numbers = sorted({entry["invoiceNumber"] for entry in payable.possible_duplicates})
    payable.possible_duplicates = []
    save_fields(payable, "possible_duplicates")
    events.payable_not_duplicate_event(payable=payable, actor=actor, of_numbers=numbers)
    return payable


@transaction.atomic
def payable_decline(*, payable_id: str, actor, reason: str) -> Payable:
    """SUBMITTED → DECLINED at any step; the reason goes back to the payee.

    The current step's approvers may decline, and the payer's owners and admins always may.
    """
    payable = lock_payable(payable_id=payable_id, actor=actor)
    require_side(payable, actor, side=PAYER, capability=Capability.APPROVE, action="decline")
    ensure_can(payable.decline, "decline")
    reason = (reason or "").strip()
    if not reason:
        raise field_error("reason", "A reason is required to decline a payable.")
    declined = review.approval_decline(payable=payable, actor=actor, reason=reason)
    payable.approval_status = declined.approval_status
    payable.decline(reason=reason)
    save_fields(payable, "status", "approval_status", "decline_reason", "declined_at")
    events.payable_declined_event(payable=payable, actor=actor)
    notifications.notify_payable_declined(payable=payable)
    return payable


@transaction.atomic
def payable_schedule(*, payable_id: str, actor, on: date, amount: Decimal | None = None) -> Payable:
    """APPROVED → SCHEDULED with a pending payment for ``on`` (today or later), of ``amount``
    (at most the amount due; all of it when left out)."""
    payable = lock_payable(payable_id=payable_id, actor=actor)
    require_side(payable, actor, side=PAYER, capability=Capability.PAY, action="schedule")
    separate_payer_check(payable=payable, actor=actor)
    ensure_can(payable.schedule, "schedule")
    refuse_while_processing(open_payment(payable), payable, "schedule")
    if on < base.today():
        raise field_error("date", f"Must be today ({base.today()}) or later.")
    payment = Payment.objects.create(
        payable=payable,
        amount=payments.payment_amount(payable, amount),
        scheduled_for=on,
        rail=get_rail().name,
        created_by=actor,
    )
    payable.schedule()
    save_fields(payable, "status")
    events.payable_scheduled_event(payable=payable, actor=actor, payment=payment)
    notifications.notify_payable_scheduled(payable=payable, payment=payment)
    return payable


@transaction.atomic
def payable_unschedule(*, payable_id: str, actor) -> Payable:
    """SCHEDULED → APPROVED; the pending payment is cancelled (refused once it is processing)."""
    payable = lock_payable(payable_id=payable_id, actor=actor)
    require_side(payable, actor, side=PAYER, capability=Capability.PAY, action="unschedule")
    ensure_can(payable.unschedule, "unschedule")
    payment = open_payment(payable)
    refuse_while_processing(payment, payable, "unschedule")
    payable.unschedule()
    save_fields(payable, "status")
    if payment is not None:
        payment.cancel()
        save_fields(payment, "status", "cancelled_at")
    events.payable_unscheduled_event(payable=payable, actor=actor, payment=payment)
    return payable


@transaction.atomic
def payable_cancel(
    *, payable_id: str, actor, reason: str = "", business_id: str | None = None
) -> tuple[Payable, str]:
    """→ CANCELLED: the payee from DRAFT, SUBMITTED, DECLINED; the payer from SUBMITTED, APPROVED, SCHEDULED.

    A caller on both sides acts for ``business_id`` when given, else for the side that may
    cancel now (the payee first). Returns the payable and the business that cancelled it.
    """
    payable = lock_payable(payable_id=payable_id, actor=actor)
    if business_id is None:
        business_id = _preferred_canceller(payable, actor)
    side, acting = acting_side(payable, actor, business_id=business_id)
    capability = Capability.INVOICE if side == PAYEE else Capability.PAY
    require_side(payable, actor, side=side, capability=capability, action="cancel")
    cancel = payable.cancel_by_payee if side == PAYEE else payable.cancel_by_payer
    ensure_can(cancel, "cancel")
    payment = open_payment(payable)
    refuse_while_processing(payment, payable, "cancel")
    from_status = payable.status
    cancel(reason=(reason or "").strip())
    save_fields(payable, "status", "cancel_reason", "cancelled_at")
    if payment is not None:
        payment.cancel()
        save_fields(payment, "status", "cancelled_at")
    # Those asked to approve it hear of a payee's cancellation too (read before the round closes).
    asked = review.approvers_now(payable=payable) if side == PAYEE else []
    review.approval_request_cancel(payable=payable)
    events.payable_cancelled_event(
        payable=payable, actor=actor, business_id=acting, from_status=from_status
    )
    notifications.notify_payable_cancelled(
        payable=payable, cancelled_by=acting, from_status=from_status, approvers=asked
    )
    return payable, acting


def _preferred_canceller(payable: Payable, actor) -> str | None:
    """For a member of both sides: the side whose role and the status allow cancelling now."""
    roles = roles_of(actor)
    if payable.payee_id in roles and payable.payer_id in roles:
        if role_allows(roles[payable.payee_id], Capability.INVOICE) and can_proceed(
            payable.cancel_by_payee
        ):
            return payable.payee_id
        if side_of(payable, payable.payer_id) == PAYER and role_allows(
            roles[payable.payer_id], Capability.PAY
        ):
            return payable.payer_id
    return None
