"""The benchmark's environment: its own database, production-like settings, Django set up."""

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
# Scratch files (scripts, logs, results JSON); BENCH_OUT moves them (the smoke test does).
OUT = Path(os.environ.get("BENCH_OUT", ROOT / "bench" / "out"))


@dataclass(frozen=True)
class BenchEnv:
    database_url: str
    redis_url: str

    @property
    def database_name(self) -> str:
        return urlsplit(self.database_url).path.lstrip("/")

    def maintenance_url(self) -> str:
        parts = urlsplit(self.database_url)
        return urlunsplit(parts._replace(path="/postgres"))

    def server_environ(self) -> dict[str, str]:
        """What the benchmark process and its gunicorn share: production settings, no TLS
        redirect (loopback), a rate limit far above the load, tasks published to Redis."""
        env = dict(os.environ)
        env.update(
            {
                "DJANGO_SETTINGS_MODULE": "cleopay.settings",
                "DEBUG": "0",
                "SECRET_KEY": "bench-secret-key-not-for-any-deployment-0123456789abcdef",
                "ALLOWED_HOSTS": "127.0.0.1,localhost",
                "SECURE_SSL_REDIRECT": "0",
                "THROTTLE_RATE_USER": "100000000/min",
                "DATABASE_URL": self.database_url,
                "DATABASE_CONN_MAX_AGE": "600",
                "LOG_LEVEL": "WARNING",
                "REDIS_URL": self.redis_url,
                "VAR_DIR": str(OUT / "var"),
                "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
            }
        )
        return env


def redis_reachable(url: str) -> bool:
    if not url:
        return False
    try:
        import redis

        return bool(redis.Redis.from_url(url, socket_connect_timeout=1).ping())
    except Exception:
        return False


def setup_django(env: BenchEnv) -> None:
    """Configure this process like the server and set Django up (once)."""
    os.environ.update(env.server_environ())
    OUT.mkdir(parents=True, exist_ok=True)
    import django

    django.setup()


def recreate_database(env: BenchEnv) -> None:
    """DROP and CREATE the benchmark's own database (never any other)."""
    import psycopg

    name = env.database_name
    if not name.startswith(("cleopay_bench", "test_cleopay")) and "bench" not in name:
        raise SystemExit(f"refusing to drop {name!r}: the benchmark's database must be its own")
    with psycopg.connect(env.maintenance_url(), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def migrate() -> None:
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def collectstatic(env: BenchEnv) -> None:
    """The pages need the static manifest when DEBUG is off."""
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=env.server_environ(),
        check=True,
    )


def tool(name: str) -> str | None:
    return shutil.which(name)


def ensure_wrk(install: bool) -> str | None:
    """``wrk`` if installed; as root with ``install``, Debian's package is installed first."""
    found = tool("wrk")
    if found or not install or os.geteuid() != 0 or not tool("apt-get"):
        return found
    print("installing wrk (apt-get install -y wrk)...", flush=True)
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
    subprocess.run(["apt-get", "update", "-qq"], check=False, **quiet)
    subprocess.run(
        ["apt-get", "install", "-y", "-qq", "wrk"],
        check=False,
        env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"},
        **quiet,
    )
    return tool("wrk")
