"""A password set, reset or changed, and "log out everywhere", revoke every API token and end
every session of the user (docs/trust.md)."""

import re

import pytest
from django.core import mail
from django.test import Client
from knox.models import AuthToken

from accounts import services
from tests import factories

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"
NEW_PASSWORD = "a brand new passphrase 2026"


def logged_in_page(user) -> Client:
    client = Client()
    assert client.post("/login", {"username": user.email, "password": PASSWORD}).status_code == 302
    return client


def still_logged_in(client: Client) -> bool:
    return client.get("/").status_code == 302 and not client.get("/")["Location"].startswith(
        "/login"
    )


def test_a_password_reset_revokes_every_token_and_every_session(api):
    user = factories.UserFactory(email="reset@example.com")
    tokens = [api(user), api(user)]
    browser = logged_in_page(user)
    assert tokens[0].get("/api/me").status_code == 200
    assert still_logged_in(browser)

    Client().post("/password-reset", {"email": user.email})
    link = re.search(r"/reset/\S+/\S+", mail.outbox[-1].body).group(0)
    resetter = Client()
    form = resetter.get(link, follow=True)
    response = resetter.post(
        form.redirect_chain[-1][0] if form.redirect_chain else link,
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302

    assert [client.get("/api/me").status_code for client in tokens] == [401, 401]
    assert not AuthToken.objects.filter(user=user).exists()
    assert not still_logged_in(browser)
    # The new password works.
    assert (
        Client().post("/login", {"username": user.email, "password": NEW_PASSWORD}).status_code
        == 302
    )


def test_a_password_set_anywhere_revokes_the_tokens(api):
    user = factories.UserFactory()
    client = api(user)
    user.set_password(NEW_PASSWORD)
    user.save()

    assert client.get("/api/me").status_code == 401


def test_saving_a_user_without_a_new_password_keeps_the_tokens(api):
    user = factories.UserFactory()
    client = api(user)
    user.full_name = "Renamed"
    user.save()

    assert client.get("/api/me").status_code == 200


def test_log_out_everywhere_from_the_api_ends_tokens_and_sessions(api):
    user = factories.UserFactory()
    caller, other = api(user), api(user)
    browser = logged_in_page(user)
    bystander = factories.UserFactory()
    bystander_client = api(bystander)

    assert caller.post("/api/auth/logout-all").status_code == 204

    assert caller.get("/api/me").status_code == 401
    assert other.get("/api/me").status_code == 401
    assert not still_logged_in(browser)
    assert bystander_client.get("/api/me").status_code == 200
    # Logging in again works, with a fresh session.
    assert still_logged_in(logged_in_page(user))


def test_log_out_everywhere_button_on_the_tokens_page(api):
    owner = factories.MembershipFactory(role="owner")
    user = owner.user
    script = api(user)
    phone, laptop = logged_in_page(user), logged_in_page(user)
    page = laptop.get(f"/b/{owner.business_id}/settings/tokens")
    assert b"Log out everywhere" in page.content

    response = laptop.post("/logout-everywhere")

    assert response.status_code == 302 and response["Location"] == "/login"
    assert not still_logged_in(laptop)
    assert not still_logged_in(phone)
    assert script.get("/api/me").status_code == 401


def test_the_service_reports_how_many_tokens_it_revoked():
    user = factories.UserFactory()
    services.token_create(user=user)
    services.token_create(user=user)
    assert services.user_logout_everywhere(user=user) == 2
