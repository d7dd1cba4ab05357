"""
Password guessing, limited on every login surface (docs/trust.md).

Two limits, checked before a password is looked at:

- **per account**: at most ``LOGIN_FAILURES_PER_ACCOUNT`` (10) wrong passwords for one e-mail in
  ``LOGIN_FAILURE_WINDOW`` (15 minutes), whatever the client address; the next attempt, right
  password or not, is a 429 with ``Retry-After`` (the time until the oldest of those failures
  leaves the window). A sliding window over ``LoginFailure`` rows in the database: it holds
  exactly, and it keeps holding when Redis is down.
- **per client address**: at most ``LOGIN_FAILURES_PER_ADDRESS`` wrong passwords from one
  address in the same window (any accounts), and at most ``THROTTLE_RATE_AUTH`` requests a
  minute to the forms (log in, admin log in, sign-up, password reset), counted in the cache
  (``cleopay.core.api.throttling.AuthRateThrottle``, which fails open when the cache is down);
- **reset e-mails per account**: ``THROTTLE_RATE_PASSWORD_RESET`` (5/h) for one e-mail address,
  also in the cache.

The client address is ``cleopay.core.clientip.client_ip`` (``TRUSTED_PROXY_COUNT``), never a raw
``X-Forwarded-For``. Failures are recorded from Django's ``user_login_failed`` signal, which every
``authenticate()`` call sends (the page login, the admin login, ``POST /api/auth/token``), so
no surface can forget to count.

The project's own code rather than django-axes or django-allauth's rate limits: see README
("Password guessing").
"""

import math

from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.db.models import F
from django.shortcuts import render
from django.urls import Resolver404, resolve
from django.utils import timezone

from accounts.models import LoginFailure
from cleopay.core.api.throttling import AuthRateThrottle, WindowRateThrottle
from cleopay.core.clientip import client_ip


def account_key(email) -> str:
    return str(email or "").strip().lower()[:254]


def _address(request) -> str | None:
    return client_ip(request) or None


def _wait(rows, limit: int) -> int | None:
    """Seconds until the oldest of the last ``limit`` failures leaves the window, if all are in."""
    times = list(rows.order_by(F("created_at").desc()).values_list("created_at", flat=True)[:limit])
    if limit <= 0 or len(times) < limit:
        return None
    reopens = times[-1] + settings.LOGIN_FAILURE_WINDOW
    return max(1, math.ceil((reopens - timezone.now()).total_seconds()))


def failures_wait(*, account: str | None, address: str | None) -> int | None:
    """Seconds before a password may be tried for ``account`` from ``address``; None: now."""
    since = timezone.now() - settings.LOGIN_FAILURE_WINDOW
    recent = LoginFailure.objects.filter(created_at__gte=since)
    waits = []
    if account:
        waits.append(
            _wait(recent.filter(account=account_key(account)), settings.LOGIN_FAILURES_PER_ACCOUNT)
        )
    if address:
        waits.append(_wait(recent.filter(address=address), settings.LOGIN_FAILURES_PER_ADDRESS))
    waits = [wait for wait in waits if wait]
    return max(waits) if waits else None


def requests_wait(request) -> int | None:
    """Seconds before this address may send another login/sign-up/reset form; None: now."""
    throttle = AuthRateThrottle()
    if throttle.allow_request(request, None):
        return None
    return math.ceil(throttle.wait())


class ResetRateThrottle(WindowRateThrottle):
    """Password-reset e-mails per account (``THROTTLE_RATE_PASSWORD_RESET``): the form cannot be
    used to flood one mailbox, from however many addresses. Any e-mail counts, registered or
    not, so the limit says nothing about which have accounts."""

    scope = "reset"

    def __init__(self, account: str):
        self.account = account_key(account)
        super().__init__()

    def get_rate(self):
        return settings.THROTTLE_RATE_PASSWORD_RESET

    def get_cache_key(self, request, view):
        if not self.account:
            return None
        return self.cache_format % {"scope": self.scope, "ident": self.account}


def reset_wait(request, account: str | None) -> int | None:
    """The per-address form rate, then the per-account rate of reset e-mails."""
    wait = requests_wait(request)
    if wait or not account:
        return wait
    throttle = ResetRateThrottle(account)
    if throttle.allow_request(request, None):
        return None
    return math.ceil(throttle.wait())


def login_wait(request, account: str | None) -> int | None:
    """Both limits for a password attempt on ``account`` from this request's client."""
    return requests_wait(request) or failures_wait(account=account, address=_address(request))


def record_failure(sender, credentials, request=None, **kwargs) -> None:
    """``user_login_failed`` receiver: one ``LoginFailure`` row per wrong password."""
    account = credentials.get("username") or credentials.get("email")
    if not account:
        return
    LoginFailure.objects.create(
        account=account_key(account), address=_address(request) if request else None
    )


def connect() -> None:
    user_login_failed.connect(record_failure, dispatch_uid="accounts.loginguard.record_failure")


def purge(*, older_than=None) -> int:
    """Delete failures that no window can count any more (beat task)."""
    before = timezone.now() - (older_than or settings.LOGIN_FAILURE_WINDOW)
    deleted, _ = LoginFailure.objects.filter(created_at__lt=before).delete()
    return deleted


# The pages a person types a password (or an address to reset) into, by URL name, each with
# its check: a POST to one of them is checked before the view runs.
GUARDED_FORMS = {
    "login": lambda request: login_wait(request, request.POST.get("username")),
    "admin:login": lambda request: login_wait(request, request.POST.get("username")),
    "signup": requests_wait,
    "password-reset": lambda request: reset_wait(request, request.POST.get("email")),
    "password-reset-confirm": requests_wait,
}


class LoginGuardMiddleware:
    """Refuses (429, ``Retry-After``) a POST to a login, sign-up or reset page over the limits."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method == "POST":
            try:
                name = resolve(request.path_info).view_name
            except Resolver404:
                name = None
            if name in GUARDED_FORMS:
                wait = GUARDED_FORMS[name](request)
                if wait:
                    return too_many_attempts(request, wait)
        return self.get_response(request)


def too_many_attempts(request, wait: int):
    minutes = max(1, math.ceil(wait / 60))
    response = render(
        request, "registration/too_many_attempts.html", {"minutes": minutes}, status=429
    )
    response["Retry-After"] = str(wait)
    return response
