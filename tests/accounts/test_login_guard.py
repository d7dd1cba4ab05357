"""Password guessing is limited per account and per client address on every login surface
(docs/trust.md), and a client cannot pick its own address with ``X-Forwarded-For``."""

import pytest
from rest_framework.test import APIClient

from accounts.models import LoginFailure
from tests import factories
from tests.reliability.report import figure

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"


def token_attempt(email, password, *, address="203.0.113.7", forwarded=None):
    extra = {"REMOTE_ADDR": address}
    if forwarded:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return APIClient().post(
        "/api/auth/token", {"email": email, "password": password}, format="json", **extra
    )


def test_the_eleventh_wrong_password_for_one_account_is_refused_from_any_address():
    user = factories.UserFactory(email="victim@example.com")
    answers = [
        token_attempt(user.email, f"guess-{n}", address=f"198.51.100.{n}").status_code
        for n in range(10)
    ]
    assert answers == [400] * 10

    refused = token_attempt(user.email, PASSWORD, address="192.0.2.99")

    figure(
        "login-guess-one-account",
        addresses=11,
        wrong_passwords_answered=answers.count(400),
        refused_at_attempt=len(answers) + 1 if refused.status_code == 429 else None,
        retry_after_s=refused["Retry-After"],
    )
    assert refused.status_code == 429
    assert refused.json()["type"] == "throttled"
    assert 800 < int(refused["Retry-After"]) <= 900
    # Even the right password: a guesser must not learn that the eleventh guess was good.
    assert "token" not in refused.json()


def test_spoofed_forwarded_for_headers_do_not_reset_the_address_limit(settings):
    settings.LOGIN_FAILURES_PER_ADDRESS = 5
    statuses = []
    for n in range(8):
        response = token_attempt(
            f"someone{n}@example.com", "wrong", forwarded=f"10.0.{n}.{n}, 172.16.0.{n}"
        )
        statuses.append(response.status_code)

    figure(
        "login-guess-spoofed-forwarded-for",
        limit_per_address=5,
        attempts=len(statuses),
        distinct_spoofed_headers=len(statuses),
        answered_before_refusal=statuses.index(429),
    )
    assert statuses == [400] * 5 + [429] * 3
    assert set(LoginFailure.objects.values_list("address", flat=True)) == {"203.0.113.7"}


def test_with_one_trusted_proxy_the_address_it_saw_is_the_client(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.LOGIN_FAILURES_PER_ADDRESS = 3
    # The client forges a first hop; the proxy appends the address it really saw.
    for n in range(3):
        token_attempt(f"a{n}@example.com", "wrong", forwarded=f"1.1.1.{n}, 198.51.100.20")
    refused = token_attempt("b@example.com", "wrong", forwarded="9.9.9.9, 198.51.100.20")
    other = token_attempt("c@example.com", "wrong", forwarded="9.9.9.9, 198.51.100.21")

    assert refused.status_code == 429
    assert other.status_code == 400


def test_the_api_request_rate_per_address_ignores_forwarded_for(settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK}
    settings.THROTTLE_RATE_AUTH = "3/min"
    statuses = [
        token_attempt("x@example.com", "wrong", forwarded=f"10.9.9.{n}").status_code
        for n in range(5)
    ]
    assert statuses[:3] == [400] * 3
    assert statuses[3:] == [429, 429]


def page_login(client, email, password, path="/login", address="203.0.113.9"):
    return client.post(
        path,
        {"username": email, "password": password},
        REMOTE_ADDR=address,
        HTTP_X_FORWARDED_FOR=f"10.1.1.{hash(password) % 250}",
    )


@pytest.mark.parametrize("path", ["/login", "/admin/login/"])
def test_the_login_pages_stop_guessing_after_ten_wrong_passwords(client, path):
    user = factories.UserFactory(email="staff@example.com", is_staff=True)
    answers = [
        page_login(client, user.email, f"guess-{n}", path, address=f"198.51.100.{n}").status_code
        for n in range(10)
    ]
    assert answers == [200] * 10  # the form again, with its error

    refused = page_login(client, user.email, PASSWORD, path, address="192.0.2.1")

    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    assert b"Too many attempts" in refused.content
    assert "_auth_user_id" not in client.session


def test_page_and_api_failures_count_together_for_one_account(client):
    user = factories.UserFactory(email="both@example.com")
    for n in range(5):
        page_login(client, user.email, f"page-{n}")
    for n in range(5):
        token_attempt(user.email, f"api-{n}")

    assert token_attempt(user.email, PASSWORD).status_code == 429
    assert page_login(client, user.email, PASSWORD).status_code == 429


def test_below_the_limit_the_right_password_still_logs_in(client):
    user = factories.UserFactory(email="ok@example.com")
    for n in range(9):
        page_login(client, user.email, f"guess-{n}")

    response = page_login(client, user.email, PASSWORD)

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == user.pk


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/signup", {"email": "new@example.com", "password": "short"}),
        ("/password-reset", {"email": "nobody@example.com"}),
        ("/login", {"username": "nobody@example.com", "password": "x"}),
    ],
)
def test_the_forms_are_rate_limited_per_address_whatever_the_header(client, settings, path, body):
    settings.THROTTLE_RATE_AUTH = "4/min"
    statuses = [
        client.post(
            path, body, REMOTE_ADDR="203.0.113.50", HTTP_X_FORWARDED_FOR=f"10.2.2.{n}"
        ).status_code
        for n in range(6)
    ]

    assert 429 not in statuses[:4]
    assert statuses[4:] == [429, 429]
    # Another client is not affected.
    assert client.post(path, body, REMOTE_ADDR="203.0.113.51").status_code != 429


def test_old_failures_are_purged():
    from datetime import timedelta

    from django.utils import timezone

    from accounts.tasks import purge_login_failures

    LoginFailure.objects.create(account="a@example.com", address="192.0.2.1")
    old = LoginFailure.objects.create(account="a@example.com", address="192.0.2.1")
    LoginFailure.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(hours=1))

    purge_login_failures()

    assert LoginFailure.objects.count() == 1


def test_reset_emails_for_one_account_are_limited_whatever_the_address(client):
    from django.core import mail

    factories.UserFactory(email="flooded@example.com")
    statuses = [
        client.post(
            "/password-reset", {"email": "flooded@example.com"}, REMOTE_ADDR=f"198.51.100.{n}"
        ).status_code
        for n in range(7)
    ]

    assert statuses == [302] * 5 + [429] * 2
    assert len(mail.outbox) == 5


@pytest.mark.parametrize("forwarded", ["unknown", "1.2.3.4:80", "<script>", "::ffff:zz", ""])
def test_a_forwarded_hop_that_is_not_an_address_falls_back_to_the_peer(settings, forwarded):
    settings.TRUSTED_PROXY_COUNT = 1
    response = token_attempt("who@example.com", "wrong", forwarded=forwarded)

    assert response.status_code == 400
    assert list(LoginFailure.objects.values_list("address", flat=True)) == ["203.0.113.7"]
