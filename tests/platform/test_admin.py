"""The admin site lists, filters and searches every model for platform staff."""

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse

from accounts.models import User

pytestmark = pytest.mark.django_db

PROJECT_APPS = {
    "accounts",
    "connections",
    "payables",
    "approvals",
    "cleopay",
    "files",
    "notifications",
    "webhooks",
}


@pytest.fixture
def staff_client(client, owner):
    staff = User.objects.create_superuser("staff@example.com", "a staff password")
    client.force_login(staff)
    return client


def project_models():
    return [model for model in apps.get_models() if model._meta.app_label in PROJECT_APPS]


def test_every_project_model_is_registered_or_inline():
    inline_models = {
        inline.model
        for model_admin in admin.site._registry.values()
        for inline in model_admin.inlines
    }
    missing = [
        model.__name__
        for model in project_models()
        if not admin.site.is_registered(model) and model not in inline_models
    ]
    assert missing == []


def test_every_changelist_renders_with_search(staff_client):
    for model in project_models():
        if not admin.site.is_registered(model):
            continue
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        response = staff_client.get(url, {"q": "x"})
        assert response.status_code == 200, (model, response.status_code)
