"""A payment names the payer's funding account and the payee's receiving account (CONTRACT §8):
recorded as it is created, shown by ``GET /api/payments/{id}/bank-accounts`` (each side's own
account in full, the other's last four digits), and a named account cannot be deleted while
the payment is on its way."""

import datetime
from decimal import Decimal

import pytest
from django.test import Client

from banking.models import BankAccount, PaymentAccounts
from payables.models import Payment, PaymentStatus
from tests.banking.helpers import PAYEE_ACCOUNT, PAYEE_ROUTING, add_account, verified_default
from tests.payables.helpers import make_payable, today

pytestmark = pytest.mark.django_db


@pytest.fixture
def defaults(parties):
    """Acme pays from a verified default; Globex is paid into one."""
    funding = verified_default(parties, parties.payer, "paying", name="Operating")
    receiving = verified_default(
        parties,
        parties.payee,
        "receiving",
        routing=PAYEE_ROUTING,
        number=PAYEE_ACCOUNT,
        name="Collections",
    )
    return funding, receiving


def pay(parties, payable, **body):
    response = parties.client(parties.payer_owner).post(
        f"/api/payables/{payable.id}/pay", body, format="json"
    )
    assert response.status_code == 200, response.content
    return Payment.objects.filter(payable=payable).latest("created_at")


def schedule(parties, payable):
    on = today() + datetime.timedelta(days=3)
    response = parties.client(parties.payer_owner).post(
        f"/api/payables/{payable.id}/schedule", {"date": str(on)}, format="json"
    )
    assert response.status_code == 200, response.content
    return Payment.objects.get(payable=payable, status=PaymentStatus.PENDING)


def named(parties, payment, user):
    return parties.client(user).get(f"/api/payments/{payment.id}/bank-accounts")


def test_an_ach_payment_names_both_defaults_each_side_sees_its_own_in_full(parties, defaults):
    funding, receiving = defaults
    payment = pay(parties, make_payable(parties, "APPROVED", amount=Decimal("80.00")))

    row = PaymentAccounts.objects.get(payment=payment)
    assert (row.funding_account, row.receiving_account) == (funding, receiving)

    payer = named(parties, payment, parties.payer_viewer)
    assert payer.status_code == 200
    assert payer.json() == {
        "paymentId": payment.id,
        "payableId": payment.payable_id,
        "fundingAccount": {"id": funding.id, "name": "Operating", "accountNumberLast4": "6789"},
        "receivingAccount": {"accountNumberLast4": "4321"},
    }
    payee = named(parties, payment, parties.payee_accountant).json()
    assert payee["fundingAccount"] == {"accountNumberLast4": "6789"}
    assert payee["receivingAccount"] == {
        "id": receiving.id,
        "name": "Collections",
        "accountNumberLast4": "4321",
    }
    assert named(parties, payment, parties.outsider).status_code == 404
    assert (
        parties.client(parties.payer_owner).get("/api/payments/pmt_nope/bank-accounts").status_code
        == 404
    )


def test_without_verified_defaults_or_paid_outside_a_payment_names_none(parties):
    unverified = add_account(parties, parties.payer).json()["id"]  # pending: never a default
    payment = pay(parties, make_payable(parties, "APPROVED"))
    assert not PaymentAccounts.objects.filter(payment=payment).exists()
    body = named(parties, payment, parties.payer_owner).json()
    assert (body["fundingAccount"], body["receivingAccount"]) == (None, None)
    assert BankAccount.objects.get(pk=unverified).default_for is None


def test_a_check_payment_names_no_bank_account(parties, defaults):
    payment = pay(parties, make_payable(parties, "APPROVED"), method="check", reference="CHK 7")
    assert not PaymentAccounts.objects.filter(payment=payment).exists()


def test_only_the_side_that_has_one_is_named(parties):
    receiving = verified_default(
        parties, parties.payee, "receiving", routing=PAYEE_ROUTING, number=PAYEE_ACCOUNT
    )
    payment = pay(parties, make_payable(parties, "APPROVED"))
    row = PaymentAccounts.objects.get(payment=payment)
    assert (row.funding_account, row.receiving_account) == (None, receiving)


@pytest.mark.parametrize("side", ["funding", "receiving"])
def test_delete_is_refused_while_a_payment_on_its_way_names_the_account(parties, defaults, side):
    funding, receiving = defaults
    account, owner = (
        (funding, parties.payer_owner) if side == "funding" else (receiving, parties.payee_owner)
    )
    payable = make_payable(parties, "APPROVED")
    payment = schedule(parties, payable)
    client = parties.client(owner)

    refused = client.delete(f"/api/bank-accounts/{account.id}")
    assert refused.status_code == 409
    assert refused.json()["code"] == "in_use"
    assert BankAccount.objects.get(pk=account.pk).deleted_at is None

    unscheduled = parties.client(parties.payer_owner).post(
        f"/api/payables/{payable.id}/unschedule", format="json"
    )
    assert unscheduled.status_code == 200
    assert Payment.objects.get(pk=payment.pk).status == PaymentStatus.CANCELLED
    assert client.delete(f"/api/bank-accounts/{account.id}").status_code == 204


def test_a_completed_payment_does_not_hold_its_accounts(parties, defaults):
    funding, _receiving = defaults
    payment = pay(parties, make_payable(parties, "APPROVED"))
    assert Payment.objects.get(pk=payment.pk).status == PaymentStatus.COMPLETED
    client = parties.client(parties.payer_owner)
    assert client.delete(f"/api/bank-accounts/{funding.id}").status_code == 204
    # The payment still names it (deleted softly: the record stays).
    assert named(parties, payment, parties.payer_owner).json()["fundingAccount"]["id"] == funding.id


def test_a_run_names_its_own_funding_account(parties, defaults):
    _funding, receiving = defaults
    other = verified_default(parties, parties.payer, "paying", name="Reserve", number="55554444")
    # ``other`` is now the default; a run may still pay from the first one explicitly.
    first = BankAccount.objects.exclude(pk=other.pk).get(business=parties.payer)
    payable = make_payable(parties, "APPROVED")
    response = parties.client(parties.payer_owner).post(
        f"/api/businesses/{parties.payer.id}/payment-runs",
        {
            "payableIds": [payable.id],
            "date": str(today() + datetime.timedelta(days=2)),
            "fundingAccountId": first.id,
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    row = PaymentAccounts.objects.get(payment__payable=payable)
    assert (row.funding_account, row.receiving_account) == (first, receiving)


def test_the_accounts_page_says_which_accounts_payments_name_and_delete_is_refused(
    parties, defaults
):
    funding, _receiving = defaults
    schedule(parties, make_payable(parties, "APPROVED"))
    client = Client()
    client.force_login(parties.payer_owner)
    url = f"/b/{parties.payer.id}/settings/bank-accounts"

    assert "Named by 1 payment on its way" in client.get(url).content.decode()
    refused = client.post(f"{url}/{funding.id}/delete", follow=True)
    assert "A scheduled or processing payment uses this bank account" in refused.content.decode()
    assert BankAccount.objects.get(pk=funding.pk).deleted_at is None
