"""``manage.py check --deploy`` refuses a production setup without a broker or with a weak key."""

import subprocess
import sys
from pathlib import Path

import pytest
from django.test import override_settings

from cleopay.checks import check_redis_url, check_secret_key

ROOT = Path(__file__).resolve().parents[2]
STRONG_KEY = "k7#Qz!p2@Lw9$Xr4%Tn6^Bv8&Hs1*Jd3(Fm5)Gc0-Ny+Ue=Oa_Zi"


def ids(messages):
    return [message.id for message in messages]


@override_settings(DEBUG=False, REDIS_URL="")
def test_debug_off_without_redis_is_an_error():
    assert ids(check_redis_url()) == ["cleopay.E001"]


@pytest.mark.parametrize("debug, redis_url", [(True, ""), (False, "redis://127.0.0.1:6379/0")])
def test_redis_is_only_required_in_production(debug, redis_url):
    with override_settings(DEBUG=debug, REDIS_URL=redis_url):
        assert check_redis_url() == []


@pytest.mark.parametrize(
    "key, reason",
    [
        ("short-but-varied-key-0123456789", "shorter than 50"),
        ("ab" * 40, "fewer than 5 unique"),
        ("insecure-development-key-only-used-with-debug-on", "published"),
        ("change-me-to-a-long-random-string", "published"),
    ],
)
def test_weak_secret_keys_are_errors(key, reason):
    with override_settings(SECRET_KEY=key):
        messages = check_secret_key()

    assert ids(messages) == ["cleopay.E002"]
    assert reason in messages[0].msg


@override_settings(SECRET_KEY=STRONG_KEY)
def test_a_long_random_key_passes():
    assert check_secret_key() == []


def test_the_published_keys_are_the_ones_in_the_repository():
    settings_source = (ROOT / "cleopay" / "settings" / "base.py").read_text()
    example = (ROOT / ".env.example").read_text()

    assert '"insecure-development-key-only-used-with-debug-on"' in settings_source
    assert "SECRET_KEY=change-me-to-a-long-random-string\n" in example


def check_deploy(tmp_path, **env):
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"],
        cwd=ROOT,
        env={
            "PATH": "/usr/bin:/bin",
            "ENV_FILE": str(tmp_path / "missing.env"),
            "VAR_DIR": str(tmp_path / "var"),
            "DEBUG": "0",
            **env,
        },
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_manage_py_check_deploy_fails_without_redis_and_with_a_weak_key(tmp_path):
    result = check_deploy(tmp_path, SECRET_KEY="change-me-to-a-long-random-string")

    assert result.returncode != 0
    assert "cleopay.E001" in result.stderr
    assert "cleopay.E002" in result.stderr
    assert "cleopay.E003" in result.stderr  # no BANK_ACCOUNT_KEYS


def test_manage_py_check_deploy_passes_a_sound_setup(tmp_path):
    result = check_deploy(
        tmp_path,
        SECRET_KEY=STRONG_KEY,
        REDIS_URL="redis://127.0.0.1:6379/7",
        BANK_ACCOUNT_KEYS="qZ4o7b6oQ2Xh9m1c3y8Vt5Rk0Wn2Lp6Ds9Fj4Gh7Ka0=",
    )

    assert result.returncode == 0, result.stderr
    assert "cleopay.E00" not in result.stderr + result.stdout
