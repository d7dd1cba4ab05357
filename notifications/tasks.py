"""E-mail of notifications: one task per notification, and a sweep for those not sent."""

import logging

from celery import shared_task

from notifications import services

logger = logging.getLogger(__name__)

SWEEP_BATCH_SIZE = 200


@shared_task
def send_notification_email(notification_id: str) -> int:
    """Send one notification's e-mail (nothing if it went already); returns messages sent."""
    return services.notification_email_send(notification_id=notification_id)


@shared_task
def send_pending_emails(batch_size: int = SWEEP_BATCH_SIZE) -> int:
    """Every few minutes (beat): send the e-mails that never went out (broker down when the
    change happened, or the mail server failed). Returns how many were sent."""
    sent = 0
    for notification_id in services.notifications_email_pending(limit=batch_size):
        try:
            sent += services.notification_email_send(notification_id=notification_id)
        except Exception:
            logger.exception("e-mail of notification %s failed; will retry", notification_id)
    return sent
