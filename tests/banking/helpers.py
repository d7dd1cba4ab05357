"""Helpers of the banking tests."""

import datetime
from decimal import Decimal

from django.utils import timezone

from banking.models import BankAccount, PaymentRun, PaymentRunItem, RunSettlement, RunStatus
from payables.models import PayableStatus
from tests.payables.helpers import make_payable, today

PAYER_ROUTING = "021000021"
PAYEE_ROUTING = "011000015"
OTHER_ROUTING = "121000358"
PAYER_ACCOUNT = "000123456789"
PAYEE_ACCOUNT = "987654321"


def add_account(
    parties,
    business,
    *,
    user=None,
    routing=PAYER_ROUTING,
    number=PAYER_ACCOUNT,
    name="Operating",
    account_type="checking",
):
    client = parties.client(user or _owner(parties, business))
    return client.post(
        f"/api/businesses/{business.id}/bank-accounts",
        {
            "name": name,
            "routingNumber": routing,
            "accountNumber": number,
            "accountType": account_type,
        },
        format="json",
    )


def _owner(parties, business):
    return parties.payer_owner if business == parties.payer else parties.payee_owner


def verified_default(parties, business, purpose, **fields) -> BankAccount:
    """An account of ``business``, verified through the API and made the default for ``purpose``."""
    response = add_account(parties, business, **fields)
    assert response.status_code == 201, response.content
    account_id = response.json()["id"]
    client = parties.client(fields.get("user") or _owner(parties, business))
    verified = client.post(
        f"/api/bank-accounts/{account_id}/verify", {"amounts": ["0.45", "0.32"]}, format="json"
    )
    assert verified.status_code == 200, verified.content
    made = client.patch(f"/api/bank-accounts/{account_id}", {"defaultFor": purpose}, format="json")
    assert made.status_code == 200, made.content
    return BankAccount.objects.get(pk=account_id)


def make_run(parties, *, amounts, on_day: int, created_days_ago: int, status=RunStatus.SCHEDULED):
    """A run of ``parties``' payer, of one scheduled bill per amount, dated ``on_day`` days
    from today, created ``created_days_ago`` days ago (the page's sort and totals)."""
    run = PaymentRun.objects.create(
        payer=parties.payer,
        scheduled_for=today() + datetime.timedelta(days=on_day),
        total=sum((Decimal(a) for a in amounts), Decimal("0.00")),
        settlement=RunSettlement.RAIL,
    )
    for amount in amounts:
        bill = make_payable(parties, PayableStatus.SCHEDULED, amount=Decimal(amount))
        PaymentRunItem.objects.create(
            run=run, payable=bill, payment=bill.payments.get(), amount=Decimal(amount)
        )
    PaymentRun.objects.filter(pk=run.pk).update(
        status=status, created_at=timezone.now() - datetime.timedelta(days=created_days_ago)
    )
    return run
