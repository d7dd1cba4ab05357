"""The approve and decline links of an approval e-mail (``approvals.email_links``).

An e-mail template of the notifications app loads this tag: a template is not an import, so
notifications, below approvals, sends the e-mail without knowing how its links are made.
"""

from django import template
from django.conf import settings
from django.urls import reverse

from approvals.email_links import email_link_issue, email_link_pending_request

register = template.Library()


@register.simple_tag
def approval_email_links(notification) -> dict | None:
    """``{"approve": url, "decline": url, "expires_at": datetime}`` for the person an approval
    request notification is addressed to, or None (another type of notification, or the
    payable's review is over). One pair per e-mail: its text and HTML parts share it."""
    if notification is None or notification.type != "approval_requested":
        return None
    cached = getattr(notification, "_approval_email_links", None)
    if cached is not None:
        return cached
    request = email_link_pending_request(payable_id=notification.payable_id)
    if request is None:
        return None
    issued = email_link_issue(request=request, user_id=notification.user_id)

    def url(token: str) -> str:
        path = reverse("email-approval", args=[notification.payable_id, token])
        return settings.SITE_URL + path

    links = {
        "approve": url(issued.approve),
        "decline": url(issued.decline),
        "expires_at": issued.link.expires_at,
    }
    notification._approval_email_links = links
    return links
