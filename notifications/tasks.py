"""E-mail of notifications: the sweep of the outbox (notifications not e-mailed yet), the daily
digests, and a task for a given list of notifications."""

import logging

from celery import shared_task

from notifications import digest, services

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
    """Every few seconds (beat): send the e-mails of the notifications written since (and of
    those whose sending failed), but for those who read a digest. Returns how many were sent."""
    return _send_each(services.notifications_email_pending(limit=batch_size))


@shared_task
def send_notification_digests() -> int:
    """Every few minutes (beat): send the daily digests that are due. Returns how many."""
    sent = 0
    for user_id in digest.digests_due():
        try:
            sent += digest.digest_send(user_id=user_id)
        except Exception:
            logger.exception("digest of %s failed; will retry", user_id)
    return sent


def _send_each(notification_ids) -> int:
    sent = 0
    for notification_id in notification_ids:
        try:
            sent += services.notification_email_send(notification_id=notification_id)
        except Exception:
            logger.exception("e-mail of notification %s failed; will retry", notification_id)
    return sent
