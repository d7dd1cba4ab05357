"""Approvals in the background: beat's sweep of steps that waited too long."""

import logging

from celery import shared_task
from django.utils import timezone

from approvals import reminders

logger = logging.getLogger(__name__)


@shared_task
def send_approval_reminders() -> int:
    """Every few minutes (beat): remind and escalate the steps that waited past their settings
    (``approvals.reminders``). Running it twice sends nothing twice. Returns people told."""
    now = timezone.now()
    told = 0
    for request_id in reminders.reminders_due(now=now):
        try:
            told += reminders.approval_reminders_send(request_id=request_id, now=now)
        except Exception:
            logger.exception("reminders of approval round %s failed; next sweep", request_id)
    return told
