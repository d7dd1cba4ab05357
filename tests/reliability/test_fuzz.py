"""Schemathesis against /api/schema/: every operation, generated inputs, every check but one.

No input a client can send may cause a 500, and every response must match the schema. The check
left out, ``positive_data_acceptance``, expects every schema-valid body to succeed; business
rules no schema can state (a common password, an ID of another business, a total that does not
add up) rightly answer 400 to such bodies.

The generated cases are complemented by pinned ones in test_fuzz_pinned.py (NUL bytes, huge
numbers, IDs of the wrong type, malformed Idempotency-Keys, on every operation). The figures:
operations fuzzed and requests made; any failed check fails the operation's test.
"""

from collections import Counter

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import positive_data_acceptance

from accounts.services import token_create
from tests import factories
from tests.reliability.report import figure

FUZZED: Counter = Counter()
OPERATIONS: set[str] = set()


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


@pytest.fixture(scope="module", autouse=True)
def _report():
    yield
    if FUZZED["requests"]:
        figure(
            "schema-fuzz",
            operations=len(OPERATIONS),
            requests=FUZZED["requests"],
            checks="all but positive_data_acceptance",
            server_errors=FUZZED["server_errors"],
        )


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
    OPERATIONS.add(case.operation.label)
    FUZZED["requests"] += 1
    try:
        response = case.call_and_validate(
            headers=headers, excluded_checks=[positive_data_acceptance]
        )
    except Exception:
        FUZZED["failures"] += 1
        raise
    FUZZED["server_errors"] += response.status_code >= 500
