"""The connections list's total line: outstanding and overdue across the connections the
filters leave, each side apart, as each connection's balance card computes them."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from cockpit.selectors import connection_balance
from payables.models import PayableStatus as S
from tests import factories
from tests.pages.conftest import text
from tests.payables.helpers import today

pytestmark = pytest.mark.django_db


def days(n: int) -> datetime.date:
    return today() + datetime.timedelta(days=n)


def test_the_total_line_adds_up_the_balance_cards_of_the_listed_connections(world):
    acme = world.payer
    supplier = factories.ConnectionFactory(payer=acme, payer_alias="Zed supplies")
    customer = factories.ConnectionFactory(payee=acme, payee_alias="Customer Co")
    tagged = factories.tag_on(supplier, acme)
    bills = [
        (world.connection, S.APPROVED, "100.00", days(-3)),  # we owe, overdue
        (world.connection, S.PAID, "999.00", days(-3)),  # settled
        (supplier, S.SUBMITTED, "40.00", days(5)),  # we owe, not yet due
        (supplier, S.SCHEDULED, "60.00", days(-1)),  # we owe, overdue
        (customer, S.APPROVED, "500.00", days(-10)),  # we are owed, overdue
        (customer, S.DRAFT, "777.00", days(-10)),  # the customer has not been billed
    ]
    for connection, status, amount, due in bills:
        factories.PayableFactory(
            connection=connection, status=status, amount=Decimal(amount), due_date=due,
            amount_paid=Decimal(amount) if status == S.PAID else Decimal("0.00"),
        )  # fmt: skip
    client = world.client(world.payer_owner)
    url = reverse("connections", args=[acme.id])

    page = text(client.get(url))
    assert "We owe $200.00, <strong>$160.00 overdue</strong>" in page
    assert "We are owed $500.00, <strong>$500.00 overdue</strong>" in page
    cards = [
        connection_balance(connection=c, today=timezone.now().date())
        for c in (world.connection, supplier)
    ]
    assert sum(card.outstanding for card in cards) == Decimal("200.00")

    only_supplier = text(client.get(url + f"?tag={tagged.id}"))
    assert "We owe $100.00, <strong>$60.00 overdue</strong>" in only_supplier
    assert "We are owed" not in only_supplier
