"""Report pages: aging and cash flow of either side, computed in SQL, drawn as SVG beside a
table, every bar and bucket a link to the bills it counts, an as-of date, CSV; queries pinned."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from cockpit.reports import OUT, PAYABLES, aging, cash_flow
from payables.models import PayableStatus as S
from tests import factories
from tests.pages.conftest import text
from tests.payables.helpers import make_payable, today

pytestmark = pytest.mark.django_db


def days(n: int) -> datetime.date:
    return today() + datetime.timedelta(days=n)


def owed(world, status, amount, due, **fields):
    return make_payable(
        world, status, amount=Decimal(amount), due_date=due, issue_date=days(-200), **fields
    )


def test_aging_buckets_what_is_owed_by_days_past_due(world):
    owed(world, S.SUBMITTED, "100.00", days(5))  # current
    owed(world, S.APPROVED, "10.00", days(0))  # due today: current
    owed(world, S.APPROVED, "200.00", days(-1))  # 1-30
    owed(world, S.SCHEDULED, "300.00", days(-30))  # 1-30
    owed(world, S.APPROVED, "400.00", days(-31))  # 31-60
    owed(world, S.APPROVED, "500.00", days(-75))  # 61-90
    owed(world, S.SUBMITTED, "600.00", days(-91))  # 90+
    # Not owed: paid, cancelled, declined, drafts; and another payer's bills.
    owed(world, S.PAID, "9000.00", days(-40))
    owed(world, S.CANCELLED, "9000.00", days(-40))
    owed(world, S.DECLINED, "9000.00", days(-40))
    owed(world, S.DRAFT, "9000.00", days(-40))
    factories.PayableFactory(status=S.APPROVED, amount=Decimal("9000.00"), due_date=days(-40))

    report = aging(business_id=world.payer.id, side=PAYABLES, as_of=today(), today=today())
    buckets = {b.key: (b.amount, b.count) for b in report.buckets}

    assert buckets == {
        "current": (Decimal("110.00"), 2),
        "1-30": (Decimal("500.00"), 2),
        "31-60": (Decimal("400.00"), 1),
        "61-90": (Decimal("500.00"), 1),
        "90+": (Decimal("600.00"), 1),
    }


def test_cash_out_by_week_scheduled_and_due(world):
    scheduled = owed(world, S.SCHEDULED, "300.00", days(20))
    scheduled.payments.update(scheduled_for=days(9))  # week 2 (days 7-13)
    owed(world, S.APPROVED, "200.00", days(-10))  # late: week 1
    owed(world, S.SUBMITTED, "50.00", days(3))  # week 1
    owed(world, S.APPROVED, "70.00", days(55))  # week 8 (days 49-55)
    owed(world, S.APPROVED, "999.00", days(56))  # beyond the 8 weeks
    owed(world, S.PAID, "999.00", days(2))

    weeks = cash_flow(business_id=world.payer.id, direction=OUT, start=today()).weeks

    assert len(weeks) == 8
    assert weeks[0].start == today() and weeks[7].end == days(55)
    assert [(w.scheduled, w.due) for w in weeks] == [
        (Decimal("0.00"), Decimal("250.00")),
        (Decimal("300.00"), Decimal("0.00")),
        *[(Decimal("0.00"), Decimal("0.00"))] * 5,
        (Decimal("0.00"), Decimal("70.00")),
    ]


def test_the_page_draws_both_charts_as_accessible_svg_beside_tables(world):
    owed(world, S.APPROVED, "1234.50", days(-40))

    page = text(world.client(world.payer_viewer).get(reverse("reports", args=[world.payer.id])))

    assert page.count('<svg class="chart"') == 2
    assert 'role="img" aria-labelledby="aging-chart-title aging-chart-desc"' in page
    assert '<title id="aging-chart-title">Accounts payable by age</title>' in page
    assert "31\u201360 days: $1,234.50" in page  # the description reads the numbers out
    assert (
        "<rect" in page
        and "<title>31\u201360 days, due: $1,234.50: show these bills</title>" in page
    )
    assert '<td class="num">1</td><td class="num">$1,234.50</td>' in page


def test_report_queries_do_not_grow_with_the_payables(world, django_assert_num_queries):
    client = world.client(world.payer_owner)
    url = reverse("reports", args=[world.payer.id])
    owed(world, S.APPROVED, "10.00", days(-5))
    client.get(url)  # warm up the session

    with django_assert_num_queries(11) as one:
        client.get(url)
    for n in range(30):
        owed(world, S.APPROVED, "10.00", days(-n * 5))
    with django_assert_num_queries(len(one.captured_queries)):
        client.get(url)


def test_every_bucket_and_bar_links_to_exactly_its_bills(world):
    owed(world, S.APPROVED, "100.00", days(-31), invoice_number="EDGE-31")
    owed(world, S.APPROVED, "100.00", days(-60), invoice_number="EDGE-60")
    owed(world, S.APPROVED, "100.00", days(-61), invoice_number="EDGE-61")
    owed(world, S.PAID, "100.00", days(-40), invoice_number="PAID")
    client = world.client(world.payer_owner)

    response = client.get(reverse("reports", args=[world.payer.id]) + "?side=payables")

    bucket = next(b for b in response.context["aging"].buckets if b.key == "31-60")
    rows = client.get(bucket.url).context["rows"]
    assert {row.payable.invoice_number for row in rows} == {"EDGE-31", "EDGE-60"}
    assert f'href="{bucket.url.replace("&", "&amp;")}"' in text(response)  # table and bar


def test_receivables_mirror_payables_and_an_as_of_date_is_kept(world):
    submitted = datetime.datetime.now(datetime.UTC) - datetime.timedelta(days=40)
    owed(world, S.APPROVED, "250.00", days(-10), submitted_at=submitted)
    client = world.client(world.payee_accountant)
    as_of = days(-30).isoformat()

    page = client.get(reverse("reports", args=[world.payee.id]) + f"?side=receivables&asOf={as_of}")

    assert page.status_code == 200
    html = text(page)
    assert "Accounts receivable aging" in html and "Expected cash in" in html
    assert f'value="{as_of}"' in html
    assert page.context["aging"].total == Decimal("250.00")  # due 20 days after that day
    assert page.context["aging"].buckets[0].amount == Decimal("250.00")
    assert reverse("invoices", args=[world.payee.id]) in page.context["aging"].buckets[0].url


def test_a_bad_as_of_date_says_so(world):
    page = world.client(world.payer_owner).get(
        reverse("reports", args=[world.payer.id]) + "?asOf=someday"
    )
    assert page.status_code == 400
    assert "The as-of date must be a date" in text(page)


def test_the_report_pages_export_csv(world):
    owed(world, S.APPROVED, "12.00", days(-2))
    client = world.client(world.payer_viewer)

    aging_csv = client.get(reverse("reports-aging-csv", args=[world.payer.id]) + "?side=payables")
    flow_csv = client.get(reverse("reports-cash-flow-csv", args=[world.payer.id]) + "?side=out")

    assert aging_csv.content.decode().splitlines()[1].endswith(",12.00,0.00,0.00,0.00,12.00")
    assert flow_csv.content.decode().splitlines()[1].endswith(",0.00,12.00,12.00")


def test_the_connection_page_shows_its_balance(world):
    owed(world, S.APPROVED, "400.00", days(-3))
    url = reverse("connection-detail", args=[world.payee.id, world.connection.id])

    html = text(world.client(world.payee_accountant).get(url))

    assert 'id="balance"' in html
    assert 'Outstanding</th><td class="num"><a href=' in html
    assert html.count("$400.00") >= 3  # billed, outstanding, overdue
