"""Reports: AP aging and cash out by week, computed in SQL, drawn as SVG, queries pinned."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from payables.models import PayableStatus as S
from payables.reports import ap_aging, cash_out
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

    buckets = {
        b.key: (b.amount, b.count) for b in ap_aging(business_id=world.payer.id, today=today())
    }

    assert buckets == {
        "current": (Decimal("110.00"), 2),
        "d1_30": (Decimal("500.00"), 2),
        "d31_60": (Decimal("400.00"), 1),
        "d61_90": (Decimal("500.00"), 1),
        "d90_plus": (Decimal("600.00"), 1),
    }


def test_cash_out_by_week_scheduled_and_due(world):
    scheduled = owed(world, S.SCHEDULED, "300.00", days(20))
    scheduled.payments.update(scheduled_for=days(9))  # week 2 (days 7-13)
    owed(world, S.APPROVED, "200.00", days(-10))  # late: week 1
    owed(world, S.SUBMITTED, "50.00", days(3))  # week 1
    owed(world, S.APPROVED, "70.00", days(55))  # week 8 (days 49-55)
    owed(world, S.APPROVED, "999.00", days(56))  # beyond the 8 weeks
    owed(world, S.PAID, "999.00", days(2))

    weeks = cash_out(business_id=world.payer.id, today=today())

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
    assert "<rect" in page and "<title>31\u201360 days, owed: $1,234.50</title>" in page
    assert (
        '<th scope="row">31\u201360 days</th><td class="num">1</td><td class="num">$1,234.50</td>'
        in page
    )


def test_report_queries_do_not_grow_with_the_payables(world, django_assert_num_queries):
    client = world.client(world.payer_owner)
    url = reverse("reports", args=[world.payer.id])
    owed(world, S.APPROVED, "10.00", days(-5))
    client.get(url)  # warm up the session

    with django_assert_num_queries(9) as one:
        client.get(url)
    for n in range(30):
        owed(world, S.APPROVED, "10.00", days(-n * 5))
    with django_assert_num_queries(len(one.captured_queries)):
        client.get(url)
