"""
A person's notification settings: which types reach them by e-mail, and the daily digest; the
signed one-click unsubscribe link every notification e-mail carries (RFC 8058).

The settings are the person's own, for every business they belong to: the services take the
``user`` and touch only that user's row. In-app notifications are never turned off.
"""

from collections.abc import Mapping

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.urls import reverse

from cleopay.core.errors import field_error
from notifications.models import DigestFrequency, NotificationSettings, NotificationType

# The unsubscribe link of a digest turns every type off (the digest is all of them).
DIGEST = "digest"
_UNSUBSCRIBE_SALT = "notifications.unsubscribe"


def notification_settings_get(*, user) -> NotificationSettings:
    """The user's settings, or the defaults (every type by e-mail, no digest) when never set."""
    found = NotificationSettings.objects.filter(user=user).first()
    return found or NotificationSettings(user=user)


def email_choices(row: NotificationSettings) -> dict[str, bool]:
    """``{type: on}`` for every type the app sends, in the order of ``NotificationType``."""
    return {value: row.emails(value) for value in NotificationType.values}


def notification_settings_update(
    *, user, email: Mapping[str, bool] | None = None, digest: str | None = None
) -> NotificationSettings:
    """Turn types on or off for e-mail and choose the digest; types not named keep their choice.

    An unknown type or digest is a 400 naming the field (``email.<type>``, ``digest``).
    """
    email = dict(email or {})
    for key, value in email.items():
        if key not in NotificationType.values:
            raise field_error(f"email.{key}", f"Unknown notification type: {key}.")
        if not isinstance(value, bool):
            raise field_error(f"email.{key}", "Must be true or false.")
    if digest is not None and digest not in DigestFrequency.values:
        raise field_error("digest", 'Must be "off" or "daily".')
    with transaction.atomic():
        row, _ = NotificationSettings.objects.select_for_update().get_or_create(user=user)
        off = set(row.email_off)
        for key, on in email.items():
            (off.discard if on else off.add)(key)
        row.email_off = [t for t in NotificationType.values if t in off]
        if digest is not None:
            row.digest = digest
        row.save()
    return row


def notification_unsubscribe(*, token: str) -> tuple[NotificationSettings, str]:
    """Turn off the e-mails an unsubscribe link names: one type, or (a digest's link) all.

    Works without a session: the signed token names the user and the type. A second use
    changes nothing. A forged or damaged token is a 404 (``signing.BadSignature``).
    """
    user_id, what = unsubscribe_token_read(token)
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.filter(pk=user_id).first()
    if user is None:
        raise signing.BadSignature("no such user")
    if what == DIGEST:
        row = notification_settings_update(
            user=user,
            email=dict.fromkeys(NotificationType.values, False),
            digest=DigestFrequency.OFF,
        )
    else:
        row = notification_settings_update(user=user, email={what: False})
    return row, what


def unsubscribe_token(*, user_id: str, type: str) -> str:
    """The signed token of an unsubscribe link: this user, this type (or ``digest``)."""
    return signing.dumps([user_id, type], salt=_UNSUBSCRIBE_SALT, compress=True)


def unsubscribe_token_read(token: str) -> tuple[str, str]:
    """``(user_id, type)`` of a token; ``signing.BadSignature`` when it was not ours."""
    value = signing.loads(token, salt=_UNSUBSCRIBE_SALT)
    if (
        not isinstance(value, list)
        or len(value) != 2
        or not all(isinstance(part, str) for part in value)
        or value[1] not in (*NotificationType.values, DIGEST)
    ):
        raise signing.BadSignature("not an unsubscribe token")
    return value[0], value[1]


def unsubscribe_url(*, user_id: str, type: str) -> str:
    token = unsubscribe_token(user_id=user_id, type=type)
    return settings.SITE_URL + reverse("notification-unsubscribe", kwargs={"token": token})


def unsubscribe_headers(url: str) -> dict[str, str]:
    """The headers of one-click unsubscribe (RFC 2369 and RFC 8058)."""
    return {
        "List-Unsubscribe": f"<{url}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }
