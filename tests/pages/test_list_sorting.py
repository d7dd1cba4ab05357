"""Lists that do real work: sorted by a column, totalled, exported as filtered, whom a bill under
review waits on."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse

from payables import services
from payables.models import PayableStatus as S
from tests import factories
from tests.pages.conftest import text
from tests.payables.helpers import make_payable, today

pytestmark = pytest.mark.django_db


def order_of(page: str, numbers) -> list[str]:
    """The invoice numbers in the order the page shows them."""
    return sorted(numbers, key=lambda n: page.index(f">{n}</a>"))


@pytest.fixture
def three_bills(world):
    other = factories.BusinessFactory(name="Beta Supplies")
    beta = factories.ConnectionFactory(payer=world.payer, payee=other)
    make_payable(world, S.APPROVED, invoice_number="B-1", amount=Decimal("300.00"),
                 due_date=today() + datetime.timedelta(days=20))  # fmt: skip
    factories.PayableFactory(connection=beta, status=S.APPROVED, invoice_number="B-2",
                             amount=Decimal("50.00"), due_date=today() + datetime.timedelta(days=5))  # fmt: skip
    make_payable(world, S.APPROVED, invoice_number="B-3", amount=Decimal("1200.00"),
                 due_date=today() + datetime.timedelta(days=10))  # fmt: skip
    return ["B-1", "B-2", "B-3"]


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("-amount", ["B-3", "B-1", "B-2"]),
        ("amount", ["B-2", "B-1", "B-3"]),
        ("due", ["B-2", "B-3", "B-1"]),
        ("-due", ["B-1", "B-3", "B-2"]),
        ("created", ["B-1", "B-2", "B-3"]),
        ("-created", ["B-3", "B-2", "B-1"]),
        ("nonsense", ["B-3", "B-2", "B-1"]),  # an unknown sort is the default, newest first
    ],
)
def test_the_inbox_sorts_by_the_column_asked(world, three_bills, sort, expected):
    url = reverse("inbox", args=[world.payer.id]) + f"?tab=all&sort={sort}"
    page = text(world.client(world.payer_owner).get(url))
    assert order_of(page, three_bills) == expected


def test_counterparties_sort_by_the_name_the_list_shows_the_alias_first(world, three_bills):
    client = world.client(world.payer_owner)
    url = reverse("inbox", args=[world.payer.id]) + "?tab=all&sort="
    assert (
        order_of(text(client.get(url + "counterparty")), three_bills)[0] == "B-2"
    )  # Beta < Globex

    world.connection.payer_alias = "zeta works"  # Acme's own name for Globex
    world.connection.save(update_fields=["payer_alias"])
    assert order_of(text(client.get(url + "-counterparty")), three_bills)[2] == "B-2"
    world.connection.payer_alias = "Alpha"
    world.connection.save(update_fields=["payer_alias"])
    assert order_of(text(client.get(url + "counterparty")), three_bills)[2] == "B-2"


def test_the_sorted_column_says_so_and_its_link_reverses_it(world, three_bills):
    url = reverse("inbox", args=[world.payer.id]) + "?tab=all&sort=due&search=B-"
    page = text(world.client(world.payer_owner).get(url))
    assert 'aria-sort="ascending"' in page
    assert "sort=-due" in page
    # the sort stays with the filters: the form carries it
    assert '<option value="due" selected>' in page


def test_ties_keep_one_order_across_pages(world):
    for n in range(60):
        make_payable(world, S.APPROVED, invoice_number=f"T-{n:02d}", amount=Decimal("10.00"))
    client = world.client(world.payer_owner)
    url = reverse("inbox", args=[world.payer.id]) + "?tab=all&sort=amount"
    first = text(client.get(url))
    second = text(client.get(url + "&offset=50"))
    shown = [f"T-{n:02d}" for n in range(60)]
    on_first = {n for n in shown if f">{n}</a>" in first}
    on_second = {n for n in shown if f">{n}</a>" in second}
    assert len(on_first) == 50 and len(on_second) == 10
    assert not on_first & on_second
    # the pager's link keeps the sort and the tab
    assert "sort=amount" in first[first.index('aria-label="Pages"') :]


def test_the_list_totals_every_row_the_filters_leave(world):
    make_payable(world, S.APPROVED, invoice_number="X-1", amount=Decimal("100.10"))
    make_payable(world, S.APPROVED, invoice_number="X-2", amount=Decimal("200.20"),
                 amount_paid=Decimal("50.00"))  # fmt: skip
    make_payable(world, S.PAID, invoice_number="Y-1", amount=Decimal("999.00"))
    client = world.client(world.payer_owner)

    page = text(client.get(reverse("inbox", args=[world.payer.id]) + "?tab=all&search=X-"))
    assert "2 bills · $300.30 · <strong>$250.30 due</strong>" in page

    page = text(client.get(reverse("inbox", args=[world.payer.id]) + "?tab=all"))
    assert "3 bills · $1,299.30 · <strong>$250.30 due</strong>" in page


def test_the_export_holds_exactly_the_filtered_rows_in_the_lists_order(world, three_bills):
    make_payable(world, S.PAID, invoice_number="P-1", amount=Decimal("75.00"))
    client = world.client(world.payer_owner)
    list_url = reverse("inbox", args=[world.payer.id]) + "?tab=approved&sort=-amount"
    page = text(client.get(list_url))
    export = reverse("inbox-export", args=[world.payer.id])
    assert f'href="{export}?tab=approved&amp;sort=-amount"' in page

    response = client.get(export + "?tab=approved&sort=-amount")
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert [row["invoice_number"] for row in rows] == ["B-3", "B-1", "B-2"]
    assert {row["status"] for row in rows} == {"APPROVED"}


def test_the_export_of_a_refused_filter_returns_to_the_list(world):
    url = reverse("inbox-export", args=[world.payer.id]) + "?tab=all&amountMin=lots"
    response = world.client(world.payer_owner).get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("inbox", args=[world.payer.id]))


def test_the_invoices_export_is_the_payees_own(world):
    make_payable(world, S.DRAFT, invoice_number="D-1")
    client = world.client(world.payee_owner)
    response = client.get(reverse("invoices-export", args=[world.payee.id]) + "?tab=draft")
    body = b"".join(response.streaming_content).decode()
    assert "D-1" in body
    # the payer never exports the payee's invoices
    response = world.client(world.payer_owner).get(
        reverse("invoices-export", args=[world.payee.id])
    )
    assert response.status_code == 404


def test_a_bill_under_review_says_whom_it_waits_on(world):
    factories.approval_workflow(
        world.payer, steps=[{"approvers": [world.payer_owner]}, {"roles": ["admin"]}]
    )
    payable = make_payable(world, S.DRAFT, invoice_number="W-1", amount=Decimal("10.00"))
    services.payable_submit(payable_id=payable.pk, actor=world.payee_owner)
    make_payable(world, S.SUBMITTED, invoice_number="M-1")  # manual review
    client = world.client(world.payer_admin)
    url = reverse("inbox", args=[world.payer.id]) + "?tab=submitted"

    page = text(client.get(url))
    assert "Waiting on Alice Acme" in page
    assert "Waiting on any approver" in page

    services.payable_approve(payable_id=payable.pk, actor=world.payer_owner)
    page = text(client.get(url))
    assert "Waiting on any admin" in page
    assert "Alice Acme" not in page


def test_connections_sort_by_name_and_the_export_follows(world):
    zeta = factories.BusinessFactory(name="Zeta Freight")
    alpha = factories.BusinessFactory(name="Alpha Paper")
    factories.ConnectionFactory(payer=world.payer, payee=zeta)
    factories.ConnectionFactory(payer=world.payer, payee=alpha)
    client = world.client(world.payer_owner)
    url = reverse("connections", args=[world.payer.id])
    names = ["Alpha Paper", "Globex", "Zeta Freight"]

    page = text(client.get(url + "?sort=counterparty"))
    assert sorted(names, key=page.index) == names
    assert 'aria-sort="ascending"' in page
    page = text(client.get(url + "?sort=-counterparty"))
    assert sorted(names, key=page.index) == names[::-1]

    export = client.get(reverse("connections-export", args=[world.payer.id]) + "?sort=counterparty")
    body = b"".join(export.streaming_content).decode()
    assert sorted(names, key=body.index) == names
