"""Payments: pay now, scheduled payments and the sweep, the rail, failures, paying exactly once."""

import datetime
import threading
import time
from decimal import Decimal

import pytest
from django.core import mail
from django.db import connection, connections

from cleopay.core.errors import Conflict
from notifications.models import Notification
from notifications.tasks import send_notification_emails
from payables import services, tasks
from payables.models import (
    LedgerTransfer,
    Payable,
    PayableEvent,
    PayableStatus,
    Payment,
    PaymentStatus,
)
from tests import factories
from tests.payables.helpers import make_payable, snapshot, today
from tests.payables.rails import CountingLedgerRail, DecliningRail

S = PayableStatus
P = PaymentStatus


def scheduled_today(parties, amount="250.00") -> tuple[Payable, Payment]:
    payable = make_payable(parties, S.SCHEDULED, amount=Decimal(amount))
    payment = payable.payments.get()
    Payment.objects.filter(pk=payment.pk).update(scheduled_for=today())
    payment.refresh_from_db()
    return payable, payment


def recipients() -> list[set[str]]:
    return [set(message.to) for message in mail.outbox]


@pytest.mark.django_db
class TestPayNow:
    def test_pay_now_moves_the_money_once_through_the_ledger(self, parties, commit):
        payable = make_payable(parties, S.APPROVED, amount=Decimal("1234.56"))
        with commit():
            response = parties.client(parties.payer_owner).post(f"/api/payables/{payable.id}/pay")
        assert response.status_code == 200, response.content
        data = response.json()
        assert data["status"] == S.PAID
        [payment] = data["payments"]
        assert (payment["status"], payment["amount"], payment["date"]) == (
            "completed",
            1234.56,
            today().isoformat(),
        )
        transfer = LedgerTransfer.objects.get()
        assert transfer.payment_id == payment["id"]
        assert transfer.amount == Decimal("1234.56")
        assert (transfer.payer_id, transfer.payee_id) == (parties.payer.id, parties.payee.id)
        assert Payment.objects.get(pk=payment["id"]).rail_reference == transfer.reference
        # the payee's owners and admins hear of it
        assert recipients() == [{"owner@globex.test"}]
        assert "paid invoice" in mail.outbox[0].subject

    def test_paying_a_scheduled_payable_now_uses_its_payment(self, parties):
        payable = make_payable(parties, S.SCHEDULED)
        payment = payable.payments.get()
        data = parties.client(parties.payer_owner).post(f"/api/payables/{payable.id}/pay").json()
        assert data["status"] == S.PAID
        assert [(p["id"], p["status"], p["date"]) for p in data["payments"]] == [
            (payment.id, "completed", today().isoformat())
        ]

    def test_both_sides_see_the_payment(self, parties):
        payable = make_payable(parties, S.APPROVED)
        parties.client(parties.payer_owner).post(f"/api/payables/{payable.id}/pay")
        seen = parties.client(parties.payee_viewer).get(f"/api/payables/{payable.id}").json()
        assert [p["status"] for p in seen["payments"]] == ["completed"]


@pytest.mark.django_db
class TestFailures:
    @pytest.fixture(autouse=True)
    def _declining_rail(self, settings):
        settings.PAYMENT_RAIL = "tests.payables.rails.DecliningRail"
        DecliningRail.calls = []

    def test_a_refused_scheduled_payment_returns_the_payable_to_approved_and_tells_both_sides(
        self, parties, commit
    ):
        payable, payment = scheduled_today(parties)
        with commit():
            tasks.sweep_due_payments()
        payable.refresh_from_db()
        payment.refresh_from_db()
        assert payable.status == S.APPROVED
        assert payment.status == P.FAILED
        assert payment.failure_reason == "Insufficient funds in the payer's account."
        assert not LedgerTransfer.objects.exists()
        event = payable.events.order_by("-position").first()
        assert (event.type, event.from_status, event.to_status, event.actor) == (
            "payment.failed", S.SCHEDULED, S.APPROVED, None,
        )  # fmt: skip
        # one e-mail per person, on both sides
        assert sorted(recipients(), key=sorted) == [
            {"admin@acme.test"},
            {"owner@acme.test"},
            {"owner@globex.test"},
        ]
        assert all("failed" in m.subject for m in mail.outbox)

    def test_pay_now_refused_answers_200_with_the_failed_payment(self, parties):
        payable = make_payable(parties, S.APPROVED)
        data = parties.client(parties.payer_owner).post(f"/api/payables/{payable.id}/pay").json()
        assert data["status"] == S.APPROVED
        assert [(p["status"], p["failureReason"]) for p in data["payments"]] == [
            ("failed", "Insufficient funds in the payer's account.")
        ]

    def test_after_a_failure_it_can_be_paid_again(self, parties, settings):
        payable = make_payable(parties, S.APPROVED)
        client = parties.client(parties.payer_owner)
        client.post(f"/api/payables/{payable.id}/pay")
        settings.PAYMENT_RAIL = "payables.rails.LedgerRail"
        data = client.post(f"/api/payables/{payable.id}/pay").json()
        assert data["status"] == S.PAID
        assert [p["status"] for p in data["payments"]] == ["failed", "completed"]


@pytest.mark.django_db
class TestOutcomeUnknown:
    def test_a_broken_rail_leaves_the_payment_processing_until_the_sweep_retries(
        self, parties, settings
    ):
        settings.PAYMENT_RAIL = "tests.payables.rails.BrokenRail"
        payable = make_payable(parties, S.APPROVED)
        client = parties.client(parties.payer_owner)
        data = client.post(f"/api/payables/{payable.id}/pay").json()
        assert data["status"] == S.APPROVED
        assert [p["status"] for p in data["payments"]] == ["processing"]
        # while money may be moving, nobody may cancel, reschedule or start another payment
        for path, body in [("/cancel", {}), ("/schedule", {"date": today().isoformat()})]:
            before = snapshot(payable)
            response = client.post(f"/api/payables/{payable.id}{path}", body, format="json")
            assert response.status_code == 409, path
            assert response.json()["currentStatus"] == S.APPROVED
            assert snapshot(payable) == before
        # not yet stalled: the sweep leaves it alone
        settings.PAYMENT_RAIL = "payables.rails.LedgerRail"
        tasks.sweep_due_payments()
        assert Payable.objects.get(pk=payable.pk).status == S.APPROVED
        settings.PAYMENT_PROCESSING_TIMEOUT = datetime.timedelta(0)
        tasks.sweep_due_payments()
        assert Payable.objects.get(pk=payable.pk).status == S.PAID


@pytest.mark.django_db
class TestSweep:
    def test_the_sweep_pays_due_payments_and_leaves_future_ones(self, parties):
        due, due_payment = scheduled_today(parties)
        later = make_payable(parties, S.SCHEDULED)
        assert tasks.sweep_due_payments() == 1
        due.refresh_from_db()
        assert due.status == S.PAID
        assert Payment.objects.get(pk=due_payment.pk).status == P.COMPLETED
        assert Payable.objects.get(pk=later.pk).status == S.SCHEDULED
        assert later.payments.get().status == P.PENDING
        paid = due.events.get(type="payable.paid")
        assert (paid.actor, paid.business_id) == (None, parties.payer.id)

    def test_in_small_batches(self, parties):
        made = [scheduled_today(parties)[0] for _ in range(5)]
        assert tasks.sweep_due_payments(batch_size=2) == 5
        assert set(
            Payable.objects.filter(pk__in=[p.pk for p in made]).values_list("status", flat=True)
        ) == {S.PAID}

    def test_running_twice_pays_once(self, parties, settings):
        settings.PAYMENT_RAIL = "tests.payables.rails.CountingLedgerRail"
        CountingLedgerRail.calls = []
        payable, payment = scheduled_today(parties)
        tasks.sweep_due_payments()
        tasks.sweep_due_payments()
        tasks.execute_payment(payment.id)
        services.payment_execute(payment_id=payment.id)
        assert CountingLedgerRail.calls == [payment.id]
        assert LedgerTransfer.objects.count() == 1
        assert payable.payments.filter(status=P.COMPLETED).count() == 1
        assert payable.events.filter(type="payable.paid").count() == 1

    def test_a_payment_left_processing_after_the_transfer_is_settled_without_a_second_transfer(
        self, parties, settings
    ):
        settings.PAYMENT_RAIL = "tests.payables.rails.CountingLedgerRail"
        CountingLedgerRail.calls = []
        _payable, payment = scheduled_today(parties)
        # a worker claimed it and moved the money, then died before recording the outcome
        services.payments_claim_due()
        reference = CountingLedgerRail().transfer(
            payment_id=payment.id, amount=payment.amount,
            payer_business_id=parties.payer.id, payee_business_id=parties.payee.id,
        )  # fmt: skip
        services.payment_execute(payment_id=payment.id)
        payment.refresh_from_db()
        assert payment.status == P.COMPLETED and payment.rail_reference == reference
        assert LedgerTransfer.objects.count() == 1

    def test_a_payment_that_is_not_due_is_not_executed(self, parties):
        payable = make_payable(parties, S.SCHEDULED)
        payment = payable.payments.get()
        assert tasks.execute_payment(payment.id) == P.PENDING
        assert not LedgerTransfer.objects.exists()

    def test_unknown_or_settled_payments_are_no_ops(self, parties):
        assert tasks.execute_payment("pmt_doesnotexist") is None
        payable = make_payable(parties, S.SCHEDULED)
        parties.client(parties.payer_owner).post(f"/api/payables/{payable.id}/unschedule")
        assert tasks.execute_payment(payable.payments.get().id) == P.CANCELLED

    def test_the_beat_schedule_runs_the_sweep_every_minute(self, settings):
        entry = settings.CELERY_BEAT_SCHEDULE["sweep-due-payments"]
        assert entry["task"] == "payables.tasks.sweep_due_payments"
        assert entry["schedule"] == datetime.timedelta(seconds=60)
        assert entry["task"] in tasks.sweep_due_payments.app.tasks


@pytest.mark.django_db
class TestNotifications:
    def test_decline_tells_the_payee_once_even_if_the_task_runs_twice(self, parties, commit):
        factories.member(parties.payee, "admin", email="admin@globex.test")
        payable = make_payable(parties, S.SUBMITTED)
        with commit():
            parties.client(parties.payer_approver).post(
                f"/api/payables/{payable.id}/decline",
                {"reason": "Missing PO number"},
                format="json",
            )
        assert sorted(recipients(), key=sorted) == [{"admin@globex.test"}, {"owner@globex.test"}]
        message = mail.outbox[0]
        assert "declined" in message.subject and "Missing PO number" in message.body
        assert message.alternatives and "Missing PO number" in message.alternatives[0][0]
        for notification in Notification.objects.filter(payable=payable):
            assert send_notification_emails([notification.id]) == 0
        assert len(mail.outbox) == 2


# --- concurrency: PostgreSQL row locks ---------------------------------------------------------------
def _run_at_once(count, target):
    barrier = threading.Barrier(count)
    outcomes = []

    def run():
        try:
            barrier.wait(timeout=10)
            outcomes.append(target())
        except Exception as exc:
            outcomes.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


def _paid_once(payable):
    payable.refresh_from_db()
    assert payable.status == S.PAID
    assert payable.payments.filter(status=P.COMPLETED).count() == 1
    assert LedgerTransfer.objects.filter(payment__payable=payable).count() == 1
    assert PayableEvent.objects.filter(payable=payable, type="payable.paid").count() == 1
    assert PayableEvent.objects.filter(payable=payable, type="payment.completed").count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_workers_executing_one_payment_at_once_pay_it_once(parties):
    payable, payment = scheduled_today(parties)
    outcomes = _run_at_once(6, lambda: services.payment_execute(payment_id=payment.id))
    assert not [o for o in outcomes if isinstance(o, Exception)], outcomes
    _paid_once(payable)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_clicks_on_pay_at_once_pay_once(parties):
    payable = make_payable(parties, S.APPROVED)
    outcomes = _run_at_once(
        5, lambda: services.payable_pay(payable_id=payable.id, actor=parties.payer_owner)
    )
    errors = [o for o in outcomes if isinstance(o, Exception)]
    assert all(isinstance(e, Conflict) for e in errors), errors  # late clicks: already PAID
    _paid_once(payable)
    assert payable.payments.count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_click_beside_two_sweeps_pays_once(parties):
    payable, _payment = scheduled_today(parties)
    calls = iter([tasks.sweep_due_payments, tasks.sweep_due_payments, None])

    def one():
        job = next(calls)
        if job is None:
            return services.payable_pay(payable_id=payable.id, actor=parties.payer_owner)
        return job()

    outcomes = _run_at_once(3, one)
    errors = [o for o in outcomes if isinstance(o, Exception)]
    assert all(isinstance(e, Conflict) for e in errors), errors
    _paid_once(payable)


# --- a real Celery worker on Redis ---------------------------------------------------------------------
@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_the_sweep_on_a_real_worker_pays_once(parties, celery_worker):
    from celery.signals import task_postrun

    payable, payment = scheduled_today(parties, amount="999.99")
    other, _ = scheduled_today(parties, amount="5.00")
    runs = []

    def record(sender=None, task=None, **kwargs):
        runs.append((task.name, task.request.is_eager))

    task_postrun.connect(record, weak=False)
    try:
        # two sweeps and a duplicate execution, as two workers or a retry would send them
        tasks.sweep_due_payments.delay()
        tasks.sweep_due_payments.delay()
        tasks.execute_payment.delay(payment.id)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            statuses = set(
                Payable.objects.filter(pk__in=[payable.pk, other.pk]).values_list(
                    "status", flat=True
                )
            )
            if statuses == {S.PAID}:
                break
            time.sleep(0.2)
        time.sleep(1)  # let the duplicates run too
    finally:
        task_postrun.disconnect(record)
    assert ("payables.tasks.sweep_due_payments", False) in runs
    _paid_once(payable)
    _paid_once(other)
    assert LedgerTransfer.objects.get(payment=payment).amount == Decimal("999.99")
    connection.close()


@pytest.mark.django_db
def test_a_retried_pay_with_the_same_idempotency_key_replays_without_paying_again(parties):
    payable = make_payable(parties, S.APPROVED)
    client = parties.client(parties.payer_owner)
    first = client.post(f"/api/payables/{payable.id}/pay", HTTP_IDEMPOTENCY_KEY="pay-1")
    again = client.post(f"/api/payables/{payable.id}/pay", HTTP_IDEMPOTENCY_KEY="pay-1")
    assert first.status_code == again.status_code == 200
    assert again["Idempotent-Replayed"] == "true"
    assert first.json() == again.json()
    assert payable.payments.count() == 1 and LedgerTransfer.objects.count() == 1
    # a new key is a new request: the payable is already paid
    assert (
        client.post(f"/api/payables/{payable.id}/pay", HTTP_IDEMPOTENCY_KEY="pay-2").status_code
        == 409
    )
