"""
A payable's life in the browser, as the issue tells it: the payee writes an invoice of three
lines with an attachment and submits it; the payer's approver approves it from the inbox; the
admin schedules and pays it; the payee sees it paid. Then a decline and resubmit round, and a
required custom field refused, then filled.
"""

import datetime

import pytest
from playwright.sync_api import expect

from payables.models import Payable, PayableStatus
from tests import factories
from tests.browser.conftest import PHONE, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def today() -> datetime.date:
    return datetime.datetime.now(datetime.UTC).date()


def fill_line(page, index: int, description: str, quantity: str, unit_price: str) -> None:
    row = page.locator("#line-rows tr").nth(index)
    row.get_by_label("Description").fill(description)
    row.get_by_label("Quantity").fill(quantity)
    row.get_by_label("Unit price").fill(unit_price)


def add_line(page, count_after: int) -> None:
    page.get_by_role("button", name="+ Add line").click()
    expect(page.locator("#line-rows tr")).to_have_count(count_after)


def status_badge(page):
    return page.locator(".summary .badge")


def test_invoice_from_draft_to_paid(open_page):
    world = factories.payee_and_payer()

    # --- the payee writes the invoice: three lines, live totals, an attachment, submit ----------
    payee = open_page(world.payee_accountant)
    payee.get_by_role("link", name="Invoices", exact=True).click()
    payee.get_by_role("link", name="New invoice").click()
    expect(payee.get_by_label("Invoice number")).to_have_value("INV-000001")
    due = (today() + datetime.timedelta(days=30)).isoformat()
    expect(payee.get_by_label("Due date")).to_have_value(due)

    fill_line(payee, 0, "Design workshop", "10", "120.00")
    add_line(payee, 2)
    expect(payee.locator("#line-rows tr").nth(1).get_by_label("Description")).to_be_focused()
    fill_line(payee, 1, "Build", "2.5", "80.10")
    add_line(payee, 3)
    fill_line(payee, 2, "Hosting", "1", "45")
    expect(payee.locator("#line-rows tr").nth(1).locator("[data-line-total]")).to_have_text(
        "$200.25"
    )
    expect(payee.locator("#invoice-total")).to_have_text("$1,445.25")
    payee.get_by_label("Memo").fill("March work, as agreed")
    payee.locator("#f-newAttachments").set_input_files(
        files=[
            {"name": "timesheet.pdf", "mimeType": "application/pdf", "buffer": factories.PDF_BYTES}
        ]
    )
    screenshot(payee, "editor-new-invoice-laptop")
    payee.get_by_role("button", name="Submit", exact=True).click()

    payee.wait_for_url("**/payables/pay_*")
    expect(status_badge(payee)).to_have_text("Submitted")
    expect(payee.locator("#flash")).to_contain_text("INV-000001 submitted to Acme.")
    expect(payee.get_by_role("link", name="timesheet.pdf")).to_be_visible()
    payable = Payable.objects.get()
    assert payable.amount == 1445.25 or str(payable.amount) == "1445.25"
    assert payable.line_items.count() == 3
    screenshot(payee, "detail-payee-submitted")

    # --- the payer's approver approves it from the inbox, with the keyboard ---------------------
    approver = open_page(world.payer_approver)
    expect(approver.locator("#nav-awaiting")).to_contain_text("1")
    approver.locator("#need-awaiting a").click()  # from the home
    row = approver.locator(f"#row-{payable.id}")
    expect(row).to_contain_text("INV-000001")
    expect(row).to_contain_text("$1,445.25")
    screenshot(approver, "inbox-awaiting-laptop")
    row.get_by_role("link", name="Approve… INV-000001").focus()
    approver.keyboard.press("Enter")
    dialog = approver.locator("#action-dialog")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_role("heading")).to_have_text("Approve INV-000001?")
    expect(dialog.get_by_role("button", name="Approve", exact=True)).to_be_focused()
    screenshot(approver, "dialog-approve")
    approver.keyboard.press("Enter")

    expect(dialog).to_be_hidden()
    expect(approver.locator("#flash")).to_have_text("INV-000001 approved.")
    expect(approver.locator(f"#row-{payable.id}")).to_have_count(0)
    expect(approver.locator("#nav-awaiting")).to_contain_text("0")
    assert Payable.objects.get().status == PayableStatus.APPROVED

    # --- the admin schedules it, then pays it now --------------------------------------------------
    admin = open_page(world.payer_admin)
    admin.locator(".mainnav").get_by_role("link", name="Inbox").click()
    admin.get_by_role("link", name="Approved", exact=False).first.click()
    admin.get_by_role("link", name="INV-000001", exact=True).click()
    expect(status_badge(admin)).to_have_text("Approved")
    admin.get_by_role("link", name="Schedule… INV-000001").click()
    payment_date = (today() + datetime.timedelta(days=7)).isoformat()
    admin.get_by_label("Payment date").fill(payment_date)
    admin.get_by_role("button", name="Schedule payment").click()
    expect(status_badge(admin)).to_have_text("Scheduled")
    expect(admin.locator("#flash")).to_contain_text("Payment of INV-000001 scheduled for")
    screenshot(admin, "detail-payer-scheduled")

    admin.get_by_role("link", name="Pay now… INV-000001").click()
    expect(admin.locator("#action-dialog")).to_contain_text("$1,445.25 goes to Globex now.")
    admin.get_by_role("button", name="Pay now", exact=True).click()
    expect(status_badge(admin)).to_have_text("Paid")
    expect(admin.locator("#flash")).to_have_text(
        "INV-000001 paid: the money is on its way to Globex."
    )

    # --- the payee sees it paid ------------------------------------------------------------------
    payee.reload()
    expect(status_badge(payee)).to_have_text("Paid")
    expect(payee.locator("#payments-title + table")).to_contain_text("Completed")
    screenshot(payee, "detail-payee-paid")


def test_decline_then_edit_and_resubmit(open_page):
    from payables import services

    world = factories.payee_and_payer()
    payable = services.payable_create(
        business_id=world.payee.id,
        actor=world.payee_owner,
        connection_id=world.connection.id,
        invoice_number="INV-2040",
        line_items=[{"description": "Consulting", "quantity": 20, "unit_price": 150}],
        submit=True,
    )

    approver = open_page(world.payer_approver)
    approver.goto(f"/b/{world.payer.id}/payables/{payable.id}")
    approver.get_by_role("link", name="Decline… INV-2040").click()
    dialog = approver.locator("#action-dialog")
    expect(dialog.get_by_label("Reason")).to_be_focused()
    dialog.get_by_role("button", name="Decline", exact=True).click()
    expect(dialog.locator(".field-error")).to_have_text("This field may not be blank.")
    dialog.get_by_label("Reason").fill("Split the hours by project, please.")
    dialog.get_by_role("button", name="Decline", exact=True).click()
    expect(status_badge(approver)).to_have_text("Declined")

    payee = open_page(world.payee_owner)
    payee.goto(f"/b/{world.payee.id}/payables/{payable.id}")
    expect(payee.locator(".callout")).to_contain_text("Split the hours by project, please.")
    payee.get_by_role("link", name="Edit and resubmit").click()
    expect(payee.locator(".callout")).to_contain_text("Declined by Acme")
    screenshot(payee, "editor-declined")
    fill_line(payee, 0, "Consulting, project A", "12", "150")
    add_line(payee, 2)
    fill_line(payee, 1, "Consulting, project B", "8", "150")
    expect(payee.locator("#invoice-total")).to_have_text("$3,000.00")
    payee.get_by_role("button", name="Resubmit").click()
    expect(status_badge(payee)).to_have_text("Submitted")
    expect(payee.locator("#flash")).to_contain_text("INV-2040 resubmitted to Acme.")

    approver.goto(f"/b/{world.payer.id}/inbox")
    expect(approver.locator(f"#row-{payable.id}")).to_contain_text("INV-2040")
    payable.refresh_from_db()
    assert payable.status == PayableStatus.SUBMITTED
    assert payable.line_items.count() == 2


def test_a_required_custom_field_is_refused_then_filled(open_page):
    world = factories.payee_and_payer()
    factories.CustomFieldDefinitionFactory(
        business=world.payer, key="po_number", label="PO number", required=True
    )

    payee = open_page(world.payee_owner, viewport=PHONE)
    payee.goto(f"/b/{world.payee.id}/invoices/new")
    expect(payee.locator("label[for='f-customFields-po_number']")).to_contain_text("(required)")
    fill_line(payee, 0, "Supplies", "3", "19.99")
    payee.get_by_role("button", name="Submit", exact=True).click()

    field = payee.get_by_label("PO number")
    expect(field).to_have_attribute("aria-invalid", "true")
    expect(payee.locator("#f-customFields-po_number-error")).to_have_text("This field is required.")
    # What was typed is still there.
    expect(payee.locator("#line-rows tr").first.get_by_label("Description")).to_have_value(
        "Supplies"
    )
    screenshot(payee, "editor-required-field-phone")
    assert not Payable.objects.exists()

    field.fill("PO-7781")
    payee.get_by_role("button", name="Submit", exact=True).click()
    expect(status_badge(payee)).to_have_text("Submitted")
    payable = Payable.objects.get()
    assert payable.custom_fields == {"po_number": "PO-7781"}
    expect(payee.get_by_text("PO-7781")).to_be_visible()
