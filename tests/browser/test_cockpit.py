"""The cockpit in the browser: the home of a payer and of a payee, acting from it (follow
"Awaiting my approval" and approve; open the failed payments), each report with a drill-down
from a bucket and from a bar, at 1280 and 390 px; the payment runs list sorted by a header."""

import datetime
import re
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from payables.models import Payable, PayableStatus, PaymentStatus
from tests import factories
from tests.banking.helpers import make_run
from tests.browser.conftest import LAPTOP, PHONE, screenshot
from tests.payables.helpers import make_payable

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
S = PayableStatus


def days(n: int) -> datetime.date:
    return datetime.datetime.now(datetime.UTC).date() + datetime.timedelta(days=n)


def book(world):
    make_payable(
        world, S.SUBMITTED, invoice_number="HOME-1", amount=Decimal("1200.00"), due_date=days(3)
    )
    make_payable(
        world, S.APPROVED, invoice_number="HOME-2", amount=Decimal("350.50"), due_date=days(-45)
    )
    make_payable(
        world, S.APPROVED, invoice_number="HOME-3", amount=Decimal("80.00"), due_date=days(-5)
    )
    make_payable(
        world, S.DECLINED, invoice_number="HOME-4", amount=Decimal("99.00"), due_date=days(20)
    )
    make_payable(world, S.DRAFT, invoice_number="HOME-5", amount=Decimal("10.00"))


def no_overflow(page, viewport):
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]


def test_the_payer_follows_awaiting_my_approval_from_its_home_and_approves(open_page, live_server):
    world = factories.payee_and_payer()
    book(world)

    for name, viewport in (("390", PHONE), ("1280", LAPTOP)):
        page = open_page(world.payer_owner, viewport=viewport)
        expect(page).to_have_url(re.compile(rf"/b/{world.payer.id}/$"))
        expect(page.get_by_role("heading", level=1)).to_have_text("Bills to pay")
        expect(page.locator("#need-awaiting .need-count")).to_have_text("1")
        expect(page.locator("#need-awaiting .need-amount")).to_have_text("$1,200.00")
        expect(page.locator("#need-overdue .need-count")).to_have_text("2")
        expect(page.locator("#need-overdue .need-amount")).to_have_text("$430.50")
        no_overflow(page, viewport)
        screenshot(page, f"home-payer-{name}")

    page.locator("#need-awaiting a").click()
    expect(page).to_have_url(re.compile(r"/inbox\?tab=awaiting$"))
    page.get_by_role("link", name="Approve… HOME-1").click()
    dialog = page.locator("#action-dialog")
    dialog.get_by_role("button", name="Approve", exact=True).click()
    expect(page.locator("#flash")).to_have_text("HOME-1 approved.")
    assert Payable.objects.get(invoice_number="HOME-1").status == S.APPROVED

    page.goto(f"/b/{world.payer.id}/")
    expect(page.locator("#need-awaiting .need-count")).to_have_text("0")


def test_the_payee_home_shows_what_to_fix(open_page):
    world = factories.payee_and_payer()
    book(world)

    for name, viewport in (("390", PHONE), ("1280", LAPTOP)):
        page = open_page(world.payee_owner, viewport=viewport)
        expect(page.get_by_role("heading", level=1)).to_have_text("Invoices to collect")
        expect(page.locator("#need-declined .need-count")).to_have_text("1")
        expect(page.locator("#need-drafts .need-count")).to_have_text("1")
        expect(page.locator("#need-overdue .need-amount")).to_have_text("$430.50")
        no_overflow(page, viewport)
        screenshot(page, f"home-payee-{name}")
    page.locator("#need-overdue a").click()
    expect(page.get_by_role("link", name="HOME-2", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="HOME-3", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="HOME-1", exact=True)).to_have_count(0)


@pytest.mark.parametrize(("side", "who", "business"), [
    ("payables", "payer_viewer", "payer"), ("receivables", "payee_owner", "payee"),
])  # fmt: skip
def test_each_report_drills_down_to_its_bills(open_page, side, who, business):
    world = factories.payee_and_payer()
    book(world)
    business = getattr(world, business)

    for name, viewport in (("390", PHONE), ("1280", LAPTOP)):
        page = open_page(getattr(world, who), viewport=viewport)
        page.goto(f"/b/{business.id}/reports?side={side}")
        expect(page.locator("svg.chart")).to_have_count(2)
        expect(page.locator("#aging-table tfoot")).to_contain_text("$1,630.50")
        no_overflow(page, viewport)
        screenshot(page, f"reports-{side}-{name}")

    # The 31-60 bucket's row: exactly HOME-2.
    page.locator("#aging-table").get_by_role("link", name="31\u201360 days").click()
    expect(page.get_by_role("link", name="HOME-2", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="HOME-3", exact=True)).to_have_count(0)
    page.go_back()
    # The 1-30 bar of the chart: exactly HOME-3.
    page.locator("#aging-chart-title").locator("xpath=..").locator("a.bar-link").nth(1).click()
    expect(page.get_by_role("link", name="HOME-3", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="HOME-2", exact=True)).to_have_count(0)


def test_the_failed_card_opens_its_bills_and_the_runs_list_sorts(open_page):
    world = factories.payee_and_payer()
    book(world)
    failed = make_payable(
        world, S.APPROVED, invoice_number="FAILED-1", amount=Decimal("75.25"), due_date=days(2)
    )
    factories.PaymentFactory(payable=failed, status=PaymentStatus.FAILED, failed_at=timezone.now())
    small = make_run(world, amounts=["10.00"], on_day=3, created_days_ago=1)
    big = make_run(world, amounts=["900.00", "5.00"], on_day=1, created_days_ago=2)

    page = open_page(world.payer_owner)
    expect(page.locator("#need-failed .need-amount")).to_have_text("$75.25")
    page.locator("#need-failed a").click()
    expect(page).to_have_url(re.compile(r"paymentFailed=true"))
    expect(page.locator("#f-paymentFailed")).to_be_checked()
    expect(page.locator("[data-list-totals]")).to_contain_text("1 bill · $75.25")
    expect(page.get_by_role("link", name="FAILED-1", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="HOME-3", exact=True)).to_have_count(0)

    page.goto(f"/b/{world.payer.id}/runs")
    rows = page.locator("#runs-table tbody tr")
    expect(rows.first).to_contain_text(small.id)
    expect(page.locator("[data-list-totals]")).to_contain_text("2 runs · 3 bills · $915.00")
    page.get_by_role("link", name="Total").click()
    expect(page).to_have_url(re.compile(r"sort=-total"))
    expect(rows.first).to_contain_text(big.id)
    expect(page.locator("th[aria-sort='descending']")).to_contain_text("Total")
