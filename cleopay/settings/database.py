"""The database (``DATABASE_URL``: SQLite by default, PostgreSQL in production)."""

import os

import dj_database_url

from cleopay.settings.env import VAR_DIR, env_bool

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
