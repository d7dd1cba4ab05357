"""Lists that do real work, in the browser: sorted by a column and totalled, exported as filtered;
and the feedback the forms give: sent once however often clicked, an upload's progress, a
warning before unsaved changes are left. (Bulk approval of three bills: tests/browser/test_bulk.py.)"""

import csv
import datetime
import io
from decimal import Decimal
from pathlib import Path

import pytest
from playwright.sync_api import expect

from payables.models import Payable, PayableStatus
from tests import factories
from tests.browser.conftest import PHONE, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def bills(world):
    today = datetime.datetime.now(datetime.UTC).date()
    rows = {
        "SRT-1": ("1200.00", 20, PayableStatus.APPROVED),
        "SRT-2": ("350.50", 5, PayableStatus.APPROVED),
        "SRT-3": ("49.99", 10, PayableStatus.APPROVED),
        "SRT-4": ("10.00", 3, PayableStatus.PAID),
    }
    for number, (amount, days, status) in rows.items():
        factories.PayableFactory(
            connection=world.connection,
            status=status,
            amount=Decimal(amount),
            invoice_number=number,
            due_date=today + datetime.timedelta(days=days),
            created_by=world.payee_owner,
            submitted_by=world.payee_owner,
        )


def numbers(page) -> list[str]:
    return page.locator("#list tbody .row-title").all_inner_texts()


def test_sort_by_a_column_and_read_the_lists_total(open_page, live_server):
    world = factories.payee_and_payer()
    bills(world)
    page = open_page(world.payer_owner)
    page.goto(f"{live_server.url}/b/{world.payer.id}/inbox?tab=approved")

    expect(page.locator("[data-list-totals]")).to_have_text("3 bills · $1,600.49 · $1,600.49 due")
    page.get_by_role("link", name="Amount").click()
    expect(page.get_by_role("columnheader", name="Amount")).to_have_attribute(
        "aria-sort", "descending"
    )
    assert numbers(page) == ["SRT-1", "SRT-2", "SRT-3"]
    page.get_by_role("link", name="Due").click()
    expect(page.get_by_role("columnheader", name="Due")).to_have_attribute(
        "aria-sort", "descending"
    )
    page.get_by_role("link", name="Due").click()
    expect(page.get_by_role("columnheader", name="Due")).to_have_attribute("aria-sort", "ascending")
    assert numbers(page) == ["SRT-2", "SRT-3", "SRT-1"]
    assert "sort=due" in page.url
    screenshot(page, "inbox-sorted-by-due-1280")

    # Filtering keeps the sort; the total follows the filters.
    page.get_by_label("Amount from").fill("100")
    page.get_by_role("button", name="Filter").click()
    expect(page.locator("[data-list-totals]")).to_have_text("2 bills · $1,550.50 · $1,550.50 due")
    assert numbers(page) == ["SRT-2", "SRT-1"]


def test_download_the_filtered_export_and_read_its_rows(open_page, live_server):
    world = factories.payee_and_payer()
    bills(world)
    page = open_page(world.payer_owner)
    page.goto(f"{live_server.url}/b/{world.payer.id}/inbox?tab=approved&sort=amount&amountMax=500")
    expect(page.locator("[data-list-totals]")).to_contain_text("2 bills")

    with page.expect_download() as download:
        page.get_by_role("link", name="Export CSV").click()
    body = Path(download.value.path()).read_text(encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(body)))
    assert [(row["invoice_number"], row["amount"]) for row in rows] == [
        ("SRT-3", "49.99"),
        ("SRT-2", "350.50"),
    ]


def test_a_double_click_sends_the_invoice_once(open_page, live_server):
    world = factories.payee_and_payer()
    page = open_page(world.payee_owner)
    page.goto(f"{live_server.url}/b/{world.payee.id}/invoices/new")
    row = page.locator("#line-rows tr").first
    row.get_by_label("Description").fill("Consulting")
    row.get_by_label("Quantity").fill("2")
    row.get_by_label("Unit price").fill("150.00")

    page.get_by_role("button", name="Save draft").dblclick()

    expect(page.locator(".badge.status-draft").first).to_be_visible()
    assert Payable.objects.count() == 1


def test_a_busy_button_says_so_and_a_second_submit_does_nothing(open_page, live_server):
    world = factories.payee_and_payer()
    bills(world)
    page = open_page(world.payer_owner)
    page.goto(f"{live_server.url}/b/{world.payer.id}/inbox?tab=approved")
    # The request is held back until the busy state has been seen.
    held = []
    page.route("**/inbox/bulk", lambda route: held.append(route))
    page.get_by_label("Select SRT-1").check()
    # Clicked, looked at and clicked again from the page's own script: Playwright's locators
    # would wait for the navigation held back.
    seen = page.evaluate(
        """() => {
          const form = document.getElementById("bulk-form");
          const button = form.querySelector("button[value=schedule]");
          button.click();
          const busy = [button.classList.contains("is-busy"), form.getAttribute("aria-busy")];
          const again = new SubmitEvent("submit", {cancelable: true, bubbles: true, submitter: button});
          const sent = form.dispatchEvent(again);
          button.click();  // a second real click
          return [...busy, sent];
        }"""
    )
    assert seen == [True, "true", False]  # busy, and the second submit was stopped
    page.wait_for_timeout(300)
    assert len(held) == 1  # one request, however often it was clicked
    held[0].continue_()
    expect(page.get_by_test_id("bulk-results")).to_be_visible()
    assert Payable.objects.get(invoice_number="SRT-1").status == PayableStatus.SCHEDULED


def test_leaving_the_editor_with_unsaved_changes_asks_first(open_page, live_server):
    world = factories.payee_and_payer()
    page = open_page(world.payee_owner, viewport=PHONE)
    page.goto(f"{live_server.url}/b/{world.payee.id}/invoices/new")
    row = page.locator("#line-rows tr").first
    row.get_by_label("Description").fill("Draft work")
    row.get_by_label("Quantity").fill("1")
    row.get_by_label("Unit price").fill("80.00")

    asked = []

    def answer(dialog):
        asked.append(dialog.type)
        dialog.dismiss()  # stay on the page

    page.on("dialog", answer)
    page.get_by_role("link", name="Cancel").click()
    page.wait_for_timeout(300)
    assert asked == ["beforeunload"]
    assert page.url.endswith("/invoices/new")

    # Saved, nothing is asked.
    page.remove_listener("dialog", answer)
    page.get_by_role("button", name="Save draft").click()
    expect(page.locator(".badge.status-draft").first).to_be_visible()


def test_an_attachment_upload_shows_its_progress_then_the_saved_draft(open_page, live_server):
    world = factories.payee_and_payer()
    page = open_page(world.payee_owner)
    page.goto(f"{live_server.url}/b/{world.payee.id}/invoices/new")
    row = page.locator("#line-rows tr").first
    row.get_by_label("Description").fill("Audit")
    row.get_by_label("Quantity").fill("1")
    row.get_by_label("Unit price").fill("900.00")
    page.set_input_files(
        "#f-newAttachments",
        files=[
            {
                "name": "audit.pdf",
                "mimeType": "application/pdf",
                "buffer": factories.PDF_BYTES * 2000,
            }
        ],
    )
    held = []
    page.route(
        "**/invoices/new",
        lambda route: held.append(route) if route.request.method == "POST" else route.continue_(),
    )
    page.get_by_role("button", name="Save draft").click()
    expect(page.locator("[data-upload-status]")).to_contain_text("Upload")
    expect(page.locator("[data-upload-status] progress")).to_be_visible()
    page.wait_for_timeout(100)
    held[0].continue_()
    expect(page.locator(".badge.status-draft").first).to_be_visible()
    expect(page.get_by_text("audit.pdf")).to_be_visible()
    payable = Payable.objects.get()
    assert payable.attachment_links.count() == 1
