"""Paying: pay now or record a payment made outside, and the three steps of a rail payment
(claim, transfer, settle) that the sweep and the worker run."""

import logging
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django_fsm import can_proceed

from accounts.permissions import Capability
from approvals.routing import separate_payer_check
from cleopay.core.errors import Conflict, ConflictCode
from notifications import services as notifications
from payables import events, payments
from payables.models import (
    BANK_FILE_RAIL,
    Payable,
    PayableStatus,
    Payment,
    PaymentMethod,
    PaymentStatus,
)
from payables.querysets import PAYER
from payables.rails import TransferFailed, get_rail
from payables.services import base
from payables.services.base import (
    ensure_can,
    lock_payable,
    open_payment,
    require_side,
    save_fields,
)

logger = logging.getLogger(__name__)


# --- payments -------------------------------------------------------------------------------------
def payable_pay(
    *,
    payable_id: str,
    actor,
    amount: Decimal | None = None,
    method: str = PaymentMethod.ACH,
    reference: str = "",
    on: date | None = None,
) -> Payable:
    """Pay ``amount`` (all that is due when left out) of an APPROVED or SCHEDULED payable now,
    by a payer member with PAY; PAID once nothing is due.

    ``ach`` claims the payment (a scheduled one is moved to today, for ``amount`` when given)
    in one transaction, then executes it through the rail; if the rail refuses, the payable is
    back to (or stays) APPROVED with a failed payment. Any other method records a payment made
    outside Cleo Pay (``payables.payments``), completed at once.
    """
    payments.payment_method_checked(method=method, reference=reference, on=on)
    with transaction.atomic():
        payable = lock_payable(payable_id=payable_id, actor=actor)
        require_side(payable, actor, side=PAYER, capability=Capability.PAY, action="pay")
        separate_payer_check(payable=payable, actor=actor)
        ensure_can(payable.pay, "pay")
        payment = open_payment(payable)
        if method != PaymentMethod.ACH:
            payments.payment_record_outside(
                payable=payable,
                actor=actor,
                open_payment=payment,
                amount=amount,
                method=method,
                reference=reference,
                on=on,
            )
            return payable
        if payment is not None and payment.status == PaymentStatus.PROCESSING:
            # Started by another request (or the sweep) and still in flight: this click is a
            # second one, not a retry (a retry carries the first one's Idempotency-Key and gets
            # its response replayed). The payment in flight finishes on its own.
            raise Conflict(
                f"A payment of this payable ({payment.id}) is already in progress.",
                code=ConflictCode.PAYMENT_IN_PROGRESS,
                currentStatus=payable.status,
                paymentId=payment.id,
            )
        if payment is None:
            payment = Payment.objects.create(
                payable=payable,
                amount=payments.payment_amount(payable, amount),
                scheduled_for=base.today(),
                rail=get_rail().name,
                created_by=actor,
            )
        else:
            # A scheduled payment, paid now (for the amount asked when one is given). One
            # already processing was answered 409 above.
            payment.amount = payments.payment_amount(payable, amount or payment.amount)
        payment.scheduled_for = min(payment.scheduled_for, base.today())
        payment.start()
        save_fields(payment, "status", "amount", "scheduled_for", "processing_started_at")
    # Claimed just now, under the lock above: straight to the rail, no second claim.
    _transfer_and_settle(
        payment, payable_id=payable.id, payer_id=payable.payer_id, payee_id=payable.payee_id,
        actor=actor,
    )  # fmt: skip
    return payable


def payment_execute(*, payment_id: str, actor=None) -> Payment | None:
    """Pay one payment if it is due: claim, transfer, settle. A repeat is a no-op.

    Used by the pay click and by the sweep's ``execute_payment`` task. ``actor`` is the person
    who clicked, or None for the system.
    """
    payment = _claim(payment_id=payment_id)
    if payment is None or payment.status != PaymentStatus.PROCESSING:
        return payment
    payable = payment.payable
    return _transfer_and_settle(
        payment, payable_id=payable.id, payer_id=payable.payer_id, payee_id=payable.payee_id,
        actor=actor,
    )  # fmt: skip


def _transfer_and_settle(payment: Payment, *, payable_id, payer_id, payee_id, actor) -> Payment:
    """A claimed (processing) payment through the rail, then settled."""
    if payment.rail == BANK_FILE_RAIL:
        return payment  # completes when its run is marked sent to the bank
    rail = get_rail()
    settle = {"payment_id": payment.id, "payable_id": payable_id, "actor": actor}
    try:
        reference = rail.transfer(
            payment_id=payment.id,
            amount=payment.amount,
            payer_business_id=payer_id,
            payee_business_id=payee_id,
        )
    except TransferFailed as exc:
        return _settle(**settle, reference=None, failure=exc.reason)
    except Exception:
        # Outcome unknown: leave it processing; the sweep asks the (idempotent) rail again later.
        logger.exception("payment rail error for %s; will retry", payment.id)
        return payment
    return _settle(**settle, reference=reference, failure=None)


def _lock_payment(
    payment_id: str, payable_id: str | None = None
) -> tuple[Payable | None, Payment | None]:
    """Lock the payment's payable, then the payment (the one lock order). ``payable_id``, when
    the caller knows it, saves reading it from the payment first."""
    if payable_id is None:
        payable_id = (
            Payment.objects.filter(pk=payment_id)
            .order_by()  # one row: the default order would join the payable for nothing
            .values_list("payable_id", flat=True)
            .first()
        )
    if payable_id is None:
        return None, None
    payable = (
        Payable.objects.select_for_update(of=("self",))
        .select_related("payer", "payee")
        .get(pk=payable_id)
    )
    payment = Payment.objects.select_for_update().select_related("payable").get(pk=payment_id)
    return payable, payment


@transaction.atomic
def _claim(*, payment_id: str) -> Payment | None:
    """pending and due → processing; processing stays (to be driven again); anything else as is."""
    payable, payment = _lock_payment(payment_id)
    if payment is None:
        return None
    if payment.status == PaymentStatus.PENDING:
        if payment.scheduled_for > base.today() or not can_proceed(payable.pay):
            return payment
        payment.start()
        save_fields(payment, "status", "processing_started_at")
    return payment


@transaction.atomic
def _settle(
    *, payment_id: str, payable_id: str, actor, reference: str | None, failure: str | None
) -> Payment | None:
    payable, payment = _lock_payment(payment_id, payable_id)
    if payment is None or payment.status != PaymentStatus.PROCESSING:
        return payment  # someone else settled it first
    from_status = payable.status
    if failure is None:
        payment.complete(reference=reference)
        save_fields(payment, "status", "rail_reference", "completed_at")
        # PAID when nothing is due, APPROVED again when a scheduled part was paid. (Cancel and
        # unschedule refuse a processing payment, so the payable is APPROVED or SCHEDULED.)
        payments.payment_settled(
            payable=payable, payment=payment, actor=actor, from_status=from_status
        )
        return payment
    payment.fail(reason=failure)
    save_fields(payment, "status", "failure_reason", "failed_at")
    if can_proceed(payable.fail_payment):
        payable.fail_payment()
        save_fields(payable, "status")
    events.payment_failed_event(
        payable=payable, actor=actor, payment=payment, from_status=from_status
    )
    notifications.notify_payment_failed(payable=payable, payment=payment)
    return payment


def payments_claim_due(*, batch_size: int = 50) -> list[str]:
    """Claim up to ``batch_size`` due scheduled payments (→ processing); returns their IDs.

    Payables are locked with SKIP LOCKED: one a user is acting on right now is left for the next
    sweep, and two sweeps never claim the same payment.
    """
    today = base.today()
    due = Payment.objects.filter(
        payable=OuterRef("pk"), status=PaymentStatus.PENDING, scheduled_for__lte=today
    ).exclude(rail=BANK_FILE_RAIL)
    claimed = []
    with transaction.atomic():
        payables = list(
            Payable.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(status=PayableStatus.SCHEDULED)
            .filter(Exists(due))
            .order_by("id")[:batch_size]
        )
        for payable in payables:
            payment = (
                Payment.objects.select_for_update()
                .filter(payable=payable, status=PaymentStatus.PENDING, scheduled_for__lte=today)
                .exclude(rail=BANK_FILE_RAIL)
                .first()
            )
            if payment is None:
                continue
            payment.start()
            save_fields(payment, "status", "processing_started_at")
            claimed.append(payment.id)
    return claimed


def payments_stalled(*, limit: int = 100) -> list[str]:
    """Payments left processing longer than PAYMENT_PROCESSING_TIMEOUT (a crash mid-payment)."""
    cutoff = timezone.now() - settings.PAYMENT_PROCESSING_TIMEOUT
    return list(
        Payment.objects.filter(status=PaymentStatus.PROCESSING, processing_started_at__lt=cutoff)
        .exclude(rail=BANK_FILE_RAIL)
        .values_list("id", flat=True)[:limit]
    )
