"""The Celery app. Tasks take IDs, re-fetch and call a service; see STYLE in the README."""

import os

from celery import Celery

from cleopay.envfile import load_env_file

load_env_file()
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cleopay.settings")

app = Celery("cleopay")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
