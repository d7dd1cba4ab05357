"""E-mail of notifications: one task per change (its notifications' e-mails), and a sweep for
those not sent."""

import logging

from celery import shared_task

from notifications import services

logger = logging.getLogger(__name__)

SWEEP_BATCH_SIZE = 200


@shared_task
def send_notification_emails(notification_ids: list[str]) -> int:
    """Send the e-mails of the notifications one change made: one message on the broker for
    them all. One that fails is left to the sweep and the others still go; returns messages
    sent."""
    return _send_each(notification_ids)


@shared_task
def send_pending_emails(batch_size: int = SWEEP_BATCH_SIZE) -> int:
    """Every few minutes (beat): send the e-mails that never went out (broker down when the
    change happened, or the mail server failed). Returns how many were sent."""
    return _send_each(services.notifications_email_pending(limit=batch_size))


def _send_each(notification_ids) -> int:
    sent = 0
    for notification_id in notification_ids:
        try:
            sent += services.notification_email_send(notification_id=notification_id)
        except Exception:
            logger.exception("e-mail of notification %s failed; will retry", notification_id)
    return sent
