"""E-mail through Django's mail API: a plain-text and an HTML body from one pair of templates."""

import zoneinfo

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import timezone


def send_templated_mail(
    *, to: list[str], template: str, context: dict, time_zone: str | None = None
) -> int:
    """Send ``templates/email/<template>.{subject.txt,txt,html}`` to ``to``; returns messages sent.

    Times are written in ``time_zone`` (the recipient's, when known), else UTC.
    """
    context = {"site_url": settings.SITE_URL, **context}
    with timezone.override(zoneinfo.ZoneInfo(time_zone or "UTC")):
        subject = " ".join(render_to_string(f"email/{template}.subject.txt", context).split())
        text = render_to_string(f"email/{template}.txt", context)
        html = render_to_string(f"email/{template}.html", context)
    message = EmailMultiAlternatives(subject=subject, body=text, to=to)
    message.attach_alternative(html, "text/html")
    return message.send()
