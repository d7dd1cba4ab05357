"""What every payables service shares: the payable's row lock through the caller's businesses,
the side and role checks, the status check, and the open payment."""

from datetime import date

from django.utils import timezone
from django_fsm import can_proceed
from rest_framework.exceptions import NotFound, PermissionDenied

from accounts.permissions import Capability, role_allows, roles_of
from cleopay.core.errors import Conflict, ConflictCode, InvalidTransition
from cleopay.core.ids import require_id_shape
from connections.models import Connection
from payables.models import (
    OPEN_PAYMENT_STATUSES,
    Payable,
    Payment,
    PaymentStatus,
)
from payables.querysets import PAYEE, viewer_of

INVOICE_NUMBER_CONSTRAINT = "payable_invoice_number_unique_per_connection"
GENERATED_NUMBER_ATTEMPTS = 20


def today() -> date:
    """Today's date for due dates and schedules (tests move it by patching this one function)."""
    return timezone.now().date()  # UTC: TIME_ZONE is UTC and USE_TZ is on


# --- lookups, sides and checks --------------------------------------------------------------------
def lock_payable(*, payable_id: str, actor) -> Payable:
    """The payable, row-locked, if one of the actor's businesses may see it; a 404 otherwise."""
    require_id_shape(payable_id, "pay")
    payable = (
        Payable.objects.select_for_update(of=("self",))
        .seen_by(roles_of(actor).keys())
        .select_related("connection", "payer", "payee")
        .filter(pk=payable_id)
        .first()
    )
    if payable is None:
        raise NotFound("Not found.")
    # The connection's businesses are the payable's: joined once, not twice.
    connection = payable.connection
    Connection.payer.field.set_cached_value(connection, payable.payer)
    Connection.payee.field.set_cached_value(connection, payable.payee)
    return payable


def _side_business(payable: Payable, side: str) -> str:
    return payable.payee_id if side == PAYEE else payable.payer_id


def require_side(payable: Payable, actor, *, side: str, capability: Capability, action: str) -> str:
    """The business ``actor`` acts for on ``side``; 403 if not a member there or the role falls short."""
    business_id = _side_business(payable, side)
    role = roles_of(actor).get(business_id)
    if role is None:
        raise PermissionDenied(f"Only the {side}'s team can {action} this payable.")
    if not role_allows(role, capability):
        raise PermissionDenied(f"Your role ({role}) does not allow this.")
    return business_id


def ensure_can(transition_method, action: str) -> None:
    """409 naming the current status when the fsm does not allow ``transition_method`` now."""
    if not can_proceed(transition_method):
        raise InvalidTransition(action=action, current_status=transition_method.__self__.status)


def save_fields(obj, *fields: str) -> None:
    obj.save(update_fields=[*fields, "updated_at"])


def open_payment(payable: Payable) -> Payment | None:
    """The payable's pending or processing payment, locked (the payable's lock is already held)."""
    return (
        Payment.objects.select_for_update()
        .filter(payable=payable, status__in=OPEN_PAYMENT_STATUSES)
        .first()
    )


def refuse_while_processing(payment: Payment | None, payable: Payable, action: str) -> None:
    if payment is not None and payment.status == PaymentStatus.PROCESSING:
        raise Conflict(
            f"Cannot {action} this payable: its payment {payment.id} is being processed.",
            code=ConflictCode.STATE,
            currentStatus=payable.status,
        )


def acting_side(payable: Payable, actor, *, business_id: str | None) -> tuple[str, str]:
    """(side, business) the actor acts for on ``payable``: ``business_id`` when given, else the
    payee's when the actor is on it, else the payer's (``viewer_of``); 404 if none."""
    found = viewer_of(payable, roles_of(actor), prefer=business_id)
    if found is None:
        raise NotFound("Not found.")
    return found
