"""E-mail through Django's mail API: a plain-text and an HTML body from one pair of templates.

Only the HTML body is HTML: the subject and the text body are rendered with autoescaping off,
so a business called ``O'Brien <Supplies> & Co`` reads as such, not ``O&#x27;Brien &lt;…``.
"""

import smtplib
import zoneinfo

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template import Context
from django.template.loader import get_template, render_to_string
from django.utils import timezone

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


def render_plain(template_name: str, context: dict) -> str:
    """``template_name`` rendered as plain text: no HTML escaping of the values."""
    return get_template(template_name).template.render(Context(context, autoescape=False))


def send_templated_mail(
    *,
    to: list[str],
    template: str,
    context: dict,
    time_zone: str | None = None,
    headers: dict[str, str] | None = None,
) -> int:
    """Send ``templates/email/<template>.{subject.txt,txt,html}`` to ``to``; returns messages sent.

    Times are written in ``time_zone`` (the recipient's, when known), else UTC. ``headers``:
    extra headers (a notification's ``List-Unsubscribe``).
    """
    context = {"site_url": settings.SITE_URL, **context}
    with timezone.override(zoneinfo.ZoneInfo(time_zone or "UTC")):
        subject = " ".join(render_plain(f"email/{template}.subject.txt", context).split())
        text = render_plain(f"email/{template}.txt", context)
        html = render_to_string(f"email/{template}.html", context)
    message = EmailMultiAlternatives(subject=subject, body=text, to=to, headers=headers)
    message.attach_alternative(html, "text/html")
    return message.send()
