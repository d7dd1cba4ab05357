"""
Cleo Pay settings, read from the environment and a ``.env`` file, the environment winning
(see README "Configuration" and .env.example).

With nothing set and DEBUG on, the app runs on a SQLite file under var/ with Celery tasks run
in process, so `make run` needs no servers. In production set DEBUG off, SECRET_KEY,
ALLOWED_HOSTS, DATABASE_URL (PostgreSQL) and REDIS_URL.

``DJANGO_SETTINGS_MODULE=cleopay.settings`` names this package; each concern has a module of
its own, gathered here. ``env`` loads the ``.env`` file and defines BASE_DIR, VAR_DIR and DEBUG;
every module that needs one of them (or another module's value) imports it from where it is
defined, so the order below does not matter. A setting is defined in one module only.
"""

from cleopay.settings.api import *  # noqa: F403  (DRF, tokens, the schema, idempotency)
from cleopay.settings.base import *  # noqa: F403  (Django's core: key, hosts, apps, middleware)
from cleopay.settings.broker import *  # noqa: F403  (Redis, cache, Celery, beat's schedule)
from cleopay.settings.database import *  # noqa: F403
from cleopay.settings.env import *  # noqa: F403  (the .env file, BASE_DIR, VAR_DIR, DEBUG)
from cleopay.settings.mail import *  # noqa: F403
from cleopay.settings.observability import *  # noqa: F403  (logs, Sentry, metrics)
from cleopay.settings.payments import *  # noqa: F403  (rail, runs, bank keys, webhooks)
from cleopay.settings.security import *  # noqa: F403  (throttles, password guessing, HTTPS, CSP)
from cleopay.settings.storage import *  # noqa: F403  (uploads, media, static files, imports)
