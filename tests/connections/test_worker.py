"""The invitation e-mail through a real broker and a real Celery worker (REDIS_URL set)."""

import time

import pytest
from django.core import mail

from connections import services
from tests import factories

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]


def test_invitation_email_is_sent_by_a_worker(settings, celery_worker):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    mail.outbox = []
    acme, owner = factories.business_with_owner("Acme")
    services.connection_invite(
        business_id=acme.pk, actor=owner, my_role="payer", counterparty_email="pat@x.example"
    )
    deadline = time.monotonic() + 10
    while not mail.outbox and time.monotonic() < deadline:
        time.sleep(0.05)
    assert [m.to for m in mail.outbox] == [["pat@x.example"]]
