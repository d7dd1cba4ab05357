"""Sign up, log in and out, reset a password by e-mail, create a business."""

import re

import pytest
from django.core import mail
from django.urls import reverse
from knox.models import AuthToken

from accounts.models import Business, Membership, User
from tests import factories
from tests.pages.conftest import text

pytestmark = pytest.mark.django_db
PASSWORD = "correct horse battery staple"


def test_sign_up_creates_the_user_and_the_business_and_logs_in(client):
    response = client.post(
        "/signup",
        {
            "fullName": "Ada",
            "email": "Ada@Example.test",
            "password": PASSWORD,
            "businessName": "Ada Co",
        },
    )

    business = Business.objects.get(name="Ada Co")
    assert response["Location"] == reverse("business-home", args=[business.id])
    user = User.objects.get(email="ada@example.test")
    assert Membership.objects.get(user=user, business=business).role == "owner"
    # The page logs in with a session: no API token is made that nobody will ever see.
    assert not AuthToken.objects.filter(user=user).exists()
    home = text(client.get(response["Location"], follow=True))
    assert "Welcome to Cleo Pay." in home
    assert "Invite your first vendor" in home  # a new business's home says its next step


def test_sign_up_errors_beside_their_fields(client):
    factories.UserFactory(email="taken@example.test")

    taken = client.post("/signup", {"email": "taken@example.test", "password": PASSWORD})
    weak = client.post("/signup", {"email": "new@example.test", "password": "12345678"})

    assert taken.status_code == 400
    assert 'id="f-email-error">A user with this e-mail address already exists.' in text(taken)
    assert 'id="f-password-error">' in text(weak)
    assert "This password is too common." in text(weak)
    assert 'value="12345678"' not in text(weak)  # a password is never echoed back
    assert not User.objects.filter(email="new@example.test").exists()


def test_sign_up_without_a_business_then_create_one(client):
    client.post("/signup", {"email": "solo@example.test", "password": PASSWORD})

    # Before the address is verified, the start page says so (and offers to create a business).
    landing = client.get("/")
    assert landing["Location"] == reverse("invitations")
    assert "Verify your e-mail address." in text(client.get(landing["Location"]))
    assert "Create your business" in text(client.get(reverse("business-new")))

    response = client.post(reverse("business-new"), {"name": "Solo Ltd"})
    business = Business.objects.get(name="Solo Ltd")
    assert response["Location"] == reverse("inbox", args=[business.id])
    assert client.post(reverse("business-new"), {"name": ""}).status_code == 400


def test_password_reset_by_email(client, owner):
    response = client.post(reverse("password-reset"), {"email": owner.email})
    assert response["Location"] == reverse("password-reset-sent")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [owner.email]
    assert message.subject == "Reset your Cleo Pay password"
    link = re.search(r"http://testserver(/reset/\S+)", message.body).group(1)
    assert message.alternatives  # an HTML part too

    form = client.get(link, follow=True)
    assert "Choose a new password" in text(form)
    set_url = form.redirect_chain[-1][0]
    done = client.post(
        set_url,
        {"new_password1": "a new long passphrase", "new_password2": "a new long passphrase"},
    )
    assert done["Location"] == reverse("password-reset-complete")

    assert client.login(username=owner.email, password="a new long passphrase")
    # The link works once.
    assert "already been used or has expired" in text(client.get(link, follow=True))


def test_password_reset_for_an_unknown_address_says_the_same_and_sends_nothing(client):
    response = client.post(reverse("password-reset"), {"email": "nobody@example.test"})

    assert response["Location"] == reverse("password-reset-sent")
    assert mail.outbox == []


def test_logout_is_a_post(client, owner):
    client.force_login(owner)

    assert client.get("/logout").status_code == 405
    client.post("/logout")
    assert client.get("/")["Location"].startswith("/login")
