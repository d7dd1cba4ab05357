"""An invitation survives a mail server that refuses it: the worker retries with backoff
until a real SMTP server on loopback (aiosmtpd) accepts it."""

import socket

import pytest
from aiosmtpd.controller import Controller

from accounts.tasks import send_member_invitation_email
from cleopay.celery import app
from tests.conftest import wait_until

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]


class RefusesFirst:
    """Answers the first ``refusals`` deliveries with 451 (try again later), then accepts."""

    def __init__(self, refusals: int):
        self.refusals = refusals
        self.attempts = 0
        self.accepted = []

    async def handle_DATA(self, server, session, envelope):
        self.attempts += 1
        if self.attempts <= self.refusals:
            return "451 4.3.0 Try again later"
        self.accepted.append(envelope)
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp_server(settings):
    handler = RefusesFirst(refusals=2)
    controller = Controller(handler, hostname="127.0.0.1", port=_free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_USE_TLS = False
    yield handler
    controller.stop()


def test_routing_puts_payments_apart_from_email():
    route = app.amqp.router.route
    assert route({}, "payables.tasks.execute_payment")["queue"].name == "payments"
    assert route({}, "payables.tasks.sweep_due_payments")["queue"].name == "payments"
    assert route({}, "accounts.tasks.send_member_invitation_email")["queue"].name == "email"
    assert route({}, "notifications.tasks.send_notification_emails")["queue"].name == "email"
    assert route({}, "cleopay.tasks.publish_pending_tasks")["queue"].name == "celery"
    assert {q.name for q in app.amqp.queues.values()} >= {"celery", "payments", "email"}


def test_refused_invitation_is_retried_until_sent(api, owner, smtp_server, monkeypatch, request):
    # Seconds instead of minutes of backoff, so the test waits for two retries only.
    monkeypatch.setattr(send_member_invitation_email, "retry_backoff", 1)
    monkeypatch.setattr(send_member_invitation_email, "retry_jitter", False)
    request.getfixturevalue("celery_worker")

    response = api(owner).post(
        f"/api/businesses/{owner.business.id}/members",
        {"email": "invitee@example.com", "role": "viewer"},
        format="json",
    )
    assert response.status_code == 201
    wait_until(lambda: smtp_server.accepted, timeout=30)
    assert smtp_server.attempts == 3
    assert smtp_server.accepted[0].rcpt_tos == ["invitee@example.com"]
    assert len(smtp_server.accepted) == 1
