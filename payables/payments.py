"""
Paying part of a payable, and payments made outside Cleo Pay.

The services of ``payables.services`` (pay, schedule, settle) call these helpers while they hold
the payable's row lock, so the amounts read here cannot change underneath them:

- ``payment_amount`` checks an amount asked for against what is still free to pay: the amount
  due less any payment already on its way (a partial payment must never let two payments
  together exceed the amount);
- ``payment_record_outside`` records a check, wire, card or other payment as completed at once;
- ``payment_settled`` recounts ``amount_paid`` from the completed payments (a locked recount,
  never an increment) and moves the payable: ``PAID`` when nothing is due, back to
  ``APPROVED`` when a scheduled part was paid and no other payment is scheduled.

The database backs all of it with the payable's check constraints (paid + credited within the
amount, equal to it when ``PAID``): a bug here is an IntegrityError, never money created.
"""

from datetime import date
from decimal import Decimal

from django.db.models import Sum
from django.utils import timezone
from django_fsm import can_proceed

from cleopay.core.errors import field_error
from cleopay.core.money import quantize
from notifications import services as notifications
from payables import events
from payables.models import (
    OUTSIDE_RAIL,
    Payable,
    PayableStatus,
    Payment,
    PaymentMethod,
    PaymentStatus,
)

MAX_REFERENCE_LENGTH = 200


def _today() -> date:
    return timezone.now().date()  # UTC


def _money(value: Decimal) -> str:
    return f"{value:.2f}"


def payment_free_amount(payable: Payable, *, open_payment: Payment | None) -> Decimal:
    """What a new payment may still cover: the amount due less the payment on its way."""
    reserved = open_payment.amount if open_payment is not None else Decimal("0")
    return payable.amount_due - reserved


def payment_amount(
    payable: Payable, amount: Decimal | None, *, open_payment: Payment | None = None
) -> Decimal:
    """``amount`` checked (0 < amount ≤ what is free to pay, cents only), or all that is free.

    400 naming ``amount`` otherwise. ``open_payment`` is a payment on its way that the new one
    comes beside (None when there is none, or when the new one replaces it).
    """
    free = payment_free_amount(payable, open_payment=open_payment)
    if amount is None:
        if free <= 0:
            raise field_error("amount", "Nothing is left to pay beside the payment on its way.")
        return free
    if amount != quantize(amount):
        raise field_error("amount", "At most 2 decimal places.")
    if amount <= 0:
        raise field_error("amount", "Must be greater than 0.")
    if amount > free:
        what = "the amount due" if open_payment is None else "due beside the payment on its way"
        raise field_error("amount", f"Must be at most {_money(free)} ({what}).")
    return amount


def payment_record_outside(
    *,
    payable: Payable,
    actor,
    open_payment: Payment | None,
    amount: Decimal | None,
    method: str,
    reference: str,
    on: date | None,
) -> Payment:
    """Record a payment made outside Cleo Pay (check, wire, card, other): completed at once.

    The payable is locked and the caller's right to pay checked. ``on`` is when it was paid
    (today when left out; never in the future).
    """
    amount = payment_amount(payable, amount, open_payment=open_payment)
    on = on or _today()
    if on > _today():
        raise field_error("date", f"A payment made outside is recorded on or before {_today()}.")
    from_status = payable.status
    payment = Payment(
        payable=payable,
        amount=amount,
        method=method,
        scheduled_for=on,
        rail=OUTSIDE_RAIL,
        created_by=actor,
    )
    payment.start()
    payment.complete(reference=reference.strip())
    payment.save()
    payment_settled(payable=payable, payment=payment, actor=actor, from_status=from_status)
    return payment


def recount_paid(payable: Payable) -> None:
    """``amount_paid`` from the completed payments (the payable's lock is held)."""
    total = Payment.objects.filter(payable=payable, status=PaymentStatus.COMPLETED).aggregate(
        total=Sum("amount")
    )["total"]
    payable.amount_paid = total or Decimal("0")


def _has_open_payment(payable: Payable) -> bool:
    return Payment.objects.filter(
        payable=payable, status__in=(PaymentStatus.PENDING, PaymentStatus.PROCESSING)
    ).exists()


def payment_settled(*, payable: Payable, payment: Payment, actor, from_status: str) -> None:
    """After ``payment`` completed: recount, record it, and move the payable when it must.

    ``PAID`` when nothing is due any more; ``APPROVED`` again when it was ``SCHEDULED`` and no
    payment is scheduled any more (a part was paid); otherwise the status stays.
    """
    recount_paid(payable)
    if payable.amount_due == 0 and can_proceed(payable.pay):
        # One UPDATE for the amount and the status; both events in one INSERT.
        with events.batch():
            events.payment_completed_event(
                payable=payable, actor=actor, payment=payment, from_status=from_status
            )
            payable.pay()
            payable.save(update_fields=["amount_paid", "status", "paid_at", "updated_at"])
            events.payable_paid_event(payable=payable, actor=actor, from_status=from_status)
        notifications.notify_payable_paid(payable=payable)
        return
    fields = ["amount_paid", "updated_at"]
    if payable.status == PayableStatus.SCHEDULED and not _has_open_payment(payable):
        payable.settle_part()
        fields.append("status")
    payable.save(update_fields=fields)
    events.payment_completed_event(
        payable=payable, actor=actor, payment=payment, from_status=from_status
    )


def payment_method_checked(*, method: str, reference: str, on: date | None) -> None:
    """ACH pays now through the rail: no reference or other date of the payer's (400)."""
    if method != PaymentMethod.ACH:
        return
    if reference.strip():
        raise field_error("reference", "A reference is recorded for payments made outside only.")
    if on is not None and on != _today():
        raise field_error(
            "date", "An ACH payment is made today; schedule it to pay on another day."
        )
