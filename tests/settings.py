"""The project's settings with what the test suite needs on top (fast hashing, high rate limits)."""

import os
import tempfile

# A checkout's .env is for running the app, never for the tests.
os.environ.setdefault("ENV_FILE", "")
os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("SECRET_KEY", "test-only-secret-key-not-for-any-deployment-0123456789")
os.environ.setdefault("THROTTLE_RATE_AUTH", "100000/min")
os.environ.setdefault("THROTTLE_RATE_USER", "100000/min")

from cleopay.settings import *  # noqa: F403
from cleopay.settings import CACHES, DATABASES

ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MEDIA_ROOT = tempfile.mkdtemp(prefix="cleopay-test-media-")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
if DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["TEST"] = {"NAME": os.environ.get("TEST_DATABASE_NAME", "test_cleopay")}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# Tasks run in process unless a test starts a real worker (the `celery_worker` fixture of
# tests/conftest.py switches to the Redis broker for that test).
CELERY_TASK_ALWAYS_EAGER = True

# Under pytest-xdist (`-n 2`, as .ci/run runs) each worker has its own test database (pytest-django
# suffixes its name: test_cleopay_gw0, ...) and, when the cache is Redis, keys of its own there:
# the workers share one Redis database, and user or business ids repeat across their databases,
# so one worker's throttle counts must not reach another's. tests/conftest.py's `_fresh_cache`
# clears only this worker's keys.
if os.environ.get("PYTEST_XDIST_WORKER") and "LOCATION" in CACHES["default"]:
    CACHES["default"]["KEY_PREFIX"] = f"test-{os.environ['PYTEST_XDIST_WORKER']}"
