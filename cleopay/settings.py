"""
Cleo Pay settings, read from the environment and a ``.env`` file, the environment winning
(see README "Configuration" and .env.example).

With nothing set and DEBUG on, the app runs on a SQLite file under var/ with Celery tasks run
in process, so `make run` needs no servers. In production set DEBUG off, SECRET_KEY,
ALLOWED_HOSTS, DATABASE_URL (PostgreSQL) and REDIS_URL.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from kombu import Queue

from cleopay.envfile import load_env_file

BASE_DIR = Path(__file__).resolve().parent.parent
# ``.env`` fills in what the environment leaves unset (``cleopay.envfile``).
load_env_file()
VAR_DIR = Path(os.environ.get("VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "insecure-development-key-only-used-with-debug-on"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
# The public address of the site, for links in e-mails.
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "knox",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "csp",
    "django_htmx",
    "cleopay.core",
    "cleopay",
    "accounts",
    "connections",
    "payables",
    "files",
    "approvals",
    "notifications",
    "credits",
    "banking",
    "webhooks",
    "imports",
    "comments",
    "cockpit",
]

MIDDLEWARE = [
    "cleopay.core.requestlog.RequestIdMiddleware",
    "cleopay.metrics.MetricsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "cleopay.middleware.UserTimeZone",
    "django.contrib.messages.middleware.MessageMiddleware",
    "accounts.loginguard.LoginGuardMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "cleopay.middleware.RefuseNulInUrl",
    "cleopay.middleware.ApiNotFoundAsJson",
]

ROOT_URLCONF = "cleopay.urls"
WSGI_APPLICATION = "cleopay.wsgi.application"
AUTH_USER_MODEL = "accounts.User"
# The API's paths are written without a trailing slash, exactly as the product pages name them.
APPEND_SLASH = False

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "cleopay.context_processors.page_context",
            ],
        },
    },
]

DATABASE_STATEMENT_TIMEOUT_MS = int(os.environ.get("DATABASE_STATEMENT_TIMEOUT_MS", "30000"))
CELERY_DATABASE_STATEMENT_TIMEOUT_MS = int(
    os.environ.get("CELERY_DATABASE_STATEMENT_TIMEOUT_MS", "300000")
)

# --- Database ------------------------------------------------------------------------------------
VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'cleopay.sqlite3'}",
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
        # Health checks stay on: measured on the benchmark's PostgreSQL, the check (a
        # ``SELECT 1`` on a persistent connection's first use in a request) costs 0.07 ms of
        # app and 0.05 ms of database CPU, 0.3% of a write and 1.5% of the inbox API, while
        # off, each server thread answers one 500 after the database restarts or drops an idle
        # connection. DATABASE_CONN_HEALTH_CHECKS=0 turns them off.
        conn_health_checks=env_bool("DATABASE_CONN_HEALTH_CHECKS", True),
    )
}
if env_bool("DATABASE_DISABLE_SERVER_SIDE_CURSORS", False):
    # Behind pgbouncer in transaction mode a cursor cannot outlive its transaction's server.
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # JIT compilation pays off for long analytical queries; for the short ones a request runs,
    # it costs more than the query itself (20 ms compiling a capped count that then runs in 2).
    # A web request's query that runs longer than DATABASE_STATEMENT_TIMEOUT_MS is cancelled
    # (an error, not a stuck thread); Celery workers get the longer
    # CELERY_DATABASE_STATEMENT_TIMEOUT_MS (cleopay.celery), 0 turns either off.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "options", f"-c jit=off -c statement_timeout={DATABASE_STATEMENT_TIMEOUT_MS}"
    )
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE transactions take the write lock up front, so concurrent writers wait
    # (up to the timeout) instead of failing with "database is locked" half-way through.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis, cache, Celery --------------------------------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")

if REDIS_URL:
    # Every use of the cache fails open and bounded (cleopay.core.cache): a Redis that is down or
    # silent costs one short wait, then the process skips it for a while; nothing answers 500.
    CACHES = {
        "default": {
            "BACKEND": "cleopay.core.cache.FailOpenRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 0.25, "socket_timeout": 0.5},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
# Without a broker every task runs in process, at the moment it is sent (after commit).
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "UTC"
# A broker that is down must not hang the request that publishes a task.
CELERY_BROKER_CONNECTION_TIMEOUT = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_connect_timeout": 1,
    "socket_timeout": 1,
    "max_retries": 1,
    "visibility_timeout": 3600,
}
CELERY_TASK_PUBLISH_RETRY = True
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.2,
}
# Queues: money moves on ``payments``, so a burst of e-mail or a slow webhook endpoint never
# delays a due payment; everything else on ``celery``. A worker consumes every queue unless
# started with ``-Q`` (``make worker QUEUES=payments`` for a dedicated payments worker).
CELERY_TASK_DEFAULT_QUEUE = "celery"
CELERY_TASK_QUEUES = [Queue("celery"), Queue("payments"), Queue("email"), Queue("webhooks")]
CELERY_TASK_ROUTES = {
    "payables.tasks.*": {"queue": "payments"},
    "notifications.tasks.*": {"queue": "email"},
    "accounts.tasks.send_*": {"queue": "email"},
    "connections.tasks.send_*": {"queue": "email"},
    "webhooks.tasks.*": {"queue": "webhooks"},
}
# A task running longer than this is interrupted (soft: an exception it may catch; hard: killed).
CELERY_TASK_SOFT_TIME_LIMIT = int(os.environ.get("CELERY_TASK_SOFT_TIME_LIMIT", "240"))
CELERY_TASK_TIME_LIMIT = int(os.environ.get("CELERY_TASK_TIME_LIMIT", "300"))
# Task events for monitoring (celery events, Flower).
CELERY_WORKER_SEND_TASK_EVENTS = True
CELERY_TASK_SEND_SENT_EVENT = True
# Periodic jobs: the database row is the schedule, beat only wakes the sweeps up. The sweeps of
# due payments and of unsent e-mails run every PAYMENT_SWEEP_SECONDS / EMAIL_SWEEP_SECONDS.
PAYMENT_SWEEP_SECONDS = int(os.environ.get("PAYMENT_SWEEP_SECONDS", "60"))
# The e-mail sweep is how notification e-mails leave (requests publish nothing): keep it short.
EMAIL_SWEEP_SECONDS = int(os.environ.get("EMAIL_SWEEP_SECONDS", "20"))
# Approval reminders and escalations (approvals.reminders): how often beat wakes the sweep, and
# the hours of the night (in each person's time zone, [start, end)) when nobody is reminded.
REMINDER_SWEEP_SECONDS = int(os.environ.get("REMINDER_SWEEP_SECONDS", "900"))
REMINDER_QUIET_HOURS = (
    int(os.environ.get("REMINDER_QUIET_HOURS_START", "20")),
    int(os.environ.get("REMINDER_QUIET_HOURS_END", "8")),
)
# The daily digest of notifications goes out after this hour of each person's own day.
NOTIFICATION_DIGEST_HOUR = int(os.environ.get("NOTIFICATION_DIGEST_HOUR", "8"))
CELERY_BEAT_SCHEDULE = {
    # Sends the tasks that requests could not publish while the broker was down (cleopay.core.publish).
    "publish-pending-tasks": {
        "task": "cleopay.tasks.publish_pending_tasks",
        "schedule": timedelta(seconds=60),
    },
    "purge-idempotency-keys": {
        "task": "cleopay.tasks.purge_idempotency_keys",
        "schedule": timedelta(hours=1),
    },
    "purge-expired-tokens": {
        "task": "accounts.tasks.purge_expired_tokens",
        "schedule": timedelta(hours=1),
    },
    "purge-login-failures": {
        "task": "accounts.tasks.purge_login_failures",
        "schedule": timedelta(hours=1),
    },
    "sweep-unattached-files": {
        "task": "files.tasks.sweep_unattached_files",
        "schedule": timedelta(hours=1),
    },
    # Pays scheduled payments that are due (and re-drives any left processing by a crash).
    "sweep-due-payments": {
        "task": "payables.tasks.sweep_due_payments",
        "schedule": timedelta(seconds=PAYMENT_SWEEP_SECONDS),
    },
    # Sends the notification e-mails (the notification rows not e-mailed yet are the outbox).
    "send-pending-notification-emails": {
        "task": "notifications.tasks.send_pending_emails",
        "schedule": timedelta(seconds=EMAIL_SWEEP_SECONDS),
    },
    # The daily digests whose hour has come in their reader's time zone.
    "send-notification-digests": {
        "task": "notifications.tasks.send_notification_digests",
        "schedule": timedelta(minutes=15),
    },
    # Reminds the approvers of steps that waited too long, and escalates (approvals.reminders).
    "send-approval-reminders": {
        "task": "approvals.tasks.send_approval_reminders",
        "schedule": timedelta(seconds=REMINDER_SWEEP_SECONDS),
    },
    # Webhooks: events whose dispatch was not kicked (broker down), and retries that are due.
    "dispatch-webhook-events": {
        "task": "webhooks.tasks.dispatch_events",
        "schedule": timedelta(seconds=60),
    },
    "send-due-webhook-deliveries": {
        "task": "webhooks.tasks.send_due_deliveries",
        "schedule": timedelta(seconds=30),
    },
}

# --- webhooks (webhooks app, docs/api/webhooks.md) -----------------------------------------------------------
# Loopback and private addresses as webhook URLs (development, tests): refused unless set.
WEBHOOK_ALLOW_PRIVATE_URLS = os.environ.get("WEBHOOK_ALLOW_PRIVATE_URLS", "0") == "1"
# Only https:// URLs (the default unless DEBUG); "0" also allows http://.
WEBHOOK_REQUIRE_HTTPS = os.environ.get("WEBHOOK_REQUIRE_HTTPS", "0" if DEBUG else "1") != "0"
# One delivery attempt's whole exchange, and how much of the answer is read.
WEBHOOK_TIMEOUT_SECONDS = float(os.environ.get("WEBHOOK_TIMEOUT_SECONDS", "10"))
WEBHOOK_MAX_RESPONSE_BYTES = int(os.environ.get("WEBHOOK_MAX_RESPONSE_BYTES", "65536"))
# Failed deliveries are retried this long, then the endpoint is disabled.
WEBHOOK_RETRY_WINDOW_HOURS = int(os.environ.get("WEBHOOK_RETRY_WINDOW_HOURS", "72"))

# --- API ------------------------------------------------------------------------------------------
THROTTLE_RATE_AUTH = os.environ.get("THROTTLE_RATE_AUTH", "20/min")
THROTTLE_RATE_USER = os.environ.get("THROTTLE_RATE_USER", "6000/min")
# How many proxies in front of the app append to X-Forwarded-For (cleopay.core.clientip): 0 means
# none, the header is ignored and REMOTE_ADDR is the client's address.
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))
# Password guessing (accounts.loginguard): wrong passwords for one account, and requests to the
# login, sign-up and reset forms from one address.
THROTTLE_RATE_PASSWORD_RESET = os.environ.get("THROTTLE_RATE_PASSWORD_RESET", "5/hour")
LOGIN_FAILURES_PER_ACCOUNT = int(os.environ.get("LOGIN_FAILURES_PER_ACCOUNT", "10"))
LOGIN_FAILURES_PER_ADDRESS = int(os.environ.get("LOGIN_FAILURES_PER_ADDRESS", "50"))
LOGIN_FAILURE_WINDOW = timedelta(minutes=int(os.environ.get("LOGIN_FAILURE_WINDOW_MINUTES", "15")))

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.authentication.BearerTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticated",
        "accounts.permissions.BusinessPermission",
    ],
    "DEFAULT_PARSER_CLASSES": ["cleopay.core.api.parsers.DecimalJSONParser"],
    "DEFAULT_RENDERER_CLASSES": ["cleopay.core.api.renderers.JSONRenderer"],
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "cleopay.core.api.negotiation.JSONOnlyNegotiation",
    "DEFAULT_PAGINATION_CLASS": "cleopay.core.pagination.LimitOffsetPagination",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_THROTTLE_CLASSES": ["cleopay.core.api.throttling.TokenRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"auth": THROTTLE_RATE_AUTH, "user": THROTTLE_RATE_USER},
    "EXCEPTION_HANDLER": "cleopay.core.errors.exception_handler",
    "COERCE_DECIMAL_TO_STRING": False,
    "PAGE_SIZE": 20,
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
}

REST_KNOX = {
    "AUTH_HEADER_PREFIX": "Bearer",
    "TOKEN_PREFIX": "cleo_",
    "TOKEN_TTL": timedelta(days=int(os.environ.get("API_TOKEN_TTL_DAYS", "30"))),
    "AUTO_REFRESH": False,
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Cleo Pay API",
    "DESCRIPTION": (
        "Connections, payables, approval workflows and payments between businesses. "
        "Authenticate with `Authorization: Bearer <token>` (POST /api/auth/token)."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI's files come from the pinned drf-spectacular-sidecar package, served by us: the
    # docs work offline and load nothing from a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SWAGGER_UI_SETTINGS": {"validatorUrl": None, "deepLinking": True},
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": r"/api",
    # Choice sets that share a field name ("role") get names of their own.
    "ENUM_NAME_OVERRIDES": {
        "MemberRoleEnum": "accounts.models.Role.choices",
        "ConnectionRoleEnum": "connections.models.ConnectionRole.choices",
        "ConnectionEventTypeEnum": "connections.models.ConnectionEventType.choices",
        "CustomFieldTypeEnum": "approvals.models.CustomFieldType.choices",
        "PayableStatusEnum": "payables.models.PayableStatus",
        "PaymentStatusEnum": "payables.models.PaymentStatus",
        "ApprovalStatusEnum": "payables.models.ApprovalStatus",
        "NotificationTypeEnum": "notifications.models.NotificationType.choices",
        "WebhookStatusEnum": "webhooks.models.EndpointStatus.choices",
        "ImportStatusEnum": "imports.models.ImportStatus.choices",
        "ImportModeEnum": "imports.models.ImportMode.choices",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "cleopay.core.api.schema.add_error_responses",
        "cleopay.core.api.schema.empty_query_values",
        "cleopay.core.api.schema.camel_case_path_parameters",
        "cleopay.core.api.schema.tags_by_resource",
        "cleopay.core.api.schema.decimal_not_double",
        "cleopay.core.api.schema.idempotency_key_header",
    ],
}

# --- Invitations and e-mail verification ------------------------------------------------------------
# A member invitation waits this long for its invitee to accept it.
INVITATION_TTL_DAYS = int(os.environ.get("INVITATION_TTL_DAYS", "14"))
# Member and connection invitations one business may send in 24 hours (spam from our address).
INVITATIONS_PER_BUSINESS_PER_DAY = int(os.environ.get("INVITATIONS_PER_BUSINESS_PER_DAY", "50"))
# The link e-mailed at sign-up proves the address for this long.
EMAIL_VERIFICATION_TTL_DAYS = int(os.environ.get("EMAIL_VERIFICATION_TTL_DAYS", "3"))

# Keys of the Idempotency-Key header are kept at least this long.
IDEMPOTENCY_KEY_TTL = timedelta(hours=int(os.environ.get("IDEMPOTENCY_KEY_TTL_HOURS", "48")))

# --- Files ----------------------------------------------------------------------------------------
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
MEDIA_URL = "/media/"
# `make backup` writes the database dump and a tar of MEDIA_ROOT here; `make restore` reads them.
BACKUP_DIR = Path(os.environ.get("BACKUP_DIR", VAR_DIR / "backups"))
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Uploaded files live in MEDIA_ROOT, or in an S3-compatible bucket when AWS_STORAGE_BUCKET_NAME
# is set (django-storages; AWS_S3_ENDPOINT_URL for MinIO, Ceph, R2...). Every web host and worker
# must see the same files: with more than one host, use the bucket (README "Running several hosts").
# Files are private either way: the app streams them after the permission check (files.views).
AWS_STORAGE_BUCKET_NAME = os.environ.get("AWS_STORAGE_BUCKET_NAME", "")
if AWS_STORAGE_BUCKET_NAME:
    from botocore.config import Config as _BotoConfig

    MEDIA_STORAGE = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": AWS_STORAGE_BUCKET_NAME,
            "endpoint_url": os.environ.get("AWS_S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("AWS_S3_REGION_NAME") or None,
            # Credentials: AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, or the host's role.
            "access_key": os.environ.get("AWS_ACCESS_KEY_ID") or None,
            "secret_key": os.environ.get("AWS_SECRET_ACCESS_KEY") or None,
            "location": os.environ.get("AWS_LOCATION", ""),
            "default_acl": None,
            "querystring_auth": True,
            "querystring_expire": int(os.environ.get("AWS_QUERYSTRING_EXPIRE", "60")),
            "file_overwrite": False,
            "addressing_style": os.environ.get("AWS_S3_ADDRESSING_STYLE") or None,
            # A bucket that does not answer fails a request (or the readiness probe) in seconds.
            "client_config": _BotoConfig(
                connect_timeout=2, read_timeout=10, retries={"max_attempts": 2}
            ),
        },
    }
else:
    MEDIA_STORAGE = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
STORAGES = {
    "default": MEDIA_STORAGE,
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# Uploads: 10 MB per file (the files endpoint answers 413 above it); JSON bodies stay small.
FILE_UPLOAD_MAX_BYTES = 10 * 1024 * 1024
# One editor request stores at most this many files, this many bytes in all (checked before any
# is stored); Django refuses outright a multipart body with three times as many file parts.
FILE_UPLOADS_PER_REQUEST = int(os.environ.get("FILE_UPLOADS_PER_REQUEST", "10"))
FILE_UPLOAD_MAX_REQUEST_BYTES = (
    int(os.environ.get("FILE_UPLOAD_MAX_REQUEST_MB", "25")) * 1024 * 1024
)
DATA_UPLOAD_MAX_NUMBER_FILES = 3 * FILE_UPLOADS_PER_REQUEST
# What one business may keep in uploaded files, in all.
FILE_STORAGE_QUOTA_BYTES = int(os.environ.get("FILE_STORAGE_QUOTA_MB", "2048")) * 1024 * 1024
# A file attached to no payable this long after its upload is deleted by the beat sweep.
FILE_UNATTACHED_TTL = timedelta(hours=int(os.environ.get("FILE_UNATTACHED_TTL_HOURS", "24")))
# An XLSX (a ZIP archive) with more entries, or more bytes once inflated, is refused.
XLSX_MAX_ENTRIES = 2000
XLSX_MAX_INFLATED_BYTES = 200 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
# CSV imports of payables (imports app, docs/api/imports.md): the largest file and the most rows
# one import takes; a larger file is refused at upload (413), more rows with a clear 400.
IMPORT_MAX_BYTES = int(os.environ.get("IMPORT_MAX_MB", "10")) * 1024 * 1024
IMPORT_MAX_ROWS = int(os.environ.get("IMPORT_MAX_ROWS", "10000"))

# --- Payments -------------------------------------------------------------------------------------
# The rail that moves money (dotted path to a class with ``transfer(...)``, see payables.rails).
PAYMENT_RAIL = os.environ.get("PAYMENT_RAIL", "payables.rails.LedgerRail")
# How a payment run's payments complete: "rail" (the rail above, on the run's date) or
# "bank_file" (the payer uploads the run's NACHA file; they complete when it is marked sent).
PAYMENT_RUN_SETTLEMENT = os.environ.get("PAYMENT_RUN_SETTLEMENT", "rail")
# Fernet keys for bank account numbers, comma-separated, newest first (banking.crypto).
BANK_ACCOUNT_KEYS = env_list("BANK_ACCOUNT_KEYS", [])
# A payment still "processing" this long after it started is driven again by the sweep (the rail
# is idempotent per payment, so a second call cannot move the money twice).
PAYMENT_PROCESSING_TIMEOUT = timedelta(
    seconds=int(os.environ.get("PAYMENT_PROCESSING_TIMEOUT_SECONDS", "300"))
)

# --- E-mail ---------------------------------------------------------------------------------------
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.filebased.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_FILE_PATH = VAR_DIR / "mail"
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = 10
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Cleo Pay <no-reply@cleo-pay.local>")

# --- Auth, sessions, security ---------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "/login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/login"

# Content-Security-Policy on every response (django-csp): scripts, styles, images and frames only
# from this origin, no inline script or style (cleopay.js and cleopay.css carry them all), no
# third party anywhere. A file download sets a stricter policy of its own (files.views).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-src": ["'self'"],
        "frame-ancestors": ["'self'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    # Probes from the load balancer, compose and systemd speak plain HTTP on the inside.
    SECURE_REDIRECT_EXEMPT = [r"^health/"]
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    if env_bool("BEHIND_TLS_PROXY", False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

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

# Serve static files straight from the app folders while developing (no collectstatic needed).
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG

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
