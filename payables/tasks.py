"""Background work of payables: the due-payment sweep and one payment's execution.

E-mail about payables goes through ``notifications`` (one task per notification).

Tasks take IDs, re-read, and call a service; each is harmless if it runs twice.
"""

import logging

from celery import shared_task

from cleopay.core.publish import publish

logger = logging.getLogger(__name__)

SWEEP_BATCH_SIZE = 50
SWEEP_MAX_BATCHES = 20


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
            # Not sent (the broker failed just now): the payment stays processing and is driven
            # again as a stalled one (payments_stalled), the rail being idempotent per payment.
            publish(execute_payment, payment_id, keep=False)
        claimed += len(payment_ids)
        if len(payment_ids) < batch_size:
            break
    for payment_id in services.payments_stalled():
        publish(execute_payment, payment_id, keep=False)
    return claimed


@shared_task
def execute_payment(payment_id: str) -> str | None:
    """Pay one payment (no-op if it is not due, or already settled); returns its status."""
    from payables import services

    payment = services.payment_execute(payment_id=payment_id)
    return None if payment is None else payment.status
