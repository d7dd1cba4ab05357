"""
Broker faults: Redis unreachable or silent, and a worker killed in the middle of a payment.

With the broker down, every write still answers 2xx at once: its tasks are published after the
commit through ``cleopay.core.publish`` (one bounded attempt, then a circuit breaker), and what could
not be sent waits (the ``PendingTask`` outbox, notifications whose e-mail is not sent yet) for
the beat tasks that send it once the broker answers. Nothing is lost, nothing is sent twice.
Scheduled payments need no message at all: the sweep reads the database, so when the broker is
back it pays each due payment once.
"""

import contextlib
import datetime
import socket
import time
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone

from cleopay.core import publish
from cleopay.core.models import PendingTask
from cleopay.tasks import publish_pending_tasks
from notifications.models import Notification
from notifications.tasks import send_pending_emails
from payables import services, tasks
from payables.models import LedgerTransfer, Payable, Payment
from payables.services import paying
from tests.payables.rails import CountingLedgerRail
from tests.reliability.invariants import assert_invariants
from tests.reliability.report import figure
from tests.reliability.world import today

CLOSED_PORT = "redis://127.0.0.1:1/0"
BOUND = 2.0  # seconds: the slowest a write may answer with the broker unreachable


@contextlib.contextmanager
def broker_at(url: str):
    """The project's Celery app publishing to ``url``, tasks not eager; restored after."""
    from cleopay.celery import app

    def reset_pools():
        app._pool = None  # kombu keeps the pools of the old URL open in its registry
        app.amqp._producer_pool = None

    saved, eager = app.conf.broker_url, app.conf.task_always_eager
    app.conf.task_always_eager = False
    app.conf.broker_url = url
    reset_pools()
    try:
        yield app
    finally:
        app.conf.broker_url = saved
        app.conf.task_always_eager = eager
        reset_pools()
        publish.reset()


@contextlib.contextmanager
def silent_broker():
    """A TCP port that accepts connections and never answers (a hung Redis)."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(64)
    try:
        yield f"redis://127.0.0.1:{server.getsockname()[1]}/0"
    finally:
        server.close()


class Timed:
    """Runs the writes of a broker-down scenario, timing each one."""

    def __init__(self, client_of):
        self.client_of = client_of
        self.seconds: list[float] = []

    def __call__(self, who, method, url, body=None, expect=200):
        started = time.monotonic()
        response = getattr(self.client_of(who), method)(url, body or {}, format="json")
        self.seconds.append(time.monotonic() - started)
        assert response.status_code == expect, (url, response.status_code, response.content)
        return response.json()


def writes(world, call) -> dict:
    """Create, submit, approve, decline, schedule, pay and invite, as people do."""
    payee, payer = world.payee.id, world.payer.id
    new = {"connectionId": world.connection.id, "amount": "300.00", "submit": True}
    made = {}
    made["approved"] = call("payee.owner", "post", f"/api/businesses/{payee}/payables", new, 201)
    made["declined"] = call("payee.owner", "post", f"/api/businesses/{payee}/payables", new, 201)
    made["paid"] = call("payee.owner", "post", f"/api/businesses/{payee}/payables", new, 201)
    draft = {**new, "submit": False}
    made["submitted"] = call("payee.owner", "post", f"/api/businesses/{payee}/payables", draft, 201)
    call("payee.owner", "post", f"/api/payables/{made['submitted']['id']}/submit")
    for key in ("approved", "paid"):
        call("payer.approver", "post", f"/api/payables/{made[key]['id']}/approve")
    call("payer.admin", "post", f"/api/payables/{made['declined']['id']}/decline", {"reason": "No"})
    call(
        "payer.owner",
        "post",
        f"/api/payables/{made['approved']['id']}/schedule",
        {"date": today().isoformat()},
    )
    call("payer.owner", "post", f"/api/payables/{made['paid']['id']}/pay")
    call(
        "payer.owner",
        "post",
        f"/api/businesses/{payer}/connections",
        {"counterpartyEmail": "new-vendor@example.test", "myRole": "payer"},
        201,
    )
    call(
        "payer.owner",
        "post",
        f"/api/businesses/{payer}/members",
        {"email": "new-hire@example.test", "role": "viewer"},
        201,
    )
    return {key: value["id"] for key, value in made.items()}


def _age_notifications():
    """Past the sweep's grace period (it leaves fresh ones to the task published for them)."""
    Notification.objects.update(created_at=timezone.now() - datetime.timedelta(minutes=10))


@pytest.mark.django_db(transaction=True)
def test_with_the_broker_unreachable_writes_answer_at_once_and_nothing_is_lost(world, client_of):
    Notification.objects.update(emailed_at=timezone.now())  # the world's own, sent before
    mail.outbox.clear()
    call = Timed(client_of)
    with broker_at(CLOSED_PORT):
        made = writes(world, call)
        assert mail.outbox == []
    kept = PendingTask.objects.count()
    waiting = Notification.objects.filter(emailed_at__isnull=True).count()
    assert sorted(PendingTask.objects.values_list("task", flat=True)) == [
        "accounts.tasks.send_member_invitation_email",
        "connections.tasks.send_connection_invitation_email",
    ]
    assert waiting > 0
    statuses = dict(Payable.objects.filter(pk__in=made.values()).values_list("id", "status"))
    assert [statuses[made[k]] for k in ("approved", "declined", "paid", "submitted")] == [
        "SCHEDULED",
        "DECLINED",
        "PAID",
        "SUBMITTED",
    ]

    # The broker is back: beat's tasks send what waited, once; the sweep pays what is due.
    assert publish_pending_tasks() == 2
    _age_notifications()
    assert send_pending_emails() > 0
    delivered = len(mail.outbox)
    assert publish_pending_tasks() == 0 and send_pending_emails() == 0  # nothing twice
    assert len(mail.outbox) == delivered
    assert not Notification.objects.filter(emailed_at__isnull=True).exists()
    recipients = {address for message in mail.outbox for address in message.to}
    assert {"new-vendor@example.test", "new-hire@example.test"} <= recipients
    assert tasks.sweep_due_payments() == 1
    assert Payable.objects.get(pk=made["approved"]).status == "PAID"
    assert_invariants()
    figure(
        "broker-unreachable",
        writes=len(call.seconds),
        slowest_ms=round(max(call.seconds) * 1000),
        over_bound=sum(1 for s in call.seconds if s >= BOUND),
        failed=0,
        tasks_kept=kept,
        emails_waiting=waiting,
        delivered_after_recovery=delivered,
        lost=0,
        sent_twice=0,
    )
    assert max(call.seconds) < BOUND


@pytest.mark.django_db(transaction=True)
def test_a_silent_broker_costs_one_bounded_attempt_not_one_per_request(world, client_of):
    """A broker that accepts connections and never answers: the first publish waits for the
    socket timeout; the circuit breaker spares every later request that wait."""
    Notification.objects.update(emailed_at=timezone.now())
    call = Timed(client_of)
    with silent_broker() as url, broker_at(url):
        writes(world, call)
    first, rest = call.seconds[0], call.seconds[1:]
    figure(
        "broker-silent",
        writes=len(call.seconds),
        first_ms=round(first * 1000),
        slowest_after_first_ms=round(max(rest) * 1000),
        failed=0,
        tasks_kept=PendingTask.objects.count(),
    )
    assert first < 4.0  # the transport's timeouts (2 s socket, 1 s connect)
    assert max(rest) < 1.0
    assert PendingTask.objects.count() == 2


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_when_the_broker_returns_due_payments_are_paid_once(world, client_of, celery_worker):
    """Payments scheduled while Redis was down are paid by the first sweeps after it returns,
    however many sweeps and duplicated tasks the worker then receives."""
    call = Timed(client_of)
    ids = []
    with broker_at(CLOSED_PORT):
        for n in range(5):
            created = call(
                "payee.owner",
                "post",
                f"/api/businesses/{world.payee.id}/payables",
                {"connectionId": world.connection.id, "amount": f"{10 + n}.00", "submit": True},
                201,
            )
            call("payer.approver", "post", f"/api/payables/{created['id']}/approve")
            call(
                "payer.owner",
                "post",
                f"/api/payables/{created['id']}/schedule",
                {"date": today().isoformat()},
            )
            ids.append(created["id"])
    assert max(call.seconds) < BOUND
    # Back: beat sends the sweep (twice, as after a restart), and one payment's task is doubled.
    tasks.sweep_due_payments.delay()
    tasks.sweep_due_payments.delay()
    tasks.execute_payment.delay(Payment.objects.filter(payable_id=ids[0]).get().id)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if set(Payable.objects.filter(pk__in=ids).values_list("status", flat=True)) == {"PAID"}:
            break
        time.sleep(0.2)
    time.sleep(1)  # let the duplicates run too
    assert set(Payable.objects.filter(pk__in=ids).values_list("status", flat=True)) == {"PAID"}
    transfers = LedgerTransfer.objects.filter(payment__payable_id__in=ids).count()
    assert transfers == len(ids)
    assert_invariants(ids)
    figure(
        "broker-returns",
        scheduled_while_down=len(ids),
        sweeps=2,
        duplicated_tasks=1,
        paid=len(ids),
        transfers=transfers,
        double_pays=0,
    )


# --- a worker killed between the rail call and the commit ------------------------------------------
class WorkerKilled(BaseException):
    """The process dies: not an Exception, so nothing on the way catches it."""


@pytest.fixture
def counting_rail(settings):
    settings.PAYMENT_RAIL = "tests.payables.rails.CountingLedgerRail"
    CountingLedgerRail.calls = []
    return CountingLedgerRail


def _die_after_the_transfer(monkeypatch):
    """The next settle never happens: the worker dies right after the rail moved the money."""
    real = paying._settle
    state = {"killed": 0}

    def settle(**kwargs):
        if not state["killed"]:
            state["killed"] += 1
            raise WorkerKilled
        return real(**kwargs)

    monkeypatch.setattr(paying, "_settle", settle)
    return state


def _scheduled_today(world, amount="75.00") -> Payable:
    payable = services.payable_create(
        business_id=world.payee.id,
        actor=world.user("payee.owner"),
        connection_id=world.connection.id,
        amount=Decimal(amount),
        submit=True,
    )
    services.payable_approve(payable_id=payable.id, actor=world.user("payer.approver"))
    services.payable_schedule(payable_id=payable.id, actor=world.user("payer.owner"), on=today())
    return payable


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["sweep", "click"])
def test_a_worker_killed_after_the_transfer_never_moves_the_money_twice(
    world, settings, counting_rail, monkeypatch, path
):
    payable = _scheduled_today(world)
    payment = payable.payments.get()
    killed = _die_after_the_transfer(monkeypatch)
    with pytest.raises(WorkerKilled):
        if path == "sweep":
            tasks.sweep_due_payments()
        else:
            services.payable_pay(payable_id=payable.id, actor=world.user("payer.owner"))
    assert killed["killed"] == 1
    payment.refresh_from_db()
    assert payment.status == "processing"  # claimed and committed; the outcome never recorded
    assert LedgerTransfer.objects.filter(payment=payment).count() == 1

    # Everyone tries again: a click, the next sweeps, a redelivered task.
    settings.PAYMENT_PROCESSING_TIMEOUT = datetime.timedelta(0)  # it counts as stalled now
    tasks.sweep_due_payments()
    tasks.sweep_due_payments()
    tasks.execute_payment(payment.id)
    payment.refresh_from_db()
    assert payment.status == "completed"
    assert Payable.objects.get(pk=payable.pk).status == "PAID"
    assert LedgerTransfer.objects.filter(payment=payment).count() == 1
    assert LedgerTransfer.objects.get(payment=payment).reference == payment.rail_reference
    assert len(counting_rail.calls) >= 2  # asked again, moved once
    assert_invariants([payable.id])
    figure(
        f"worker-killed-{path}",
        kills=1,
        retries=3,
        rail_calls=len(counting_rail.calls),
        transfers=1,
        double_pays=0,
    )


@pytest.mark.django_db
def test_the_outbox_keeps_what_could_not_be_sent_until_the_broker_answers():
    from accounts.tasks import send_member_invitation_email
    from notifications.tasks import send_notification_emails

    with broker_at(CLOSED_PORT):
        assert publish.publish(send_member_invitation_email, "inv_missing") is False
        assert publish.broker_marked_down()
        # work with its own record of what is left (a notification's e-mail) is not kept
        assert publish.publish(send_notification_emails, ["ntf_missing"], keep=False) is False
        assert publish_pending_tasks() == 0  # still down: kept, one more attempt counted
    row = PendingTask.objects.get()
    assert (row.task, row.args, row.attempts) == (
        "accounts.tasks.send_member_invitation_email",
        ["inv_missing"],
        1,
    )
    assert "OperationalError" in row.last_error
    assert publish_pending_tasks() == 1  # the broker is back (in process here): sent, forgotten
    assert not PendingTask.objects.exists()
    assert not publish.broker_marked_down()


def test_beat_drains_the_outbox_every_minute(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["publish-pending-tasks"]
    assert entry["task"] == "cleopay.tasks.publish_pending_tasks"
    assert entry["schedule"] <= datetime.timedelta(minutes=1)
    assert entry["task"] in publish_pending_tasks.app.tasks
