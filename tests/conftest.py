"""
Shared fixtures. Tests that need a real service are marked and run where it is present:

- ``postgres``: when DATABASE_URL is PostgreSQL (``.ci/run`` runs the suite again there);
- ``redis``: when REDIS_URL is set (a real broker and a real Celery worker);
- ``browser``: when Debian's Chromium is installed.

Elsewhere they are deselected, not skipped. Under CI (``CI=true``) a missing browser is an
error rather than a silent deselection.
"""

import os
import shutil
from contextlib import contextmanager

import pytest
from django.db import connection as db_connection
from rest_framework.test import APIClient

from accounts import services as account_services
from tests import factories


def _available() -> dict[str, bool]:
    return {
        "postgres": db_connection.vendor == "postgresql",
        "redis": bool(os.environ.get("REDIS_URL")),
        "browser": bool(shutil.which("chromium")) and os.environ.get("BROWSER_TESTS", "1") != "0",
    }


def pytest_collection_modifyitems(config, items):
    available = _available()
    in_ci_with_browser = (
        os.environ.get("CI") == "true" and os.environ.get("BROWSER_TESTS", "1") != "0"
    )
    wants_browser = any(item.get_closest_marker("browser") for item in items)
    if in_ci_with_browser and wants_browser and not available["browser"]:
        raise pytest.UsageError("CI runs the browser tests: install Debian's chromium")
    keep, drop = [], []
    for item in items:
        needs = [name for name in available if item.get_closest_marker(name)]
        (keep if all(available[name] for name in needs) else drop).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture(autouse=True)
def _broker_not_marked_down():
    """Each test starts trusting the broker and the cache (cleopay.core.publish, cleopay.core.cache)."""
    from cleopay.core import cache, publish

    publish.reset()
    cache.reset()
    yield
    publish.reset()
    cache.reset()


@pytest.fixture(autouse=True)
def _fresh_cache():
    from django.conf import settings
    from django.core.cache import cache

    prefix = settings.CACHES["default"].get("KEY_PREFIX")
    if prefix:
        # One xdist worker of several sharing a Redis database (tests/settings.py): its own keys
        # only, since clear() would empty the other workers' throttle counts mid-test.
        client = cache._cache.get_client(write=True)
        keys = list(client.scan_iter(match=f"{prefix}:*", count=1000))
        if keys:
            client.delete(*keys)
    else:
        cache.clear()
    yield


@pytest.fixture
def celery_worker():
    """A real Celery worker of the project's app, consuming the Redis broker in a thread.

    Tasks sent while it runs go through Redis (serialized as JSON) instead of running in
    process. Use with ``@pytest.mark.redis`` and ``@pytest.mark.django_db(transaction=True)``.
    """
    from celery.contrib.testing import tasks  # noqa: F401  (registers the worker's ping task)
    from celery.contrib.testing.worker import start_worker
    from celery.signals import task_postrun
    from django.db import connections

    from cleopay.celery import app

    def close_worker_connections(**kwargs):
        # The worker thread's own connections, so the test database can be flushed after.
        connections.close_all()

    app.conf.task_always_eager = False
    app.control.purge()
    task_postrun.connect(close_worker_connections, weak=False)
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=30):
            yield app
    finally:
        task_postrun.disconnect(close_worker_connections)
        app.conf.task_always_eager = True


def wait_until(predicate, timeout: float = 20.0, interval: float = 0.05):
    """Poll ``predicate`` until it is truthy (returns its value) or fail after ``timeout`` seconds."""
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"condition not met within {timeout} s")


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """Run what a request registered for after its commit, then beat's e-mail sweep (the
    notification rows are the outbox: requests publish no e-mail task)."""

    @contextmanager
    def committed():
        from notifications.tasks import send_pending_emails

        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            yield callbacks
        send_pending_emails()

    return committed


@pytest.fixture
def api():
    """``api(user)``: an API client that sends ``Authorization: Bearer <a new token of user>``."""

    def make(user=None) -> APIClient:
        client = APIClient()
        if user is not None:
            token = account_services.token_create(user=user)
            client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
        return client

    return make


# --- the shared world: Acme pays Globex (tests.factories.acme_pays_globex) -----------------------
@pytest.fixture
def parties(db, api):
    """Globex (``payee``) and Acme (``payer``) on an active Net 30 connection, with people:
    ``payee_owner``/``payer_owner`` own their business; ``payee_accountant``, ``payee_viewer``,
    ``payer_admin``, ``payer_approver``, ``payer_accountant`` and ``payer_viewer`` hold those
    roles; ``outsider`` owns another business. ``parties.client(user)``: an API client."""
    people = factories.acme_pays_globex(
        people=(
            "payee_owner",
            "payee_accountant",
            "payee_viewer",
            "payer_owner",
            "payer_admin",
            "payer_approver",
            "payer_accountant",
            "payer_viewer",
        ),
        full_names=False,
    )
    people.client = lambda user: api(user)
    return people


@pytest.fixture
def acme(db):
    """Acme Corp and its owner (``acme.owner``)."""
    business, owner = factories.business_with_owner("Acme Corp")
    business.owner = owner
    return business


@pytest.fixture
def globex(db):
    """Globex Ltd and its owner (``globex.owner``)."""
    business, owner = factories.business_with_owner("Globex Ltd")
    business.owner = owner
    return business


@pytest.fixture
def connection(acme, globex):
    """Active: Acme pays Globex (Globex invited Acme)."""
    return factories.ConnectionFactory(payer=acme, payee=globex)


@pytest.fixture
def stranger(db):
    """The owner of a business that has nothing to do with Acme and Globex."""
    business, owner = factories.business_with_owner("Stranger Inc")
    owner.business = business
    return owner


@pytest.fixture
def owner(db):
    """A user who owns one business: ``owner.business``."""
    membership = factories.MembershipFactory(role="owner")
    user = membership.user
    user.business = membership.business
    return user


def pytest_sessionfinish(session):
    """An xdist worker hands the figures its tests printed to the controller, which prints them."""
    workeroutput = getattr(session.config, "workeroutput", None)
    if workeroutput is not None:
        from tests.reliability.report import FIGURES

        workeroutput["reliability_figures"] = list(FIGURES)


def pytest_testnodedown(node, error):
    """The controller of an xdist run: gather a finished worker's figures (see above)."""
    from tests.reliability.report import FIGURES

    FIGURES.extend(getattr(node, "workeroutput", {}).get("reliability_figures", []))


def pytest_terminal_summary(terminalreporter):
    """The figures the reliability tests printed (tests/reliability/report.py)."""
    from tests.reliability.report import write_summary

    write_summary(terminalreporter)
