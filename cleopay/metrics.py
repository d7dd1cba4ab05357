"""
``/metrics`` in Prometheus' text format (prometheus-client), when METRICS_ENABLED is on, for a
scraper that sends ``Authorization: Bearer <METRICS_TOKEN>``.

- Requests: count and duration by method, route (the URL pattern, never the path with its ids)
  and status; database queries per request and their time (``MetricsMiddleware``).
- Tasks: count by task name and outcome, and duration (Celery signals, in the worker).
- Business figures, read from the database at scrape time so every host and process agrees:
  payables submitted, payments by status, webhook deliveries that failed (0 until webhooks
  exist), and the outbox depth: notification e-mails not sent yet plus tasks waiting for the
  broker (cleopay.core.publish). The figures are cached for METRICS_BUSINESS_CACHE_SECONDS.

Under gunicorn each worker process counts on its own: with PROMETHEUS_MULTIPROC_DIR set (the
gunicorn configuration sets it when metrics are on) the counts are written to files there and
summed by whichever process answers the scrape.
"""

import hmac
import os
import time

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily

LATENCY_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
QUERY_BUCKETS = (0, 1, 2, 5, 10, 20, 50, 100, 200)

REQUESTS = Counter("cleopay_http_requests", "HTTP requests answered", ["method", "route", "status"])
REQUEST_SECONDS = Histogram(
    "cleopay_http_request_duration_seconds",
    "Time to answer a request",
    ["method", "route"],
    buckets=LATENCY_BUCKETS,
)
QUERIES = Histogram(
    "cleopay_db_queries_per_request", "Database queries run by one request", buckets=QUERY_BUCKETS
)
QUERY_SECONDS = Counter(
    "cleopay_db_query_seconds", "Time spent in database queries by requests", ["route"]
)
TASKS = Counter("cleopay_celery_tasks", "Celery tasks run", ["task", "outcome"])
TASK_SECONDS = Histogram(
    "cleopay_celery_task_duration_seconds", "Time a task ran", ["task"], buckets=LATENCY_BUCKETS
)


def _route(request) -> str:
    match = getattr(request, "resolver_match", None)
    if match is None:
        return "unmatched"
    return match.route or match.view_name or "unmatched"


class MetricsMiddleware:
    """Counts each request, its duration and its database queries (off unless METRICS_ENABLED)."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.enabled = settings.METRICS_ENABLED

    def __call__(self, request):
        if not self.enabled:
            return self.get_response(request)
        counter = {"queries": 0, "seconds": 0.0}

        def count(execute, sql, params, many, context):
            started = time.perf_counter()
            try:
                return execute(sql, params, many, context)
            finally:
                counter["queries"] += 1
                counter["seconds"] += time.perf_counter() - started

        started = time.perf_counter()
        with connection.execute_wrapper(count):
            response = self.get_response(request)
        route = _route(request)
        REQUESTS.labels(request.method, route, str(response.status_code)).inc()
        REQUEST_SECONDS.labels(request.method, route).observe(time.perf_counter() - started)
        QUERIES.observe(counter["queries"])
        QUERY_SECONDS.labels(route).inc(counter["seconds"])
        return response


# --- Celery ----------------------------------------------------------------------------------------
_task_started: dict[str, float] = {}


def task_started(task_id=None, **kwargs):
    _task_started[task_id] = time.perf_counter()


def task_finished(task_id=None, task=None, state=None, **kwargs):
    started = _task_started.pop(task_id, None)
    name = getattr(task, "name", "unknown")
    TASKS.labels(name, (state or "unknown").lower()).inc()
    if started is not None:
        TASK_SECONDS.labels(name).observe(time.perf_counter() - started)


def connect_task_signals() -> None:
    from celery import signals

    signals.task_prerun.connect(task_started, weak=False, dispatch_uid="cleopay-metrics-prerun")
    signals.task_postrun.connect(task_finished, weak=False, dispatch_uid="cleopay-metrics-postrun")


# --- Business figures -----------------------------------------------------------------------------
BUSINESS_CACHE_KEY = "metrics:business"


def business_figures() -> dict:
    """Read from the database (each a count on an indexed column), cached briefly."""
    figures = cache.get(BUSINESS_CACHE_KEY)
    if figures is not None:
        return figures
    from django.apps import apps

    from cleopay.core.models import PendingTask
    from notifications.models import Notification
    from payables.models import Payable, Payment

    payments = dict.fromkeys(("pending", "processing", "completed", "failed"), 0)
    for row in Payment.objects.values("status").order_by().annotate(n=Count("id")):
        payments[row["status"]] = row["n"]
    webhook_failures = 0
    if apps.is_installed("webhooks"):
        delivery = _webhook_delivery_model(apps)
        if delivery is not None:
            webhook_failures = delivery.objects.filter(status="failed").count()
    figures = {
        "payables_submitted": Payable.objects.filter(submitted_at__isnull=False).count(),
        "payments": payments,
        "webhook_failures": webhook_failures,
        "outbox_emails": Notification.objects.filter(emailed_at__isnull=True).count(),
        "outbox_tasks": PendingTask.objects.count(),
    }
    cache.set(BUSINESS_CACHE_KEY, figures, timeout=settings.METRICS_BUSINESS_CACHE_SECONDS)
    return figures


def _webhook_delivery_model(apps):
    for model in apps.get_app_config("webhooks").get_models():
        fields = {field.name for field in model._meta.get_fields()}
        if "status" in fields and "delivery" in model.__name__.lower():
            return model
    return None


class BusinessCollector:
    def collect(self):
        figures = business_figures()
        yield GaugeMetricFamily(
            "cleopay_payables_submitted",
            "Payables submitted to their payer, ever",
            value=figures["payables_submitted"],
        )
        payments = GaugeMetricFamily("cleopay_payments", "Payments by status", labels=["status"])
        for status, count in sorted(figures["payments"].items()):
            payments.add_metric([status], count)
        yield payments
        yield GaugeMetricFamily(
            "cleopay_webhook_deliveries_failed",
            "Webhook deliveries that failed for good",
            value=figures["webhook_failures"],
        )
        outbox = GaugeMetricFamily(
            "cleopay_outbox_depth", "Work written down but not sent yet", labels=["kind"]
        )
        outbox.add_metric(["email"], figures["outbox_emails"])
        outbox.add_metric(["task"], figures["outbox_tasks"])
        yield outbox


def registry() -> CollectorRegistry:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        collected = CollectorRegistry()
        multiprocess.MultiProcessCollector(collected)
    else:
        collected = CollectorRegistry()
        collected.register(_Default())
    collected.register(BusinessCollector())
    return collected


class _Default:
    """This process's own metrics (no PROMETHEUS_MULTIPROC_DIR: one process)."""

    def collect(self):
        return REGISTRY.collect()


def _authorized(request) -> bool:
    token = settings.METRICS_TOKEN
    if not token:
        return False
    header = request.headers.get("Authorization", "")
    scheme, _, given = header.partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(given.strip(), token)


@never_cache
@require_safe
def metrics_view(request):
    if not settings.METRICS_ENABLED:
        raise Http404
    if not _authorized(request):
        response = HttpResponse("Unauthorized\n", status=401, content_type="text/plain")
        response["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    return HttpResponse(generate_latest(registry()), content_type=CONTENT_TYPE_LATEST)
