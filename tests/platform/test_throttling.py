"""Rate limits per token and on the auth endpoints: 429 with Retry-After."""

import pytest

pytestmark = pytest.mark.django_db


def test_auth_endpoints_are_throttled_per_client(api, settings):
    settings.THROTTLE_RATE_AUTH = "3/min"
    client = api()
    body = {"email": "nobody@example.com", "password": "whatever it is"}

    statuses = [client.post("/api/auth/token", body, format="json").status_code for _ in range(4)]

    assert statuses == [400, 400, 400, 429]
    response = client.post("/api/auth/token", body, format="json")
    assert response.json()["type"] == "throttled"
    assert 1 <= int(response["Retry-After"]) <= 60


def test_api_calls_are_throttled_per_token(api, owner, settings):
    settings.THROTTLE_RATE_USER = "2/min"
    first, second = api(owner), api(owner)

    assert [first.get("/api/me").status_code for _ in range(3)] == [200, 200, 429]
    assert second.get("/api/me").status_code == 200
