"""The settings keep every name, default and environment variable (``cleopay/settings/``).

``settings_snapshot.json`` beside this file holds every uppercase name ``cleopay.settings``
defines (the names Django reads) and the ``repr`` of its value, under three fixed environments:
nothing set but DEBUG, a production host with every variable set to something other than its
default, and a production host with only what is required. It was written from the single
``cleopay/settings.py`` module before it became a package, so any setting lost, renamed, given
another default or read from another variable shows up here as a difference.

A change to the settings that is meant updates the file: ``python tests/platform/test_settings_package.py``
(then read the diff).
"""

import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SNAPSHOT = Path(__file__).with_name("settings_snapshot.json")

# Paths differ between checkouts: the checkout and VAR_DIR are written as <ROOT> and <VAR>.
# A value whose repr names a memory address (botocore's Config) is described by its options.
DESCRIBE = """
import json, os, sys
from datetime import timedelta
from pathlib import Path

from botocore.config import Config
from kombu import Queue

import cleopay.settings as module
import sentry_sdk


def describe(value):
    if isinstance(value, dict):
        return {str(key): describe(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [type(value).__name__] + [describe(item) for item in value]
    if isinstance(value, Config):
        return "Config(" + repr(value._user_provided_options) + ")"
    if isinstance(value, Queue):
        return f"Queue({value.name!r}, routing_key={value.routing_key!r})"
    text = repr(value)
    return text.replace(sys.argv[1], "<ROOT>").replace(sys.argv[2], "<VAR>")


names = {name: describe(getattr(module, name)) for name in dir(module) if name.isupper()}
names["(sentry reports to)"] = describe(sentry_sdk.get_client().dsn)
print(json.dumps(names, indent=1, sort_keys=True))
"""

ENVIRONMENTS = {
    "development": {"DEBUG": "1"},
    "production, every variable set": {
        "DEBUG": "0",
        "SECRET_KEY": "a-production-key-of-more-than-fifty-characters-0123456789",
        "ALLOWED_HOSTS": "pay.example.com, api.example.com",
        "CSRF_TRUSTED_ORIGINS": "https://pay.example.com",
        "SITE_URL": "https://pay.example.com/",
        "DATABASE_URL": "postgres://cleopay:secret@db.internal:6432/cleopay",
        "DATABASE_CONN_MAX_AGE": "30",
        "DATABASE_CONN_HEALTH_CHECKS": "0",
        "DATABASE_DISABLE_SERVER_SIDE_CURSORS": "1",
        "DATABASE_STATEMENT_TIMEOUT_MS": "15000",
        "CELERY_DATABASE_STATEMENT_TIMEOUT_MS": "600000",
        "REDIS_URL": "redis://redis.internal:6379/3",
        "CELERY_TASK_SOFT_TIME_LIMIT": "100",
        "CELERY_TASK_TIME_LIMIT": "120",
        "PAYMENT_SWEEP_SECONDS": "30",
        "EMAIL_SWEEP_SECONDS": "10",
        "REMINDER_SWEEP_SECONDS": "600",
        "REMINDER_QUIET_HOURS_START": "21",
        "REMINDER_QUIET_HOURS_END": "7",
        "NOTIFICATION_DIGEST_HOUR": "9",
        "WEBHOOK_ALLOW_PRIVATE_URLS": "1",
        "WEBHOOK_REQUIRE_HTTPS": "0",
        "WEBHOOK_TIMEOUT_SECONDS": "5.5",
        "WEBHOOK_MAX_RESPONSE_BYTES": "1024",
        "WEBHOOK_RETRY_WINDOW_HOURS": "24",
        "THROTTLE_RATE_AUTH": "7/min",
        "THROTTLE_RATE_USER": "700/min",
        "TRUSTED_PROXY_COUNT": "2",
        "THROTTLE_RATE_PASSWORD_RESET": "3/hour",
        "LOGIN_FAILURES_PER_ACCOUNT": "4",
        "LOGIN_FAILURES_PER_ADDRESS": "40",
        "LOGIN_FAILURE_WINDOW_MINUTES": "30",
        "API_TOKEN_TTL_DAYS": "7",
        "INVITATION_TTL_DAYS": "5",
        "INVITATIONS_PER_BUSINESS_PER_DAY": "12",
        "EMAIL_VERIFICATION_TTL_DAYS": "2",
        "IDEMPOTENCY_KEY_TTL_HOURS": "72",
        "MEDIA_ROOT": "/srv/cleopay/media",
        "BACKUP_DIR": "/srv/cleopay/backups",
        "AWS_STORAGE_BUCKET_NAME": "cleopay-files",
        "AWS_S3_ENDPOINT_URL": "https://minio.internal:9000",
        "AWS_S3_REGION_NAME": "eu-west-1",
        "AWS_ACCESS_KEY_ID": "AKIAEXAMPLE",
        "AWS_SECRET_ACCESS_KEY": "example-secret",
        "AWS_LOCATION": "uploads",
        "AWS_QUERYSTRING_EXPIRE": "30",
        "AWS_S3_ADDRESSING_STYLE": "path",
        "FILE_UPLOADS_PER_REQUEST": "4",
        "FILE_UPLOAD_MAX_REQUEST_MB": "12",
        "FILE_STORAGE_QUOTA_MB": "512",
        "FILE_UNATTACHED_TTL_HOURS": "6",
        "IMPORT_MAX_MB": "3",
        "IMPORT_MAX_ROWS": "500",
        "PAYMENT_RAIL": "payables.rails.LedgerRail",
        "PAYMENT_RUN_SETTLEMENT": "bank_file",
        "BANK_ACCOUNT_KEYS": "key-one,key-two",
        "PAYMENT_PROCESSING_TIMEOUT_SECONDS": "120",
        "EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend",
        "EMAIL_HOST": "smtp.example.com",
        "EMAIL_PORT": "587",
        "EMAIL_HOST_USER": "mailer",
        "EMAIL_HOST_PASSWORD": "mail-secret",
        "EMAIL_USE_TLS": "1",
        "DEFAULT_FROM_EMAIL": "Payables <pay@example.com>",
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_HSTS_SECONDS": "600",
        "BEHIND_TLS_PROXY": "1",
        "LOG_FORMAT": "text",
        "LOG_LEVEL": "WARNING",
        # Nothing listens on port 9 (discard): no report is sent, the client only starts.
        "SENTRY_DSN": "http://public@127.0.0.1:9/1",
        "SENTRY_ENVIRONMENT": "staging",
        "SENTRY_RELEASE": "1.2.3",
        "SENTRY_TRACES_SAMPLE_RATE": "0.25",
        "METRICS_ENABLED": "1",
        "METRICS_TOKEN": "scrape-token",
        "METRICS_BUSINESS_CACHE_SECONDS": "60",
    },
    "production, only what is required": {
        "DEBUG": "0",
        "SECRET_KEY": "a-production-key-of-more-than-fifty-characters-0123456789",
        "ALLOWED_HOSTS": "pay.example.com",
    },
}


def settings_under(environment: dict[str, str]) -> dict:
    """Every uppercase name of ``cleopay.settings`` imported under only ``environment``."""
    with tempfile.TemporaryDirectory(prefix="cleopay-settings-") as var:
        result = subprocess.run(
            [sys.executable, "-c", DESCRIBE, str(ROOT), var],
            cwd=ROOT,
            env={"PATH": "/usr/bin:/bin", "ENV_FILE": "", "VAR_DIR": var, **environment},
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.mark.parametrize("name", ENVIRONMENTS)
def test_every_setting_keeps_its_name_default_and_variable(name):
    expected = json.loads(SNAPSHOT.read_text())[name]

    actual = settings_under(ENVIRONMENTS[name])

    assert sorted(actual) == sorted(expected)  # no setting lost, none added
    differing = {
        key: (expected[key], actual[key]) for key in expected if actual[key] != expected[key]
    }
    assert differing == {}


def test_every_variable_the_settings_read_is_set_in_the_full_environment():
    """The production environment above changes every variable, so each one is pinned."""
    sources = "\n".join(path.read_text() for path in (ROOT / "cleopay" / "settings").glob("*.py"))
    read = set(re.findall(r'(?:environ\.get|env_bool|env_list)\(\s*"([A-Z0-9_]+)"', sources))

    assert read
    assert read - {"VAR_DIR"} <= set(ENVIRONMENTS["production, every variable set"])


if __name__ == "__main__":
    snapshot = {name: settings_under(environment) for name, environment in ENVIRONMENTS.items()}
    SNAPSHOT.write_text(json.dumps(snapshot, indent=1, sort_keys=True) + "\n")
    print(f"wrote {SNAPSHOT}")
