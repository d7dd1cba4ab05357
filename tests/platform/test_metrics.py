"""/metrics: off unless METRICS_ENABLED, then only for the bearer of METRICS_TOKEN; request,
query, task and business figures; counts of every gunicorn worker summed in one scrape."""

import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.test import Client
from prometheus_client.parser import text_string_to_metric_families

from cleopay.tasks import purge_idempotency_keys
from notifications.models import Notification
from payables.models import Payable, Payment
from tests.reliability.world import build_world, payable_in
from tests.s3server import free_port
from webhooks.models import Delivery, DeliveryStatus

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "metrics-token-for-the-tests-0123456789"


def samples(text: str) -> dict:
    found = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            key = (sample.name, tuple(sorted(sample.labels.items())))
            found[key] = sample.value
    return found


def value(found: dict, name: str, **labels) -> float:
    """The sum of the samples of ``name`` whose labels include ``labels``."""
    return sum(
        v
        for (n, sample_labels), v in found.items()
        if n == name and set(labels.items()) <= set(sample_labels)
    )


@pytest.fixture
def metrics_on(settings):
    settings.METRICS_ENABLED = True
    settings.METRICS_TOKEN = TOKEN
    settings.METRICS_BUSINESS_CACHE_SECONDS = 0


def scrape(token=TOKEN):
    return Client().get("/metrics", HTTP_AUTHORIZATION=f"Bearer {token}")


@pytest.mark.django_db
def test_metrics_are_off_by_default():
    assert Client().get("/metrics").status_code == 404


@pytest.mark.django_db
def test_metrics_need_the_token(metrics_on, settings):
    assert Client().get("/metrics").status_code == 401
    assert scrape("wrong-token").status_code == 401
    assert scrape().status_code == 200
    assert Client().post("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}").status_code == 405
    settings.METRICS_TOKEN = ""
    assert scrape("").status_code == 401


@pytest.mark.django_db
def test_request_query_and_task_metrics(metrics_on):
    from cleopay import metrics

    metrics.connect_task_signals()
    before = samples(scrape().content.decode())
    for _ in range(3):
        assert Client().get("/health/ready").status_code == 200
    assert Client().get("/api/businesses/biz_anything/payables").status_code == 401
    purge_idempotency_keys.delay()
    after = samples(scrape().content.decode())

    def grew(name, **labels):
        return value(after, name, **labels) - value(before, name, **labels)

    assert grew("cleopay_http_requests_total", route="health/ready", status="200") == 3
    assert (
        grew(
            "cleopay_http_requests_total",
            route="api/businesses/<str:business_id>/payables",
            status="401",
        )
        == 1
    )
    assert grew("cleopay_http_request_duration_seconds_count", route="health/ready") == 3
    assert grew("cleopay_db_queries_per_request_count") >= 4
    assert grew("cleopay_db_queries_per_request_sum") >= 3  # readiness runs SELECT 1 each time
    assert (
        grew(
            "cleopay_celery_tasks_total",
            task="cleopay.tasks.purge_idempotency_keys",
            outcome="success",
        )
        == 1
    )


@pytest.mark.django_db
def test_business_metrics_follow_the_database(metrics_on):
    world = build_world()
    for status in ("DRAFT", "SUBMITTED", "APPROVED", "PAID", "PAID"):
        payable_in(world, status)
    found = samples(scrape().content.decode())
    assert value(found, "cleopay_payables_submitted") == (
        Payable.objects.filter(submitted_at__isnull=False).count()
    )
    for status in ("completed", "failed", "pending", "processing"):
        assert value(found, "cleopay_payments", status=status) == (
            Payment.objects.filter(status=status).count()
        )
    assert value(found, "cleopay_payments", status="completed") >= 2
    # The world's endpoints point at loopback, refused at delivery: those deliveries failed.
    assert value(found, "cleopay_webhook_deliveries_failed") == (
        Delivery.objects.filter(status=DeliveryStatus.FAILED).count()
    )
    assert value(found, "cleopay_outbox_depth", kind="email") == (
        Notification.objects.filter(emailed_at__isnull=True).count()
    )
    assert value(found, "cleopay_outbox_depth", kind="task") == 0


def test_two_gunicorn_workers_are_summed(tmp_path):
    """Under gunicorn every worker process counts; one scrape answers the total."""
    port = free_port()
    environment = {
        "PATH": "/usr/bin:/bin",
        "ENV_FILE": "",
        "DEBUG": "1",
        "LOG_LEVEL": "WARNING",
        "VAR_DIR": str(tmp_path / "var"),
        "METRICS_ENABLED": "1",
        "METRICS_TOKEN": TOKEN,
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "2",
        "GUNICORN_THREADS": "1",
    }
    migrated = subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert migrated.returncode == 0, migrated.stderr
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "cleopay.wsgi", "-c", "deploy/gunicorn.conf.py"],
        cwd=ROOT,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(f"{base}/metrics", timeout=2)
            except urllib.error.HTTPError as answered:
                assert answered.code == 401
                break
            except OSError:
                assert server.poll() is None, server.stderr.read().decode()
                assert time.monotonic() < deadline, "gunicorn did not start"
                time.sleep(0.2)
        for _ in range(40):
            with urllib.request.urlopen(f"{base}/health/live", timeout=5) as response:
                assert response.status == 200
        request = urllib.request.Request(f"{base}/metrics")
        request.add_header("Authorization", f"Bearer {TOKEN}")
        with urllib.request.urlopen(request, timeout=10) as response:
            found = samples(response.read().decode())
        assert value(found, "cleopay_http_requests_total", route="health/live") == 40
    finally:
        server.terminate()
        server.wait(timeout=30)
