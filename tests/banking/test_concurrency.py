"""Races on PostgreSQL: overlapping runs, and two accounts made the default at once."""

import datetime
from decimal import Decimal

import pytest

from banking import runs, services
from banking.models import BankAccount, PaymentRun
from payables.models import Payment, PaymentStatus
from tests.banking.helpers import verified_default
from tests.payables.helpers import make_payable, today
from tests.reliability.threads import race

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_runs_over_the_same_bills_one_wins_whole(parties):
    bills = [make_payable(parties, "APPROVED", amount=Decimal("10.00")) for _ in range(6)]
    ids = [b.id for b in bills]
    on = today() + datetime.timedelta(days=1)

    def run(payable_ids):
        return lambda: runs.payment_run_create(
            business_id=parties.payer.id, actor=parties.payer_owner, payable_ids=payable_ids, on=on
        )

    # Listed in opposite orders: the ID-ordered locks keep them from deadlocking.
    results = race(run(ids), run(list(reversed(ids))), run(ids[2:4]))
    won = [r for r in results if isinstance(r, PaymentRun)]
    assert len(won) == 1, results
    assert PaymentRun.objects.count() == 1
    assert Payment.objects.filter(status=PaymentStatus.PENDING).count() == won[0].items.count()


def test_one_default_for_paying_whatever_the_race(parties):
    first = verified_default(parties, parties.payer, "receiving")
    second = verified_default(parties, parties.payer, "receiving", name="B", routing="121000358")
    third = verified_default(parties, parties.payer, "receiving", name="C", routing="011000015")

    def make_default(account):
        return lambda: services.bank_account_update(
            bank_account_id=account.id, actor=parties.payer_owner, changes={"defaultFor": "paying"}
        )

    results = race(make_default(first), make_default(second), make_default(third))
    assert not [r for r in results if isinstance(r, Exception)], results
    assert BankAccount.objects.filter(default_for="paying").count() == 1
