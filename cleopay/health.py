"""
Health endpoints for load balancers, compose and systemd: ``/health/live`` (the process answers)
and ``/health/ready`` (it can serve: database, cache, broker, storage).

Written here rather than with django-health-check because a readiness probe must answer 503,
not 500, when a dependency is down, must give up on a dead Redis within about a second, and must
check the broker without a Celery worker answering a ping. The answers carry no secrets: each
check reports ``ok`` and, on failure, the exception's class name only (a message could hold a
host name or a password from a URL).
"""

import logging
import time
import uuid

import redis
from django.conf import settings
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

logger = logging.getLogger(__name__)

# A probe gives up on a dependency after this many seconds.
PROBE_TIMEOUT = 1.0


def check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def check_cache() -> None:
    key = f"health:{uuid.uuid4().hex}"
    cache.set(key, "1", timeout=10)
    if cache.get(key) != "1":
        raise RuntimeError("cache did not keep a value")
    cache.delete(key)


def check_broker() -> None:
    url = settings.CELERY_BROKER_URL
    if settings.CELERY_TASK_ALWAYS_EAGER or url.startswith("memory://"):
        return  # tasks run in process: there is no broker to reach
    client = redis.Redis.from_url(
        url, socket_connect_timeout=PROBE_TIMEOUT, socket_timeout=PROBE_TIMEOUT
    )
    try:
        client.ping()
    finally:
        client.close()


def check_storage() -> None:
    name = default_storage.save(f"health/{uuid.uuid4().hex}.txt", ContentFile(b"ok"))
    try:
        with default_storage.open(name) as handle:
            if handle.read() != b"ok":
                raise RuntimeError("storage did not keep a file")
    finally:
        default_storage.delete(name)


CHECKS = {
    "database": check_database,
    "cache": check_cache,
    "broker": check_broker,
    "storage": check_storage,
}


@never_cache
@require_safe
def live(request):
    """The process is up and answers requests; nothing else is checked."""
    return JsonResponse({"status": "ok"})


@never_cache
@require_safe
def ready(request):
    """200 when every dependency answers, 503 naming the ones that do not."""
    results = {}
    for name, check in CHECKS.items():
        started = time.monotonic()
        try:
            check()
        except Exception as exc:  # any failure is "not ready", never a 500
            logger.warning("health check %s failed: %s", name, type(exc).__name__)
            result = {"ok": False, "error": type(exc).__name__}
        else:
            result = {"ok": True}
        result["ms"] = round((time.monotonic() - started) * 1000, 1)
        results[name] = result
    healthy = all(result["ok"] for result in results.values())
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable", "checks": results},
        status=200 if healthy else 503,
    )
