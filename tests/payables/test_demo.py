"""The demo data: fifteen payables across the statuses (three approved for the demo's payment
run), twice without duplicates."""

from decimal import Decimal

import pytest

from payables.demo import seed_payables
from payables.models import LedgerTransfer, Payable
from tests import factories


@pytest.mark.django_db
def test_seed_payables_is_idempotent_and_covers_the_lifecycle():
    acme, globex, initech = (
        factories.BusinessFactory(name=n) for n in ("Acme", "Globex", "Initech")
    )
    users = {
        "acme": factories.member(acme, "owner"),
        "globex": factories.member(globex, "owner"),
        "initech": factories.member(initech, "owner"),
    }
    connections = {
        "acme_globex": factories.ConnectionFactory(payer=acme, payee=globex, net_terms=30),
        "acme_initech": factories.ConnectionFactory(payer=acme, payee=initech),
    }
    businesses = {"acme": acme, "globex": globex, "initech": initech}
    first = seed_payables(businesses=businesses, users=users, connections=connections)
    again = seed_payables(businesses=businesses, users=users, connections=connections)
    assert len(first) == 16 and Payable.objects.count() == 16
    assert [p.pk for p in first] == [p.pk for p in again]
    statuses = [p.status for p in first]
    assert {"DRAFT", "SUBMITTED", "APPROVED", "SCHEDULED", "PAID", "DECLINED", "CANCELLED"} == set(
        statuses
    )
    declined = next(p for p in first if p.status == "DECLINED")
    assert declined.decline_reason
    assert LedgerTransfer.objects.count() == 2
    assert all(p.line_items.count() == 2 for p in first)
    # one approved invoice shows a part paid by check, the rest due
    [partly] = [p for p in first if p.amount_paid and p.status == "APPROVED"]
    assert (partly.amount_paid, partly.amount_due) == (Decimal("200.00"), Decimal("259.70"))
    assert partly.payments.get().method == "check"
