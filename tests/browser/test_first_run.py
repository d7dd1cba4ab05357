"""
What a finance user trips over in the first hour, checked in the browser: one Save on a
connection's page keeps every edit, the own business ID copied in a click, landing where the
work is, a time zone of one's own, tab counts that follow the filters; at both widths.
"""

import re

import pytest
from playwright.sync_api import expect

from payables.models import PayableStatus
from tests import factories
from tests.browser.conftest import LAPTOP, PHONE, screenshot
from tests.payables.helpers import make_payable

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_one_save_keeps_the_alias_the_tags_and_the_net_terms(open_page):
    world = factories.payee_and_payer()
    factories.TagFactory(business=world.payer, name="Hosting")
    factories.TagFactory(business=world.payer, name="Rent")
    page = open_page(world.payer_owner)
    page.goto(f"/b/{world.payer.id}/connections/{world.connection.id}")

    page.get_by_role("textbox", name="Alias").fill("Globex (hosting)")
    page.get_by_role("checkbox", name="Hosting").check()
    page.get_by_label("Net terms (days)").fill("45")
    page.get_by_label("Approve invoices from").check()
    expect(page.get_by_role("button", name="Save")).to_have_count(1)
    page.get_by_role("button", name="Save changes").click()

    expect(page.locator("#flash")).to_contain_text("Changes saved.")
    expect(page.get_by_role("textbox", name="Alias")).to_have_value("Globex (hosting)")
    expect(page.get_by_role("checkbox", name="Hosting")).to_be_checked()
    expect(page.get_by_role("checkbox", name="Rent")).not_to_be_checked()
    expect(page.get_by_label("Net terms (days)")).to_have_value("45")
    world.connection.refresh_from_db()
    assert world.connection.payer_alias == "Globex (hosting)"
    assert world.connection.net_terms == 45 and world.connection.auto_approve
    assert list(world.connection.tags.values_list("name", flat=True)) == ["Hosting"]
    screenshot(page, "connection-one-form-laptop")

    # A refused part keeps every other edit on the page, unsaved.
    page.get_by_role("textbox", name="Alias").fill("Globex")
    page.get_by_role("checkbox", name="Rent").check()
    page.get_by_label("Net terms (days)").fill("-1")
    page.get_by_role("button", name="Save changes").click()
    expect(page.locator("#f-netTerms-error")).to_be_visible()
    expect(page.get_by_role("textbox", name="Alias")).to_have_value("Globex")
    expect(page.get_by_role("checkbox", name="Rent")).to_be_checked()
    world.connection.refresh_from_db()
    assert world.connection.payer_alias == "Globex (hosting)"

    phone = open_page(world.payer_owner, viewport=PHONE)
    phone.goto(f"/b/{world.payer.id}/connections/{world.connection.id}")
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(phone, "connection-one-form-phone")


def test_the_business_id_is_copied_with_one_click(open_page):
    world = factories.payee_and_payer()
    page = open_page(world.payee_owner)
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.goto(f"/b/{world.payee.id}/connections")

    expect(page.locator("#own-business-id")).to_have_text(world.payee.id)
    page.get_by_role("button", name="Copy business ID").click()

    expect(page.locator("#flash")).to_contain_text(f"Copied {world.payee.id}.")
    assert page.evaluate("navigator.clipboard.readText()") == world.payee.id
    screenshot(page, "connections-business-id-laptop")


def test_the_payee_lands_on_its_home_follows_its_declined_invoice_and_sets_its_time_zone(
    open_page,
):
    world = factories.payee_and_payer()
    declined = make_payable(world, PayableStatus.DECLINED, invoice_number="INV-7")
    declined.decline_reason = "Wrong rate"
    declined.save()

    for name, viewport in (("laptop", LAPTOP), ("phone", PHONE)):
        page = open_page(world.payee_accountant, viewport=viewport)
        expect(page).to_have_url(re.compile(rf"/b/{world.payee.id}/$"))
        page.locator("#need-declined a").click()
        expect(page).to_have_url(re.compile(r"/invoices\?tab=declined$"))
        expect(page.get_by_role("link", name="INV-7", exact=True)).to_be_visible()
        # The current tab is in sight, even where the strip of tabs scrolls.
        current = page.locator(".tabs [aria-current]")
        expect(current).to_contain_text("Declined")
        assert current.evaluate(
            "t => { const s = t.parentElement.getBoundingClientRect(), r ="
            " t.getBoundingClientRect(); return r.left >= s.left && r.right <= s.right; }"
        )
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
        screenshot(page, f"landing-declined-invoice-{name}")

        page.get_by_role("link", name="Settings").first.click()
        page.get_by_role("link", name="Your profile").click()
        expect(page.locator("#own-business-id")).to_have_text(world.payee.id)
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
        screenshot(page, f"settings-profile-{name}")
    page.get_by_label("Time zone").select_option("America/New_York")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#flash")).to_contain_text("Time zone saved.")
    world.payee_accountant.refresh_from_db()
    assert world.payee_accountant.time_zone == "America/New_York"


def test_filtered_tabs_count_what_is_shown(open_page):
    world = factories.payee_and_payer()
    for n in range(3):
        make_payable(world, PayableStatus.SUBMITTED, invoice_number=f"HOST-{n}", memo="Hosting")
    for n in range(8):
        make_payable(world, PayableStatus.APPROVED, invoice_number=f"RENT-{n}", memo="Rent")

    for name, viewport in (("laptop", LAPTOP), ("phone", PHONE)):
        page = open_page(world.payer_owner, viewport=viewport)
        page.goto(f"/b/{world.payer.id}/inbox?tab=all")
        tabs = page.get_by_role("navigation", name="Status")
        expect(tabs.get_by_role("link", name="All 11")).to_be_visible()
        page.get_by_label("Search").fill("hosting")
        expect(page.locator("#list tbody tr")).to_have_count(3)
        expect(tabs.get_by_role("link", name="All 3")).to_be_visible()
        expect(tabs.get_by_role("link", name="Approved 0")).to_be_attached()
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
        screenshot(page, f"inbox-filtered-counts-{name}")
