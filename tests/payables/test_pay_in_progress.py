"""Two people paying at once: the pay that finds a payment already in flight, started by another
request, is a 409 ``payment_in_progress`` (docs/api/payables.md); a retry carrying the first request's
``Idempotency-Key`` gets the first response replayed."""

import threading

import pytest
from rest_framework.test import APIClient

from accounts.services import token_create
from payables.models import LedgerTransfer, PayableStatus, Payment, PaymentStatus
from tests.payables.helpers import make_payable
from tests.payables.rails import GatedRail

S = PayableStatus


def _client(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token_create(user=user)}")
    return client


@pytest.mark.django_db
def test_a_pay_that_finds_a_payment_processing_is_a_409_payment_in_progress(parties):
    payable = make_payable(parties, S.APPROVED)
    in_flight = Payment.objects.create(
        payable=payable,
        amount=payable.amount,
        scheduled_for=payable.due_date,
        rail="ledger",
        status=PaymentStatus.PROCESSING,
        created_by=parties.payer_admin,
    )

    response = parties.client(parties.payer_owner).post(f"/api/payables/{payable.id}/pay")

    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "payment_in_progress"
    assert body["currentStatus"] == S.APPROVED
    assert list(payable.payments.values_list("id", flat=True)) == [in_flight.id]
    assert not LedgerTransfer.objects.exists()


@pytest.mark.django_db
def test_a_retry_with_the_first_pays_idempotency_key_replays_it_not_a_409(parties):
    payable = make_payable(parties, S.APPROVED)
    owner = parties.client(parties.payer_owner)
    first = owner.post(f"/api/payables/{payable.id}/pay", HTTP_IDEMPOTENCY_KEY="owner-pay-1")
    retry = owner.post(f"/api/payables/{payable.id}/pay", HTTP_IDEMPOTENCY_KEY="owner-pay-1")
    other = parties.client(parties.payer_admin).post(f"/api/payables/{payable.id}/pay")

    assert first.status_code == retry.status_code == 200
    assert retry.json() == first.json()
    assert other.status_code == 409
    assert LedgerTransfer.objects.filter(payment__payable=payable).count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_pay_while_another_is_at_the_bank_is_payment_in_progress(parties, settings):
    """Without idempotency keys, the claim commits before the bank is called: the second click
    finds the payment processing."""
    settings.PAYMENT_RAIL = "tests.payables.rails.GatedRail"
    GatedRail.entered, GatedRail.gate = threading.Event(), threading.Event()
    payable = make_payable(parties, S.APPROVED)
    owner, admin = _client(parties.payer_owner), _client(parties.payer_admin)
    answers = {}

    def first():
        try:
            answers["first"] = owner.post(f"/api/payables/{payable.id}/pay")
        finally:
            from django.db import connections

            connections.close_all()

    thread = threading.Thread(target=first)
    thread.start()
    try:
        assert GatedRail.entered.wait(30)
        second = admin.post(f"/api/payables/{payable.id}/pay")
    finally:
        GatedRail.gate.set()
        thread.join(30)

    assert second.status_code == 409
    assert second.json()["code"] == "payment_in_progress"
    assert answers["first"].status_code == 200
    assert answers["first"].json()["status"] == S.PAID
    assert LedgerTransfer.objects.filter(payment__payable=payable).count() == 1
