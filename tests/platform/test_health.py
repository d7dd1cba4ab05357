"""Health endpoints: public JSON, no secrets, and "not ready" (503, fast) when a dependency is down."""

import socket
import time

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def _dead_port() -> int:
    """A loopback port nothing listens on (bound, then closed)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_live_answers_without_auth():
    response = Client().get("/health/live")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_ready_checks_every_dependency():
    response = Client().get("/health/ready")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "cache", "broker", "storage"}
    assert all(check["ok"] for check in body["checks"].values())


def test_ready_leaves_no_probe_file_behind(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    assert Client().get("/health/ready").status_code == 200
    leftovers = list((tmp_path / "media").rglob("*.txt"))
    assert leftovers == []


def test_dead_redis_is_not_ready_quickly_and_names_no_secret(settings):
    url = f"redis://:s3cret-password@127.0.0.1:{_dead_port()}/1"
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": url,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    settings.CELERY_BROKER_URL = url
    settings.CELERY_TASK_ALWAYS_EAGER = False
    client = Client(raise_request_exception=False)
    started = time.monotonic()
    response = client.get("/health/ready")
    elapsed = time.monotonic() - started
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["checks"]["cache"]["ok"] is False
    assert body["checks"]["broker"]["ok"] is False
    assert body["checks"]["database"]["ok"] is True
    assert body["checks"]["storage"]["ok"] is True
    assert "s3cret" not in response.content.decode()
    assert "127.0.0.1" not in response.content.decode()
    assert elapsed < 5
    # The process keeps serving.
    assert client.get("/health/live").status_code == 200


def test_broken_storage_is_not_ready(settings, tmp_path):
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("a file where the media folder should be")
    settings.MEDIA_ROOT = str(blocker)
    response = Client(raise_request_exception=False).get("/health/ready")
    assert response.status_code == 503
    assert response.json()["checks"]["storage"]["ok"] is False


def test_writes_are_refused():
    assert Client().post("/health/ready").status_code == 405
