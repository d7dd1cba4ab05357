"""The ``.env`` file is read (``cleopay.envfile``): what it sets reaches the settings of
``manage.py``, the WSGI app and the Celery app, and the real environment still wins."""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PRINT_SETTINGS = (
    "from django.conf import settings; print(settings.SITE_URL, settings.DEBUG, settings.VAR_DIR)"
)


@pytest.fixture
def env_file(tmp_path):
    path = tmp_path / "cleopay.env"
    path.write_text(
        "# as .env.example says: copy it and adjust\n"
        "DEBUG=1\n"
        "SITE_URL=http://books.example.test:8101\n"
        f"VAR_DIR={tmp_path / 'var'}\n"
    )
    return path


def run(args: list[str], *, env: dict) -> str:
    """Run ``args`` with only ``env`` (and PATH) in the environment: nothing of the test's own."""
    result = subprocess.run(
        args,
        cwd=ROOT,
        env={"PATH": "/usr/bin:/bin", **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_manage_py_reads_the_env_file(env_file, tmp_path):
    out = run(
        [sys.executable, "manage.py", "shell", "-v", "0", "-c", PRINT_SETTINGS],
        env={"ENV_FILE": str(env_file)},
    )

    assert out == f"http://books.example.test:8101 True {tmp_path / 'var'}"


def test_the_real_environment_wins_over_the_file(env_file):
    out = run(
        [sys.executable, "manage.py", "shell", "-v", "0", "-c", PRINT_SETTINGS],
        env={"ENV_FILE": str(env_file), "SITE_URL": "https://pay.example.com"},
    )

    assert out.startswith("https://pay.example.com True ")


@pytest.mark.parametrize("module", ["cleopay.wsgi", "cleopay.celery"])
def test_the_wsgi_and_celery_apps_read_it_too(env_file, module):
    code = f"import {module}; {PRINT_SETTINGS}"

    out = run([sys.executable, "-c", code], env={"ENV_FILE": str(env_file)})

    assert out.startswith("http://books.example.test:8101 True ")


def test_without_a_file_nothing_is_read(tmp_path):
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-v", "0", "-c", PRINT_SETTINGS],
        cwd=ROOT,
        env={"PATH": "/usr/bin:/bin", "ENV_FILE": str(tmp_path / "missing.env")},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    # DEBUG off and no SECRET_KEY: the settings refuse to start, as without any file.
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off." in result.stderr
