"""The demo shows money moving: verified accounts, a credit, a partial payment and a run."""

from decimal import Decimal

import pytest

from banking.models import BankAccount, PaymentRun
from cleopay.demo import seed_all
from credits.models import Credit
from payables.models import Payable, PayableStatus

pytestmark = pytest.mark.django_db


def test_the_demo_has_a_credit_a_partial_payment_and_a_run():
    seed_all()
    seed_all()  # again: nothing doubles
    assert BankAccount.objects.count() == 3
    assert set(BankAccount.objects.values_list("status", flat=True)) == {"verified"}
    credit = Credit.objects.get()
    assert (credit.amount, credit.remaining) == (Decimal("150.00"), Decimal("100.00"))
    partly = Payable.objects.get(invoice_number="DEMO-INI-003")
    assert partly.status == PayableStatus.APPROVED and partly.amount_paid == Decimal("200.00")
    run = PaymentRun.objects.get()
    assert run.items.count() == 3
    assert run.total == sum(item.amount for item in run.items.all())
    assert {item.payable.status for item in run.items.all()} == {PayableStatus.SCHEDULED}
