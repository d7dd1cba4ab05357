"""Background work of payables: the due-payment sweep, one payment's execution, e-mail.

Tasks take IDs, re-read, and call a service; each is harmless if it runs twice.
"""

import logging

from celery import shared_task
from django.core.cache import cache

from accounts.models import Membership, Role
from cleopay.mail import send_templated_mail
from payables.models import EventType, PayableEvent

logger = logging.getLogger(__name__)

SWEEP_BATCH_SIZE = 50
SWEEP_MAX_BATCHES = 20

# Who hears of what: the sides whose owners and admins get an e-mail for an event type.
RECIPIENT_SIDES = {
    EventType.DECLINED: ("payee",),
    EventType.PAID: ("payee",),
    EventType.PAYMENT_FAILED: ("payee", "payer"),
}
TEMPLATES = {
    EventType.DECLINED: "payable_declined",
    EventType.PAID: "payable_paid",
    EventType.PAYMENT_FAILED: "payment_failed",
}


@shared_task
def sweep_due_payments(batch_size: int = SWEEP_BATCH_SIZE) -> int:
    """Every minute (beat): claim due scheduled payments in small batches and execute each.

    Also drives again the payments a crash left ``processing``. Returns how many were claimed.
    """
    from payables import services

    claimed = 0
    for _batch in range(SWEEP_MAX_BATCHES):
        payment_ids = services.payments_claim_due(batch_size=batch_size)
        for payment_id in payment_ids:
            execute_payment.delay(payment_id)
        claimed += len(payment_ids)
        if len(payment_ids) < batch_size:
            break
    for payment_id in services.payments_stalled():
        execute_payment.delay(payment_id)
    return claimed


@shared_task
def execute_payment(payment_id: str) -> str | None:
    """Pay one payment (no-op if it is not due, or already settled); returns its status."""
    from payables import services

    payment = services.payment_execute(payment_id=payment_id)
    return None if payment is None else payment.status


def _recipients(business_id: str) -> list[str]:
    return list(
        Membership.objects.filter(
            business_id=business_id, role__in=[Role.OWNER, Role.ADMIN], user__is_active=True
        )
        .order_by("user__email")
        .values_list("user__email", flat=True)
    )


@shared_task
def notify_payable_event(event_id: str) -> int:
    """E-mail the owners and admins of the side(s) an event concerns; once per event and side."""
    event = (
        PayableEvent.objects.select_related("payable__payee", "payable__payer", "actor")
        .filter(pk=event_id)
        .first()
    )
    if event is None or event.type not in RECIPIENT_SIDES:
        return 0
    payable = event.payable
    sent = 0
    for side in RECIPIENT_SIDES[event.type]:
        business = payable.payee if side == "payee" else payable.payer
        try:
            # A second run of this task (redelivery) must not send the same e-mail again.
            first = cache.add(f"payables:mail:{event.id}:{side}", 1, timeout=7 * 24 * 3600)
        except Exception:  # cache down: better twice than never
            logger.warning("cache unavailable; sending %s without de-duplication", event.id)
            first = True
        if not first:
            continue
        to = _recipients(business.id)
        if not to:
            continue
        sent += send_templated_mail(
            to=to,
            template=TEMPLATES[event.type],
            context={"event": event, "payable": payable, "business": business, "side": side},
        )
    return sent
