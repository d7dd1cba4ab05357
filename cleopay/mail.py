"""E-mail through Django's mail API: a plain-text and an HTML body from one pair of templates."""

import smtplib

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string

# Options of a task that sends e-mail: an SMTP server that refuses or is unreachable is tried
# again with exponential backoff (about 10 s, 20 s, 40 s ... capped at 10 min, for about an
# hour), so an invitation is not lost to a passing mail-server failure.
EMAIL_RETRY = {
    "autoretry_for": (smtplib.SMTPException, OSError),
    "retry_backoff": 10,
    "retry_backoff_max": 600,
    "retry_jitter": True,
    "max_retries": 10,
}


def send_templated_mail(*, to: list[str], template: str, context: dict) -> int:
    """Send ``templates/email/<template>.{subject.txt,txt,html}`` to ``to``; returns messages sent."""
    context = {"site_url": settings.SITE_URL, **context}
    subject = " ".join(render_to_string(f"email/{template}.subject.txt", context).split())
    text = render_to_string(f"email/{template}.txt", context)
    html = render_to_string(f"email/{template}.html", context)
    message = EmailMultiAlternatives(subject=subject, body=text, to=to)
    message.attach_alternative(html, "text/html")
    return message.send()
