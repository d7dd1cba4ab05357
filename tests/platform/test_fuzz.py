"""Schemathesis against /api/schema/: every operation, generated inputs, every check but one.

No input a client can send may cause a 500, and every response must match the schema. The check
left out, ``positive_data_acceptance``, expects every schema-valid body to succeed; business
rules no schema can state (a common password, an ID of another business, a total that does not
add up) rightly answer 400 to such bodies.
"""

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import positive_data_acceptance

from accounts.services import token_create
from tests import factories


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """The WSGI app serves requests in process: it must not close the test's transaction.

    Django's test client reconnects these handlers after each of its requests, so they are
    taken off for each fuzzing test rather than once.
    """
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def api_schema(db):
    return schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application())


schema = schemathesis.pytest.from_fixture("api_schema")


@pytest.fixture
def fuzz_user(db):
    return factories.MembershipFactory(role="owner").user


@schema.parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_api_conforms_to_its_schema(case, fuzz_user):
    # A fresh token per request: the fuzzer may well call the logout endpoint.
    headers = {"Authorization": f"Bearer {token_create(user=fuzz_user)}"}
    case.call_and_validate(headers=headers, excluded_checks=[positive_data_acceptance])
