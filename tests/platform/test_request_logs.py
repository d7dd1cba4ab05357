"""Request ids and JSON log lines: the id in the header, the error body and every log line."""

import io
import json
import logging

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.fixture
def log_lines():
    """What the configured console handler writes (JSON with DEBUG off), one dict per line."""
    handler = next(h for h in logging.getLogger().handlers if h.name == "console")
    stream = io.StringIO()
    previous = handler.setStream(stream)
    lines = []
    yield lambda: lines or [json.loads(line) for line in stream.getvalue().splitlines()]
    handler.setStream(previous)


def test_a_request_id_is_made_and_answered():
    first = Client().get("/health/live")
    second = Client().get("/health/live")
    assert len(first["X-Request-ID"]) >= 16
    assert first["X-Request-ID"] != second["X-Request-ID"]


def test_a_sane_incoming_request_id_is_kept():
    response = Client().get("/health/live", HTTP_X_REQUEST_ID="edge-0a1b2c3d-42")
    assert response["X-Request-ID"] == "edge-0a1b2c3d-42"


@pytest.mark.parametrize("bad", ["short", "a" * 200, "abc def ghi", 'x"}\n{"level":"ERROR"'])
def test_an_insane_incoming_request_id_is_replaced(bad):
    response = Client().get("/health/live", HTTP_X_REQUEST_ID=bad)
    assert response["X-Request-ID"] != bad
    assert len(response["X-Request-ID"]) == 32


def test_the_error_body_names_the_request(api, owner):
    response = api(owner).get(
        f"/api/businesses/{owner.business.pk}/payables?status=NOPE",
        HTTP_X_REQUEST_ID="support-ticket-1234",
    )
    assert response.status_code == 400
    body = response.json()
    assert body["requestId"] == "support-ticket-1234" == response["X-Request-ID"]
    assert body["type"] == "validation_error" and body["errors"]


def test_log_lines_are_json_with_request_user_and_business(api, owner, log_lines):
    api(owner).get(
        f"/api/businesses/{owner.business.pk}/payables?status=NOPE",
        HTTP_X_REQUEST_ID="trace-me-please-1",
    )
    lines = [line for line in log_lines() if line.get("request_id") == "trace-me-please-1"]
    assert lines, "the 400 is logged with its request id"
    line = lines[0]
    assert line["level"] == "WARNING"
    assert line["logger"] == "django.request"
    assert line["time"].endswith("Z")
    assert line["user_id"] == str(owner.pk)
    assert line["business_id"] == str(owner.business.pk)


def test_lines_outside_a_request_carry_no_stale_id(api, owner, log_lines):
    Client().get("/api/nowhere", HTTP_X_REQUEST_ID="finished-request-1")
    logging.getLogger("cleopay.test").warning("between requests")
    between = [line for line in log_lines() if line["message"] == "between requests"]
    assert between and "request_id" not in between[0]
