"""
What a finance user trips over in the first hour, checked in the browser: one Save on a
connection's page keeps every edit.
"""

import pytest
from playwright.sync_api import expect

from tests import factories
from tests.browser.conftest import PHONE, screenshot

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
