"""The rate limit costs one small counter per token and window, however busy the token is."""

import pytest
from django.core.cache import cache

from cleopay.core.api.throttling import TokenRateThrottle

pytestmark = pytest.mark.django_db


def test_a_busy_token_keeps_one_integer_in_the_cache(api, owner, settings, monkeypatch):
    settings.THROTTLE_RATE_USER = "1000/min"
    monkeypatch.setattr(TokenRateThrottle, "timer", lambda self: 120.0)  # window 2
    client = api(owner)
    for _ in range(30):
        assert client.get("/api/me").status_code == 200
    token_key = client._credentials["HTTP_AUTHORIZATION"].split()[1][:15]
    assert cache.get(f"throttle_user_token:{token_key}:2") == 30


def test_the_count_starts_again_in_the_next_window(api, owner, settings, monkeypatch):
    settings.THROTTLE_RATE_USER = "2/min"
    now = [0.0]
    monkeypatch.setattr(TokenRateThrottle, "timer", lambda self: now[0])
    client = api(owner)
    assert [client.get("/api/me").status_code for _ in range(3)] == [200, 200, 429]
    assert client.get("/api/me")["Retry-After"] == "60"
    now[0] = 59.5
    assert client.get("/api/me")["Retry-After"] == "1"
    now[0] = 60.0
    assert client.get("/api/me").status_code == 200
