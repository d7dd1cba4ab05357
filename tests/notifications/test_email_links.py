"""Every link in every e-mail opens the right page for the person it was sent to.

Each kind of e-mail is sent for real (the notification e-mails through their task, the
invitations through the API, the password reset through its page); each link is then followed
with the test client: a stranger is sent to the login page (or, for a sign-up link, gets the
sign-up page), and the recipient, logged in, gets the page itself.
"""

import html
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client

from accounts.models import Role, User
from notifications import services
from notifications.models import Notification, NotificationType
from payables.models import PayableStatus
from tests import factories

pytestmark = pytest.mark.django_db

TEMPLATES = Path(settings.BASE_DIR) / "templates" / "email"

# The side each notification is heard on.
PAYER_SIDE = {
    NotificationType.APPROVAL_REQUESTED,
    NotificationType.PAYABLE_SUBMITTED,
    NotificationType.PAYMENT_FAILED,
    NotificationType.PAYABLE_CANCELLED,
    NotificationType.APPROVAL_REMINDER,
    NotificationType.APPROVAL_ESCALATED,
}


def links(message) -> list[str]:
    """The links of the plain-text body and of the HTML alternative (which must agree)."""
    text = set(re.findall(r"https?://[^\s<>\"]+", message.body))
    [(body, _)] = message.alternatives
    hrefs = {html.unescape(h) for h in re.findall(r'href="([^"]+)"', body)}
    assert hrefs == text, message.subject
    return sorted(text)


def local(url: str) -> str:
    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}" in {settings.SITE_URL, "http://testserver"}, url
    return parts.path + (f"?{parts.query}" if parts.query else "")


def follow(url: str, recipient: User | None) -> None:
    path = local(url)
    stranger = Client().get(path)
    if path.startswith("/unsubscribe/"):  # one-click unsubscribe needs no session (RFC 8058)
        assert stranger.status_code == 200 and b"Unsubscribe" in stranger.content, url
        return
    if recipient is None:
        assert stranger.status_code == 200, (url, stranger.status_code)
        return
    if path.startswith("/email-approval/"):
        # An approval e-mail's approve and decline links are their own credential: a confirm
        # page without a session, which does nothing until confirmed (tests/payables).
        assert stranger.status_code == 200, (url, stranger.status_code)
        assert b"You act as" in stranger.content, url
        return
    assert stranger.status_code == 302, (url, stranger.status_code)
    assert stranger["Location"].startswith("/login?next="), (url, stranger["Location"])
    client = Client()
    client.force_login(recipient)
    page = client.get(path, follow=True)
    assert page.status_code == 200, (url, page.status_code, page.redirect_chain)
    assert "/login" not in page.request["PATH_INFO"], url


@pytest.fixture
def world():
    people = factories.payee_and_payer()
    payable = factories.PayableFactory(
        connection=people.connection, status=PayableStatus.SUBMITTED, invoice_number="INV-1"
    )
    return people, payable


def test_every_notification_e_mail_links_to_its_page(world):
    people, payable = world
    seen = set()
    for type in NotificationType:
        mail.outbox.clear()
        payer_side = type in PAYER_SIDE
        business = people.payer if payer_side else people.payee
        reader = people.payer_owner if payer_side else people.payee_owner
        subject = (
            {"connection": people.connection}
            if type == NotificationType.CONNECTION_ACCEPTED
            else {"payable": payable}
        )
        notification = Notification.objects.create(
            user=reader, business=business, type=type, message=f"About {type}.", **subject
        )
        assert services.notification_email_send(notification_id=notification.pk) == 1
        [message] = mail.outbox
        found = links(message)
        assert found, type
        for url in found:
            follow(url, reader)
        seen.add(type.value)
    templates = {p.name.split(".")[0] for p in TEMPLATES.glob("*.subject.txt")}
    # Invitations and the address check are e-mailed to people who may not have an account
    # yet: their links are followed in the tests below and in tests/accounts. A disabled webhook
    # endpoint's e-mail is no notification: its link is followed in tests/webhooks. The daily
    # digest's links are followed in tests/notifications/test_settings_and_digest.py.
    assert templates - seen == {
        "digest",
        "connection_invitation",
        "member_invitation",
        "email_verification",
        "webhook_disabled",
    }


def test_connection_invitation_e_mails_link_to_where_it_is_accepted(
    api, django_capture_on_commit_callbacks
):
    acme, acme_owner = factories.business_with_owner("Acme")
    globex, globex_owner = factories.business_with_owner("Globex")
    with django_capture_on_commit_callbacks(execute=True):
        by_id = api(acme_owner).post(
            f"/api/businesses/{acme.pk}/connections",
            {"counterpartyBusinessId": globex.pk, "myRole": "payer"},
            format="json",
        )
    assert by_id.status_code == 201
    [message] = mail.outbox
    [url] = links(message)
    follow(url, globex_owner)
    client = Client()
    client.force_login(globex_owner)
    page = client.get(local(url)).content.decode()
    assert "Accept" in page and "Acme" in page

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        by_email = api(acme_owner).post(
            f"/api/businesses/{acme.pk}/connections",
            {"counterpartyEmail": "new@initech.test", "myRole": "payer"},
            format="json",
        )
    assert by_email.status_code == 201
    [message] = mail.outbox
    [url] = links(message)
    assert "/signup" in url
    follow(url, None)  # no account yet: the sign-up page


def test_member_invitation_and_password_reset_e_mails(api, django_capture_on_commit_callbacks):
    acme, acme_owner = factories.business_with_owner("Acme")
    with django_capture_on_commit_callbacks(execute=True):
        invited = api(acme_owner).post(
            f"/api/businesses/{acme.pk}/members",
            {"email": "newcomer@acme.test", "role": Role.ACCOUNTANT},
            format="json",
        )
    assert invited.status_code == 201, invited.content
    [message] = mail.outbox
    for url in links(message):
        follow(url, None)

    mail.outbox.clear()
    response = Client().post("/password-reset", {"email": acme_owner.email})
    assert response.status_code == 302
    [message] = mail.outbox
    [url] = links(message)
    page = Client().get(local(url), follow=True)
    assert page.status_code == 200
    assert "new password" in page.content.decode().lower()
