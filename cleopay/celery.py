"""The Celery app. Tasks take IDs, re-fetch and call a service; see STYLE in the README."""

import os

from celery import Celery, signals

from cleopay.envfile import load_env_file

load_env_file()
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cleopay.settings")

app = Celery("cleopay")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def use_worker_statement_timeout() -> None:
    """Background jobs (sweeps, exports, reports) may run longer queries than a web request:
    PostgreSQL connections opened from here on get CELERY_DATABASE_STATEMENT_TIMEOUT_MS."""
    from django.conf import settings
    from django.db import connections

    for alias in connections:
        settings_dict = connections[alias].settings_dict
        options = settings_dict.get("OPTIONS", {})
        if settings_dict["ENGINE"] != "django.db.backends.postgresql" or "options" not in options:
            continue
        words = [w for w in options["options"].split() if w != "-c"]
        words = [w for w in words if not w.startswith("statement_timeout=")]
        words.append(f"statement_timeout={settings.CELERY_DATABASE_STATEMENT_TIMEOUT_MS}")
        options["options"] = " ".join(f"-c {word}" for word in words)
        connections[alias].close()


@signals.worker_init.connect
@signals.beat_init.connect
def _worker_started(**kwargs):
    use_worker_statement_timeout()
