"""
Writes of credits: issue, void, apply. Each is one transaction.

Lock order, always: the payable, then the credit (``credits.models``). Applying locks both and
recounts from the ``CreditApplication`` rows, so two applications of one credit to two
payables run one after the other and the second sees what the first took: the applied total
never exceeds the credit, and the payable's constraints keep paid + credited within its amount.

A payable with a payment on its way (scheduled or processing) takes a credit only for what that
payment leaves due: a credit that would leave the scheduled payment larger than what is due is
refused with 409 (the payer unschedules, or applies less). Shrinking the payment silently would
change what the payer scheduled without them seeing it.
"""

from decimal import Decimal

from django.db import transaction
from django.db.models import Q, Sum
from django_fsm import can_proceed
from rest_framework.exceptions import NotFound, PermissionDenied

from accounts.permissions import Capability, require, role_allows, roles_of
from cleopay.core import ids
from cleopay.core.errors import Conflict, ConflictCode, InvalidTransition, field_error
from cleopay.core.formats import format_money
from cleopay.core.money import quantize
from connections import events as connection_events
from connections.models import ConnectionEventType
from connections.services import connection_lock_for_payee
from credits.models import Credit, CreditApplication, CreditStatus
from notifications import services as notifications
from payables import events
from payables.models import OPEN_PAYMENT_STATUSES, Payable, PayableStatus, Payment
from payables.services.base import lock_payable

APPLICABLE_STATUSES = (PayableStatus.APPROVED, PayableStatus.SCHEDULED)


def _amount_checked(amount: Decimal, field: str = "amount") -> Decimal:
    if amount != quantize(amount):
        raise field_error(field, "At most 2 decimal places.")
    if amount <= 0:
        raise field_error(field, "Must be greater than 0.")
    return amount


@transaction.atomic
def credit_create(
    *,
    business_id: str,
    actor,
    connection_id: str,
    amount: Decimal,
    memo: str = "",
    credit_number: str = "",
) -> Credit:
    """The payee ``business_id`` (INVOICE) issues a credit to the payer of an active connection."""
    require(actor, business_id, Capability.INVOICE)
    amount = _amount_checked(amount)
    if not ids.is_public_id(connection_id, "conn"):
        raise field_error(
            "connectionId", "No active connection with this ID where this business is the payee."
        )
    connection = connection_lock_for_payee(
        business_id=business_id, connection_id=connection_id, takes="credits"
    )
    credit = Credit.objects.create(
        connection=connection,
        payee_id=business_id,
        payer_id=connection.payer_id,
        amount=amount,
        memo=memo.strip(),
        credit_number=credit_number.strip(),
        created_by=actor,
    )
    connection_events.connection_credit_event(
        connection=connection,
        type=ConnectionEventType.CREDIT_CREATED,
        actor=actor,
        business_id=business_id,
        credit_id=credit.id,
        amount=amount,
    )
    return credit


def _lock_credit(*, credit_id: str, business_ids) -> Credit:
    ids.require_id_shape(credit_id, "crd")
    credit = (
        Credit.objects.select_for_update(of=("self",))
        .filter(Q(payee_id__in=business_ids) | Q(payer_id__in=business_ids), pk=credit_id)
        .first()
    )
    if credit is None:
        raise NotFound("Not found.")
    return credit


@transaction.atomic
def credit_void(*, credit_id: str, actor) -> Credit:
    """The payee (INVOICE) voids a credit nothing was applied from; 409 otherwise."""
    credit = _lock_credit(credit_id=credit_id, business_ids=roles_of(actor).keys())
    role = roles_of(actor).get(credit.payee_id)
    if role is None:
        raise PermissionDenied("Only the payee's team can void this credit.")
    if not role_allows(role, Capability.INVOICE):
        raise PermissionDenied(f"Your role ({role}) does not allow this.")
    if not can_proceed(credit.void):
        if credit.status == CreditStatus.OPEN:
            raise Conflict(
                f"{format_money(credit.amount_applied)} of this credit is applied: "
                "only an unapplied credit can be voided.",
                code=ConflictCode.STATE,
                currentStatus=credit.status,
            )
        raise InvalidTransition(action="void", current_status=credit.status, noun="credit")
    credit.void()
    credit.save(update_fields=["status", "voided_at", "updated_at"])
    connection_events.connection_credit_event(
        connection=credit.connection,
        type=ConnectionEventType.CREDIT_VOIDED,
        actor=actor,
        business_id=credit.payee_id,
        credit_id=credit.id,
        amount=credit.amount,
    )
    return credit


def _recount(payable: Payable, credit: Credit) -> None:
    """Both totals from the application rows (both rows are locked)."""
    credit.amount_applied = CreditApplication.objects.filter(credit=credit).aggregate(
        total=Sum("amount")
    )["total"] or Decimal("0")
    payable.amount_credited = CreditApplication.objects.filter(payable=payable).aggregate(
        total=Sum("amount")
    )["total"] or Decimal("0")


def _amount_to_apply(payable: Payable, credit: Credit, amount: Decimal | None) -> Decimal:
    """``amount`` checked against the credit and the payable, or the smaller of the two."""
    remaining, due = credit.remaining, payable.amount_due
    if amount is None:
        amount = min(remaining, due)
    else:
        _amount_checked(amount)
        if amount > remaining:
            raise field_error(
                "amount", f"Must be at most {remaining:.2f} (what remains of the credit)."
            )
        if amount > due:
            raise field_error("amount", f"Must be at most {due:.2f} (the amount due).")
    if amount <= 0:
        raise Conflict("Nothing is due on this payable.", code=ConflictCode.STATE)
    open_payment = (
        Payment.objects.select_for_update()
        .filter(payable=payable, status__in=OPEN_PAYMENT_STATUSES)
        .first()
    )
    if open_payment is not None and amount > due - open_payment.amount:
        raise Conflict(
            f"A payment of {format_money(open_payment.amount)} ({open_payment.id}) is on its way: "
            f"a credit may cover at most {due - open_payment.amount:.2f} beside it. "
            "Unschedule the payment first, or apply less.",
            code=ConflictCode.STATE,
            currentStatus=payable.status,
            paymentId=open_payment.id,
        )
    return amount


@transaction.atomic
def credit_apply(
    *, payable_id: str, actor, credit_id: str, amount: Decimal | None = None
) -> Payable:
    """The payer (PAY) nets ``amount`` of an open credit (of the same connection) against an
    APPROVED or SCHEDULED payable; PAID, through its transition, once nothing is due."""
    payable = lock_payable(payable_id=payable_id, actor=actor)
    role = roles_of(actor).get(payable.payer_id)
    if role is None:
        raise PermissionDenied("Only the payer's team can apply a credit to this payable.")
    if not role_allows(role, Capability.PAY):
        raise PermissionDenied(f"Your role ({role}) does not allow this.")
    if payable.status not in APPLICABLE_STATUSES:
        raise InvalidTransition(action="apply a credit to", current_status=payable.status)
    credit = _lock_credit(credit_id=credit_id, business_ids=[payable.payer_id])
    if credit.connection_id != payable.connection_id:
        raise field_error("creditId", "This credit was issued on another connection.")
    if credit.status != CreditStatus.OPEN:
        raise InvalidTransition(action="apply", current_status=credit.status, noun="credit")
    amount = _amount_to_apply(payable, credit, amount)
    CreditApplication.objects.create(
        credit=credit, payable=payable, amount=amount, applied_by=actor
    )
    _recount(payable, credit)
    if credit.remaining == 0:
        credit.use_up()
    credit.save(update_fields=["amount_applied", "status", "updated_at"])
    payable.save(update_fields=["amount_credited", "updated_at"])
    from_status = payable.status
    events.credit_applied_event(
        payable=payable, actor=actor, credit_id=credit.id, amount=amount, from_status=from_status
    )
    if payable.amount_due == 0 and can_proceed(payable.pay):
        payable.pay()
        payable.save(update_fields=["status", "paid_at", "updated_at"])
        events.payable_paid_event(payable=payable, actor=actor, from_status=from_status)
        notifications.notify_payable_paid(payable=payable)
    return payable
