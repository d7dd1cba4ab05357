"""The import job: it takes the import's ID, re-reads it, and runs what is left of its passes.
Each pass locks the import and checks its status first, so a job that runs twice (a retry, the
outbox after an unclear publish) waits for the first and finds the work done."""

from celery import shared_task

from imports import services
from imports.models import ImportStatus


# A big file takes a while: this job may take longer than the default task time limit.
@shared_task(soft_time_limit=1800, time_limit=1900)
def run_import(import_id: str) -> str | None:
    job = services.import_validate(import_id=import_id)
    if job is not None and job.status == ImportStatus.IMPORTING:
        job = services.import_commit(import_id=import_id)
    return job.status if job is not None else None
