from celery import shared_task

from cleopay.core import idempotency, publish


@shared_task
def purge_idempotency_keys() -> int:
    """Forget Idempotency-Keys older than IDEMPOTENCY_KEY_TTL (48 hours by default)."""
    return idempotency.purge_expired()


@shared_task
def publish_pending_tasks() -> int:
    """Every minute (beat): send the tasks requests could not publish while the broker was down."""
    return publish.publish_pending()
