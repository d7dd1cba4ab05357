"""The invitation e-mail through a real broker and a real Celery worker (REDIS_URL set)."""

import time

import celery.contrib.testing.tasks  # noqa: F401  (the worker's ping task)
import pytest
from celery.contrib.testing.worker import start_worker
from django.core import mail

from cleopay.celery import app
from connections import services
from tests import factories

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]


def test_invitation_email_is_sent_by_a_worker(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    mail.outbox = []
    acme, owner = factories.business_with_owner("Acme")
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        services.connection_invite(
            business_id=acme.pk, actor=owner, my_role="payer", counterparty_email="pat@x.example"
        )
        deadline = time.monotonic() + 10
        while not mail.outbox and time.monotonic() < deadline:
            time.sleep(0.05)
    assert [m.to for m in mail.outbox] == [["pat@x.example"]]
