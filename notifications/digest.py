"""
The daily digest: for those who chose it, one e-mail a day with the notifications they have not
been e-mailed, instead of one e-mail each.

Beat wakes ``send_notification_digests`` every few minutes; a person's digest is due once their
own clock (their time zone) has passed ``NOTIFICATION_DIGEST_HOUR`` on a day it was not sent
yet. The day is stamped on the settings row under its lock and the notifications are claimed
(``emailed_at``) with it, so a second sweep the same day sends nothing; if sending fails both
are released and the next sweep tries again.
"""

import zoneinfo
from datetime import date, datetime

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from cleopay.core.mail import send_templated_mail
from notifications.models import DigestFrequency, Notification, NotificationSettings
from notifications.preferences import DIGEST, unsubscribe_headers, unsubscribe_url
from notifications.services import EMAIL_GIVE_UP_AFTER, notification_email_path

DIGEST_TEMPLATE = "digest"


def _local_now(user, now: datetime) -> datetime:
    return now.astimezone(zoneinfo.ZoneInfo(user.time_zone or "UTC"))


def _due(row: NotificationSettings, now: datetime) -> date | None:
    """The local day whose digest is due for ``row``'s user now, or None."""
    local = _local_now(row.user, now)
    if local.hour < settings.NOTIFICATION_DIGEST_HOUR:
        return None
    if row.digest_sent_on is not None and row.digest_sent_on >= local.date():
        return None
    return local.date()


def digests_due(*, now: datetime | None = None) -> list[str]:
    """The users whose digest is due now (their local hour passed, not sent today)."""
    now = now or timezone.now()
    rows = NotificationSettings.objects.filter(
        digest=DigestFrequency.DAILY, user__is_active=True
    ).select_related("user")
    return [row.user_id for row in rows if _due(row, now) is not None]


def digest_send(*, user_id: str, now: datetime | None = None) -> int:
    """Send one user's digest if it is due; returns messages sent (0 when not due, or nothing
    waited: the day is stamped all the same)."""
    now = now or timezone.now()
    with transaction.atomic():
        row = (
            NotificationSettings.objects.select_for_update(of=("self",))
            .select_related("user")
            .filter(user_id=user_id, digest=DigestFrequency.DAILY)
            .first()
        )
        day = _due(row, now) if row is not None else None
        if day is None:
            return 0
        previous = row.digest_sent_on
        row.digest_sent_on = day
        row.save(update_fields=["digest_sent_on", "updated_at"])
        waiting = Notification.objects.filter(
            user_id=user_id, emailed_at__isnull=True, created_at__gte=now - EMAIL_GIVE_UP_AFTER
        )
        claimed = list(
            waiting.select_related("business").order_by("business__name", "created_at", "id")
        )
        Notification.objects.filter(pk__in=[n.pk for n in claimed]).update(emailed_at=now)
    items = [n for n in claimed if row.emails(n.type)]
    user = row.user
    if not items or not user.email:
        return 0
    unsubscribe = unsubscribe_url(user_id=user.pk, type=DIGEST)
    try:
        return send_templated_mail(
            to=[user.email],
            template=DIGEST_TEMPLATE,
            context={
                "user": user,
                "day": day,
                "items": [
                    {"notification": n, "link": settings.SITE_URL + notification_email_path(n)}
                    for n in items
                ],
                "settings_link": settings.SITE_URL
                + reverse("settings-notifications", kwargs={"business_id": items[0].business_id}),
                "unsubscribe_url": unsubscribe,
            },
            time_zone=user.time_zone,
            headers=unsubscribe_headers(unsubscribe),
        )
    except Exception:
        with transaction.atomic():
            Notification.objects.filter(pk__in=[n.pk for n in claimed]).update(emailed_at=None)
            NotificationSettings.objects.filter(user_id=user_id).update(digest_sent_on=previous)
        raise
