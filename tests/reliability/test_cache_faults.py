"""
Redis down: the cache (every throttle) and the broker unreachable or silent at once.

Every API call and page still answers, none with a 5xx, each within ``BOUND`` seconds: the cache
fails open (``cleopay.core.cache``: short socket timeouts, then a circuit breaker), the throttles let
requests through, and tasks wait in the ``PendingTask`` outbox (``cleopay.core.publish``). Nothing
written is lost.
"""

import contextlib
import time

import pytest
from django.core.cache import cache, caches
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from cleopay.core import cache as fail_open_cache
from cleopay.core.models import PendingTask
from notifications.models import Notification
from payables.models import Payable
from tests.reliability.report import figure
from tests.reliability.test_broker_faults import (
    CLOSED_PORT,
    Timed,
    broker_at,
    silent_broker,
    writes,
)

BOUND = 2.0  # seconds: the slowest any request may answer with Redis down


@contextlib.contextmanager
def cache_at(settings, url: str):
    settings.CACHES = {
        "default": {
            "BACKEND": "cleopay.core.cache.FailOpenRedisCache",
            "LOCATION": url,
            "OPTIONS": {"socket_connect_timeout": 0.25, "socket_timeout": 0.5},
        }
    }
    fail_open_cache.reset()
    try:
        yield
    finally:
        fail_open_cache.reset()


def reads_and_logins(world, call, timings: list[float], statuses: list[int]):
    """GETs of every kind (each passes the throttle), token exchange and a page login."""
    payee = world.payee.id
    for path in ("/api/me", "/api/businesses", f"/api/businesses/{payee}/payables"):
        call("payee.owner", "get", path)
    anonymous = APIClient()
    for password, expect in (("wrong password", 400), ("correct horse battery staple", 200)):
        started = time.monotonic()
        response = anonymous.post(
            "/api/auth/token",
            {"email": world.user("payee.owner").email, "password": password},
            format="json",
        )
        timings.append(time.monotonic() - started)
        statuses.append(response.status_code)
        assert response.status_code == expect
    page = Client()
    started = time.monotonic()
    response = page.post(
        "/login",
        {"username": world.user("payer.owner").email, "password": "correct horse battery staple"},
    )
    timings.append(time.monotonic() - started)
    statuses.append(response.status_code)
    assert response.status_code == 302
    started = time.monotonic()
    statuses.append(page.get(f"/b/{world.payer.id}/inbox").status_code)
    timings.append(time.monotonic() - started)


class Recording(Timed):
    """``Timed`` that also keeps every status code."""

    def __init__(self, client_of):
        super().__init__(client_of)
        self.statuses: list[int] = []

    def __call__(self, who, method, url, body=None, expect=200):
        body_out = super().__call__(who, method, url, body, expect)
        self.statuses.append(expect)
        return body_out


def run_scenario(world, client_of):
    Notification.objects.update(emailed_at=timezone.now())
    call = Recording(client_of)
    extra_times: list[float] = []
    extra_statuses: list[int] = []
    reads_and_logins(world, call, extra_times, extra_statuses)
    made = writes(world, call)
    times = call.seconds + extra_times
    statuses = call.statuses + extra_statuses
    return made, times, statuses


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("fault", ["refused", "silent"])
def test_with_redis_down_no_request_fails_and_nothing_is_lost(world, client_of, settings, fault):
    with contextlib.ExitStack() as stack:
        url = CLOSED_PORT if fault == "refused" else stack.enter_context(silent_broker())
        stack.enter_context(cache_at(settings, url))
        stack.enter_context(broker_at(url))
        assert isinstance(caches["default"], fail_open_cache.FailOpenRedisCache)
        assert cache.get("anything", "fallback") == "fallback"
        assert fail_open_cache.marked_down()  # really pointed at the fault
        fail_open_cache.reset()
        made, times, statuses = run_scenario(world, client_of)

    assert [s for s in statuses if s >= 500] == []
    payables = dict(Payable.objects.filter(pk__in=made.values()).values_list("id", "status"))
    assert [payables[made[k]] for k in ("approved", "declined", "paid", "submitted")] == [
        "SCHEDULED",
        "DECLINED",
        "PAID",
        "SUBMITTED",
    ]
    assert sorted(PendingTask.objects.values_list("task", flat=True)) == [
        "accounts.tasks.send_member_invitation_email",
        "connections.tasks.send_connection_invitation_email",
    ]
    figure(
        f"redis-{fault}",
        requests=len(times),
        five_xx=0,
        slowest_ms=round(max(times) * 1000),
        over_bound=sum(1 for s in times if s >= BOUND),
        tasks_kept=PendingTask.objects.count(),
        lost=0,
    )
    assert max(times) < BOUND
