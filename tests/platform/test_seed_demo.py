"""`seed_demo` loads a demo one can log in to, and running it again changes nothing."""

import io

import pytest
from django.apps import apps
from django.core.management import call_command

from cleopay import demo

pytestmark = pytest.mark.django_db

PROJECT_APPS = ("accounts", "connections", "payables", "approvals", "notifications")


def row_counts() -> dict[str, int]:
    return {
        model._meta.label: model.objects.count()
        for model in apps.get_models()
        if model._meta.app_label in PROJECT_APPS
    }


def test_seed_demo_is_safe_to_run_again(client):
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    first = row_counts()
    call_command("seed_demo", stdout=io.StringIO())

    assert row_counts() == first
    assert "alice@acme.example" in out.getvalue()
    assert client.login(username="alice@acme.example", password=demo.PASSWORD)
    assert "Acme Manufacturing" in client.get("/", follow=True).content.decode()
