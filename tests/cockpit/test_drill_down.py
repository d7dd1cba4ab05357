"""Drill-downs that select exactly what a figure counts: the home's failed payments, each
week's scheduled bar of the cash-flow report, and each aging bucket for today and a past
as-of date (``owed_on``, the one predicate of the report and of the lists' ``asOf``); the
same filters over the list API."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from credits.models import Credit, CreditApplication
from payables.models import Payable, PaymentStatus
from payables.models import PayableStatus as S
from tests import factories
from tests.pages.conftest import text
from tests.payables.helpers import make_payable, today

pytestmark = pytest.mark.django_db


def days(n: int) -> datetime.date:
    return today() + datetime.timedelta(days=n)


def ago(n: int) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(days=n)


def bill(world, status, amount, due, number, **fields):
    return make_payable(
        world, status, invoice_number=number, amount=Decimal(amount), due_date=due,
        issue_date=days(-200), **fields,
    )  # fmt: skip


def opened(world, url):
    response = world.client(world.payer_owner).get(url)
    assert response.status_code == 200
    rows = {row.payable.invoice_number for row in response.context["rows"]}
    return rows, response.context["totals"], response


def fail(payable, when):
    factories.PaymentFactory(payable=payable, status=PaymentStatus.FAILED, failed_at=when)


def test_the_failed_payments_card_opens_exactly_the_bills_it_counts(world):
    twice = bill(world, S.APPROVED, "50.00", days(3), "TWICE")
    fail(twice, ago(1))
    fail(twice, ago(2))  # two attempts: one bill, counted once, for what is due on it
    partly = bill(world, S.APPROVED, "400.00", days(3), "PARTLY", amount_paid=Decimal("100.00"))
    fail(partly, ago(29))
    fail(bill(world, S.APPROVED, "70.00", days(3), "LONG-AGO"), ago(45))
    fail(bill(world, S.PAID, "80.00", days(3), "PAID-SINCE", amount_paid=Decimal("80.00")), ago(1))
    bill(world, S.APPROVED, "90.00", days(3), "NEVER-TRIED")

    home = world.client(world.payer_owner).get(reverse("business-home", args=[world.payer.id]))
    card = next(n for n in home.context["needs"] if n.key == "failed")
    rows, totals, page = opened(world, card.url)

    assert (card.count, card.amount) == (2, Decimal("350.00"))
    assert rows == {"TWICE", "PARTLY"}
    assert (totals["count"], totals["due"]) == (card.count, card.amount)
    html = text(page)
    assert 'id="f-paymentFailed" name="paymentFailed" value="true" checked' in html

    api = world.client(world.payer_owner).get(
        reverse("payable-list", args=[world.payer.id]) + "?direction=incoming&paymentFailed=true"
    )
    assert {item["invoiceNumber"] for item in api.json()["results"]} == {"TWICE", "PARTLY"}


def test_each_scheduled_bar_opens_exactly_the_bills_it_sums(world):
    late = bill(world, S.SCHEDULED, "120.00", days(5), "LATE-RUN")
    late.payments.update(scheduled_for=days(-2))  # not run yet: counted in the first week
    first = bill(world, S.SCHEDULED, "300.00", days(20), "WEEK-1")
    first.payments.update(scheduled_for=days(6), amount=Decimal("250.00"))  # part of it
    second = bill(world, S.SCHEDULED, "75.00", days(20), "WEEK-2")
    second.payments.update(scheduled_for=days(7))
    bill(world, S.APPROVED, "999.00", days(8), "NOT-SCHEDULED")
    soon = bill(world, S.SCHEDULED, "5.00", days(9), "SCHEDULED-DUE-SOON")
    soon.payments.update(scheduled_for=days(60))  # beyond the report's weeks

    page = world.client(world.payer_owner).get(reverse("reports", args=[world.payer.id]))
    flow = page.context["flow"]
    bars = [b for b in page.context["flow_chart"]["bars"] if b["css"] == ""]
    assert [b["title"].split(",")[0] for b in bars] == [flow.weeks[0].label, flow.weeks[1].label]
    expected = [{"LATE-RUN", "WEEK-1"}, {"WEEK-2"}]
    for week, bar, numbers in zip(flow.weeks[:2], bars, expected, strict=True):
        rows, totals, _page = opened(world, bar["href"])
        assert rows == numbers
        assert totals["scheduled"] == week.scheduled
    assert flow.weeks[0].scheduled == Decimal("370.00")
    # The "due" bar: open and not scheduled, due that week (late ones in the first).
    due_bars = [b for b in page.context["flow_chart"]["bars"] if b["css"] == "due"]
    rows, totals, listed = opened(world, due_bars[0]["href"])
    assert rows == {"NOT-SCHEDULED"}  # not WEEK-1 or WEEK-2, due that week but scheduled
    assert totals["due"] == flow.weeks[1].due == Decimal("999.00")
    assert "Submitted or Approved" in text(listed)
    paid_tab = world.client(world.payer_owner).get(
        due_bars[0]["href"].replace("tab=all", "tab=paid")
    )
    assert paid_tab.context["rows"] == []  # a status tab is its own status

    api = world.client(world.payer_owner).get(
        reverse("payable-list", args=[world.payer.id])
        + f"?direction=incoming&scheduledAfter={days(7)}&scheduledBefore={days(13)}"
    )
    assert [item["invoiceNumber"] for item in api.json()["results"]] == ["WEEK-2"]


def _history(world):
    """Bills whose state changed since 20 days ago: paid, credited, declined, submitted late."""
    paid = bill(world, S.PAID, "300.00", days(-25), "PAID-SINCE", submitted_at=ago(40))
    Payable.objects.filter(pk=paid.pk).update(amount_paid=Decimal("300.00"), paid_at=ago(5))
    factories.PaymentFactory(
        payable=paid, amount=Decimal("300.00"), status=PaymentStatus.COMPLETED, completed_at=ago(5)
    )
    credited = bill(world, S.APPROVED, "500.00", days(-10), "CREDITED", submitted_at=ago(30))
    Payable.objects.filter(pk=credited.pk).update(amount_credited=Decimal("200.00"))
    credit = Credit.objects.create(
        connection=world.connection, payee=world.payee, payer=world.payer,
        amount=Decimal("200.00"), amount_applied=Decimal("200.00"),
    )  # fmt: skip
    CreditApplication.objects.create(credit=credit, payable=credited, amount=Decimal("200.00"))
    bill(world, S.DECLINED, "40.00", days(-100), "DECLINED-SINCE", submitted_at=ago(200),
         declined_at=ago(2))  # fmt: skip
    bill(world, S.APPROVED, "70.00", days(-30), "SUBMITTED-SINCE", submitted_at=ago(3))
    bill(world, S.SUBMITTED, "15.00", days(-70), "STILL-OPEN", submitted_at=ago(100))
    bill(world, S.PAID, "11.00", days(-70), "PAID-BEFORE", submitted_at=ago(100),
         paid_at=ago(60), amount_paid=Decimal("11.00"))  # fmt: skip


@pytest.mark.parametrize("as_of_days", [0, -20])
def test_every_aging_bucket_opens_exactly_its_bills(world, as_of_days):
    _history(world)
    as_of = days(as_of_days)
    page = world.client(world.payer_owner).get(
        reverse("reports", args=[world.payer.id]) + f"?asOf={as_of.isoformat()}"
    )
    aging = page.context["aging"]
    assert aging.count >= 3  # the buckets are not all empty
    for bucket in aging.buckets:
        rows, totals, _page = opened(world, bucket.url)
        assert (totals["count"], totals["due"]) == (bucket.count, bucket.amount), bucket.key
        assert len(rows) == bucket.count
    rows, totals, listed = opened(world, page.context["list_url"])
    assert (totals["count"], totals["due"]) == (aging.count, aging.total)
    if as_of_days:
        assert rows == {"PAID-SINCE", "CREDITED", "DECLINED-SINCE", "STILL-OPEN"}
        assert f"due on {as_of:%b} {as_of.day}, {as_of.year}" in text(listed)
    else:
        assert rows == {"CREDITED", "SUBMITTED-SINCE", "STILL-OPEN"}


def test_the_as_of_filter_over_the_api_and_a_bad_one_named(world):
    _history(world)
    url = reverse("payable-list", args=[world.payer.id])
    client = world.client(world.payer_owner)
    body = client.get(url + f"?direction=incoming&asOf={days(-20)}&dueBefore={days(-21)}").json()
    assert {item["invoiceNumber"] for item in body["results"]} == {
        "PAID-SINCE", "DECLINED-SINCE", "STILL-OPEN"
    }  # fmt: skip
    bad = client.get(url + "?asOf=someday")
    assert bad.status_code == 400
    assert bad.json()["errors"][0]["field"] == "asOf"
    page = client.get(reverse("inbox", args=[world.payer.id]) + "?tab=all&asOf=someday")
    assert page.status_code == 400 and "asOf:" in text(page)
