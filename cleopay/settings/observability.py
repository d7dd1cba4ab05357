"""Logs, error reports (Sentry) and metrics (Prometheus)."""

import os

from cleopay.settings.env import DEBUG, env_bool

# Logs: one JSON object per line on stderr (LOG_FORMAT=json, the default with DEBUG off), with the
# request id, user and business ids of the request or task (cleopay.core.requestlog); text while
# developing. Celery workers log through the same configuration.
LOG_FORMAT = os.environ.get("LOG_FORMAT", "text" if DEBUG else "json")
LOG_JSON_FIELDS = "{asctime}{levelname}{name}{message}"
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"context": {"()": "cleopay.core.requestlog.ContextFilter"}},
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "format": LOG_JSON_FIELDS,
            "style": "{",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
            "datefmt": "%Y-%m-%dT%H:%M:%SZ",
        },
        "text": {
            "format": "{asctime} {levelname} {name} [{request_id}] {message}",
            "style": "{",
            "defaults": {"request_id": "-"},
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["context"],
            "formatter": "json" if LOG_FORMAT == "json" else "text",
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}
# The worker keeps the configuration above instead of installing its own handlers.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False

# --- Errors and metrics ---------------------------------------------------------------------------
# SENTRY_DSN turns on error reports (sentry-sdk) from the web processes and the Celery workers.
# No personal data is sent (user ids only, no e-mail addresses, bodies or cookies).
SENTRY_DSN = os.environ.get("SENTRY_DSN", "")
if SENTRY_DSN:
    import sentry_sdk
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=SENTRY_DSN,
        environment=os.environ.get("SENTRY_ENVIRONMENT", "production"),
        release=os.environ.get("SENTRY_RELEASE") or None,
        traces_sample_rate=float(os.environ.get("SENTRY_TRACES_SAMPLE_RATE", "0")),
        send_default_pii=False,
        integrations=[DjangoIntegration(), CeleryIntegration()],
    )

# /metrics (Prometheus text format) answers when METRICS_ENABLED is on, to a scraper sending
# ``Authorization: Bearer <METRICS_TOKEN>`` (cleopay.metrics); a 404 otherwise.
METRICS_ENABLED = env_bool("METRICS_ENABLED", False)
METRICS_TOKEN = os.environ.get("METRICS_TOKEN", "")
METRICS_BUSINESS_CACHE_SECONDS = int(os.environ.get("METRICS_BUSINESS_CACHE_SECONDS", "15"))
