"""`seed_demo` loads a demo one can log in to, and running it again changes nothing."""

import io

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command

from accounts.models import User
from cleopay import demo

pytestmark = pytest.mark.django_db

PROJECT_APPS = (
    "accounts",
    "connections",
    "payables",
    "approvals",
    "notifications",
    "credits",
    "banking",
)


def row_counts() -> dict[str, int]:
    return {
        model._meta.label: model.objects.count()
        for model in apps.get_models()
        if model._meta.app_label in PROJECT_APPS
    }


def test_seed_demo_is_safe_to_run_again(client):
    out = io.StringIO()
    call_command("seed_demo", "--force", stdout=out)
    first = row_counts()
    call_command("seed_demo", "--force", stdout=io.StringIO())

    assert row_counts() == first
    assert "alice@acme.example" in out.getvalue()
    assert client.login(username="alice@acme.example", password=demo.PASSWORD)
    assert "Acme Manufacturing" in client.get("/", follow=True).content.decode()


def test_with_debug_off_it_refuses_without_force(settings):
    settings.DEBUG = False

    with pytest.raises(CommandError, match="DEBUG=1, or add --force"):
        call_command("seed_demo", stdout=io.StringIO())

    assert not User.objects.filter(email=demo.STAFF_EMAIL).exists()
    assert not User.objects.exists()


def test_the_logins_come_last_in_a_short_block_with_the_sites_address(settings):
    settings.DEBUG = True
    settings.SITE_URL = "http://127.0.0.1:8101"
    out = io.StringIO()

    call_command("seed_demo", stdout=out)

    lines = out.getvalue().rstrip("\n").splitlines()
    start = lines.index("=" * 72)
    block = lines[start:]
    assert block[-1] == "=" * 72 and len(block) <= 16
    assert "log in at http://127.0.0.1:8101/login" in block[1]
    assert f"Password for every login: {demo.PASSWORD}" in block
    assert any(line.split()[:1] == ["alice@acme.example"] for line in block)
    assert any("http://127.0.0.1:8101/admin/" in line for line in block)
    assert "http://127.0.0.1:8101/api/auth/token" in block[-2]
    # Nothing of the demo's own work before it on this output: only the block.
    assert all(not line.strip() for line in lines[:start])
