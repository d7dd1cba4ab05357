from celery import shared_task

from cleopay import idempotency


@shared_task
def purge_idempotency_keys() -> int:
    """Forget Idempotency-Keys older than IDEMPOTENCY_KEY_TTL (48 hours by default)."""
    return idempotency.purge_expired()
