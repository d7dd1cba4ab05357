"""The inbox's bulk actions in the browser: three bills ticked, their total shown as they are
ticked, approved together, the results listed; the bar on a laptop and on a phone."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from payables.models import Payable, PayableStatus
from tests import factories
from tests.browser.conftest import PHONE, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def bills(world):
    amounts = {"BLK-1": "1200.00", "BLK-2": "350.50", "BLK-3": "49.99", "BLK-4": "10.00"}
    return {
        number: factories.PayableFactory(
            connection=world.connection,
            status=PayableStatus.SUBMITTED,
            amount=Decimal(amount),
            invoice_number=number,
            created_by=world.payee_owner,
            submitted_by=world.payee_owner,
        )
        for number, amount in amounts.items()
    }


def test_select_three_bills_see_the_total_approve_them_see_the_results(open_page, live_server):
    world = factories.payee_and_payer()
    bills(world)
    admin = open_page(world.payer_admin)
    admin.goto(f"{live_server.url}/b/{world.payer.id}/inbox")

    bar = admin.locator("#bulk-form")
    expect(bar.locator("[data-bulk-summary]")).to_have_text("No bills selected.")
    expect(bar.get_by_role("button", name="Approve selected")).to_be_disabled()
    admin.get_by_label("Select BLK-1").check()
    expect(bar.locator("[data-bulk-summary]")).to_have_text("1 bill selected · $1,200.00 due")
    admin.get_by_label("Select BLK-2").check()
    admin.get_by_label("Select BLK-3").check()
    expect(bar.locator("[data-bulk-summary]")).to_have_text("3 bills selected · $1,600.49 due")
    screenshot(admin, "inbox-bulk-selected-1280")

    bar.get_by_role("button", name="Approve selected").click()
    results = admin.get_by_test_id("bulk-results")
    expect(results.get_by_role("heading")).to_have_text("3 of 3 approved")
    expect(admin.locator(".page-head .sub")).to_have_text("3 selected · $1,600.49 due")
    for number in ("BLK-1", "BLK-2", "BLK-3"):
        expect(results.get_by_role("row", name=number)).to_contain_text("Approved")
    screenshot(admin, "inbox-bulk-results-1280")
    statuses = dict(Payable.objects.values_list("invoice_number", "status"))
    assert statuses == {
        "BLK-1": "APPROVED",
        "BLK-2": "APPROVED",
        "BLK-3": "APPROVED",
        "BLK-4": "SUBMITTED",
    }

    # Select all on this page, then one refusal among the others: BLK-1 is approved already.
    admin.get_by_role("link", name="Back to the inbox").click()
    admin.get_by_role("link", name="All").first.click()
    # BLK-1 is approved: on the All tab only (the tab is swapped in place).
    expect(admin.get_by_label("Select BLK-1")).to_be_visible()
    admin.get_by_label("Select all on this page").check()
    expect(bar.locator("[data-bulk-summary]")).to_have_text("4 bills selected · $1,610.49 due")
    bar.get_by_role("button", name="Approve selected").click()
    expect(results.get_by_role("heading")).to_have_text("1 of 4 approved")
    expect(results.get_by_role("row", name="BLK-1")).to_contain_text(
        "This bill is approved, so it cannot be approved now."
    )
    expect(results.get_by_role("row", name="BLK-4")).to_contain_text("Approved")


def test_the_bar_on_a_phone(open_page, live_server):
    world = factories.payee_and_payer()
    bills(world)
    admin = open_page(world.payer_admin, viewport=PHONE)
    admin.goto(f"{live_server.url}/b/{world.payer.id}/inbox")
    admin.get_by_label("Select BLK-2").check()
    admin.get_by_label("Select BLK-3").check()
    summary = admin.locator("[data-bulk-summary]")
    expect(summary).to_have_text("2 bills selected · $400.49 due")
    expect(summary).to_be_in_viewport()  # the bar stays on screen
    bar_box = admin.locator("#bulk-form").bounding_box()
    assert bar_box["width"] <= PHONE["width"]
    screenshot(admin, "inbox-bulk-selected-390")


def test_pay_selected_asks_first_and_pays_when_confirmed(open_page, live_server):
    world = factories.payee_and_payer()
    bill = factories.PayableFactory(
        connection=world.connection,
        status=PayableStatus.APPROVED,
        amount=Decimal("75.00"),
        invoice_number="BLK-PAY",
        created_by=world.payee_owner,
        submitted_by=world.payee_owner,
    )
    admin = open_page(world.payer_admin)
    admin.goto(f"{live_server.url}/b/{world.payer.id}/inbox?tab=approved")
    admin.get_by_label("Select BLK-PAY").check()

    admin.once("dialog", lambda dialog: dialog.dismiss())
    admin.get_by_role("button", name="Pay selected now").click()
    expect(admin.locator("[data-bulk-summary]")).to_have_text("1 bill selected · $75.00 due")
    assert Payable.objects.get(pk=bill.pk).status == PayableStatus.APPROVED

    admin.once("dialog", lambda dialog: dialog.accept())
    admin.get_by_role("button", name="Pay selected now").click()
    expect(admin.get_by_test_id("bulk-results").get_by_role("heading")).to_have_text("1 of 1 paid")
    assert Payable.objects.get(pk=bill.pk).status == PayableStatus.PAID
