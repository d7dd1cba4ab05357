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

import pytest
from django.db import connection
from rest_framework.test import APIClient

from accounts import services as account_services
from tests import factories


def _available() -> dict[str, bool]:
    return {
        "postgres": connection.vendor == "postgresql",
        "redis": bool(os.environ.get("REDIS_URL")),
        "browser": bool(shutil.which("chromium")) and os.environ.get("BROWSER_TESTS", "1") != "0",
    }


def pytest_collection_modifyitems(config, items):
    available = _available()
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
def _fresh_cache():
    from django.core.cache import cache

    cache.clear()
    yield


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


@pytest.fixture
def owner(db):
    """A user who owns one business: ``owner.business``."""
    membership = factories.MembershipFactory(role="owner")
    user = membership.user
    user.business = membership.business
    return user
