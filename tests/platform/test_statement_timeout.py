"""PostgreSQL cancels a web request's runaway query; workers get a longer budget."""

import pytest
from django.db import connection, connections

from cleopay.celery import use_worker_statement_timeout

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def _timeout() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        return cursor.fetchone()[0]


def test_web_connections_have_the_configured_timeout(settings):
    assert settings.DATABASE_STATEMENT_TIMEOUT_MS == 30000
    assert _timeout() == "30s"


@pytest.mark.django_db(transaction=True)
def test_workers_get_the_longer_timeout(settings):
    options = connections["default"].settings_dict["OPTIONS"]
    before = options["options"]
    try:
        use_worker_statement_timeout()
        assert "statement_timeout=300000" in options["options"]
        assert "jit=off" in options["options"]
        assert _timeout() == "5min"
    finally:
        options["options"] = before
        connections["default"].close()
