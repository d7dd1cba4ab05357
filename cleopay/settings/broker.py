"""Redis as cache and Celery broker, the queues and routes, and beat's schedule."""

import os
from datetime import timedelta

from kombu import Queue

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
