"""In the payee's editor, a custom field with a condition shows and hides as the field it depends
on changes (docs/api/custom-fields.md)."""

import pytest
from playwright.sync_api import expect

from tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_conditional_field_follows_its_controller_live(open_page):
    people = factories.payee_and_payer()
    make = factories.CustomFieldDefinitionFactory
    make(business=people.payer, key="hasPo", label="Has a PO", type="boolean")
    make(
        business=people.payer,
        key="poNumber",
        label="PO number",
        placeholder="PO-0000",
        required=True,
        visible_when={"key": "hasPo", "equals": True},
    )
    page = open_page()
    page.goto("/login")
    page.get_by_label("E-mail").fill(people.payee_owner.email)
    page.get_by_label("Password").fill("correct horse battery staple")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()
    page.goto(f"/b/{people.payee.id}/invoices/new")

    po = page.get_by_label("PO number")
    expect(po).to_be_hidden()
    page.get_by_label("Has a PO").select_option("true")
    expect(po).to_be_visible()
    expect(po).to_have_attribute("placeholder", "PO-0000")
    page.get_by_label("Has a PO").select_option("false")
    expect(po).to_be_hidden()
