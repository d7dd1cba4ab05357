from celery import shared_task

from files import services


@shared_task
def sweep_unattached_files() -> int:
    """Delete uploads that no payable took within FILE_UNATTACHED_TTL (a day)."""
    return services.sweep_unattached_files()
