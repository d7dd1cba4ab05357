"""
Every main page, at a laptop's and a phone's width, on the demo data: screenshots for people to
look at (kept by CI), and what a machine can check for them: one h1, every input labelled, no
page wider than the screen, no JavaScript error.
"""

import re

import pytest
from playwright.sync_api import expect

from cleopay import demo
from payables.models import Payable
from tests import factories
from tests.browser.conftest import LAPTOP, PHONE, log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

UNLABELLED_INPUTS = """
() => [...document.querySelectorAll('input:not([type=hidden]), select, textarea')]
  .filter(el => !el.closest('[hidden]'))
  .filter(el => !(el.labels && el.labels.length) && !el.getAttribute('aria-label')
                && !el.getAttribute('aria-labelledby'))
  .map(el => el.name || el.id)
"""


def check(page, name: str) -> None:
    """The page as a person and a screen reader get it, then its screenshot."""
    expect(page.locator("h1")).to_have_count(1)
    assert page.evaluate(UNLABELLED_INPUTS) == [], f"inputs without a label on {name}"
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), (
        f"{name} is wider than the screen"
    )
    screenshot(page, name)


@pytest.fixture
def demo_data(db):
    businesses, users = demo.seed_all()
    factories.CustomFieldDefinitionFactory(
        business=businesses["acme"], key="po_number", label="PO number", required=True
    )
    factories.CustomFieldDefinitionFactory(
        business=businesses["acme"], key="cost_center", label="Cost center", scope="line_item",
        type="select", options=["Ops", "Sales"],
    )  # fmt: skip
    factories.approval_workflow(
        businesses["acme"],
        name="Over $1,000",
        min_amount=1000,
        steps=[{"roles": ["approver"]}, {"roles": ["owner"], "required": 1}],
    )
    return businesses, users


@pytest.mark.parametrize("viewport", [LAPTOP, PHONE], ids=["laptop", "phone"])
def test_every_main_page(open_page, demo_data, viewport):
    businesses, users = demo_data
    size = "laptop" if viewport is LAPTOP else "phone"
    acme, globex = businesses["acme"].id, businesses["globex"].id
    submitted = Payable.objects.get(invoice_number="DEMO-GLX-002")
    declined = Payable.objects.get(invoice_number="DEMO-GLX-007")

    visitor = open_page(viewport=viewport)
    for path, name in (
        ("/login", "login"),
        ("/signup", "signup"),
        ("/password-reset", "password-reset"),
    ):
        visitor.goto(path)
        check(visitor, f"{name}-{size}")

    payer = open_page(viewport=viewport)
    log_in(payer, users["alice"].email, demo.PASSWORD)
    payer_pages = [
        ("inbox", "inbox"),
        ("inbox?tab=all", "inbox-all"),
        (f"payables/{submitted.id}", "payable-detail-payer"),
        ("connections", "connections"),
        (f"connections/{submitted.connection_id}", "connection-detail"),
        ("reports", "reports"),
        ("notifications", "notifications"),
        ("settings/members", "settings-members"),
        ("settings/tags", "settings-tags"),
        ("settings/workflows", "settings-workflows"),
        ("settings/workflows/new", "settings-workflow-editor"),
        ("settings/approvals", "settings-default-approval"),
        ("settings/custom-fields", "settings-custom-fields"),
        ("settings/tokens", "settings-tokens"),
    ]
    for path, name in payer_pages:
        payer.goto(f"/b/{acme}/{path}")
        check(payer, f"{name}-{size}")

    payee = open_page(viewport=viewport)
    log_in(payee, users["gina"].email, demo.PASSWORD)
    for path, name in (
        ("invoices", "invoices"),
        ("invoices/new", "invoice-editor"),
        (f"payables/{declined.id}/edit", "invoice-editor-declined"),
        (f"payables/{submitted.id}", "payable-detail-payee"),
    ):
        payee.goto(f"/b/{globex}/{path}")
        check(payee, f"{name}-{size}")


def test_menus_and_dialogs_work_with_the_keyboard(open_page, demo_data):
    _businesses, users = demo_data
    page = open_page()
    log_in(page, users["alice"].email, demo.PASSWORD)
    page.locator(".mainnav").get_by_role("link", name="Inbox").click()  # from the home

    # The skip link is the first stop and lands on the content.
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to content")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#main")).to_be_focused()

    # The business switcher opens with the keyboard and closes with Escape.
    switcher = page.locator("details.switcher summary")
    switcher.focus()
    page.keyboard.press("Enter")
    expect(page.locator("details.switcher .menu-panel")).to_be_visible()
    page.keyboard.press("Escape")
    expect(page.locator("details.switcher .menu-panel")).to_be_hidden()
    expect(switcher).to_be_focused()

    # A dialog closes with Escape and gives the focus back to what opened it.
    decline = page.get_by_role("link", name="Decline…").first
    decline.focus()
    page.keyboard.press("Enter")
    expect(page.locator("#action-dialog")).to_be_visible()
    expect(page.locator("#action-dialog").get_by_label("Reason")).to_be_focused()
    page.keyboard.press("Escape")
    expect(page.locator("#action-dialog")).to_be_hidden()
    expect(decline).to_be_focused()


# Runs when the list changes (a MutationObserver, right after the swap's task): whether htmx has
# already taken over the new filter form and tab links (its mark on an element it has processed),
# so that submitting or clicking them now stays in place instead of loading the whole page.
WATCH_SWAPS = """
() => {
  window.swapChecks = [];
  const processed = el => Boolean(el && el['htmx-internal-data'] &&
                                  el['htmx-internal-data'].initHash);
  new MutationObserver(() => {
    const form = document.querySelector('#list form.filters');
    const tab = document.querySelector('#list a[hx-get]');
    if (form && tab) window.swapChecks.push([processed(form), processed(tab)]);
  }).observe(document.body, {childList: true, subtree: true});
}
"""


def test_a_swapped_list_is_live_at_once(open_page, demo_data):
    """No moment after an update where the new form or tabs would reload the whole page (htmx
    processes new content when it settles, which must not wait)."""
    _businesses, users = demo_data
    page = open_page()
    log_in(page, users["alice"].email, demo.PASSWORD)
    page.locator(".mainnav").get_by_role("link", name="Inbox").click()  # from the home
    page.evaluate(WATCH_SWAPS)
    page.get_by_role("link", name="All", exact=False).last.click()
    expect(page.locator("#list tbody tr")).to_have_count(14)  # 3 in the demo's run
    page.evaluate("window.notReloaded = true")
    page.get_by_label("Search").fill("hosting")
    expect(page.locator("#list tbody tr")).to_have_count(5)  # DEMO-GLX-0003 repeats March
    checks = page.evaluate("window.swapChecks")
    assert checks and all(submit and click for submit, click in checks), checks
    assert page.evaluate("window.notReloaded") is True


def test_inbox_filters_and_tabs_update_in_place(open_page, demo_data):
    _businesses, users = demo_data
    page = open_page()
    log_in(page, users["alice"].email, demo.PASSWORD)
    page.locator(".mainnav").get_by_role("link", name="Inbox").click()  # from the home
    page.get_by_role("link", name="All", exact=False).last.click()
    expect(page.locator("#list tbody tr")).to_have_count(14)  # 3 in the demo's run
    page.evaluate("window.notReloaded = true")

    page.get_by_label("Search").fill("hosting")
    expect(page.locator("#list tbody tr")).to_have_count(5)  # DEMO-GLX-0003 repeats March
    expect(page).to_have_url(re.compile(r"search=hosting"))
    page.get_by_label("Amount up to").fill("400")
    page.get_by_label("Amount up to").press("Enter")
    expect(page.locator("#list .empty")).to_have_text("No bills match these filters.")
    page.get_by_label("Amount up to").fill("")
    page.get_by_label("Amount up to").press("Enter")
    expect(page.locator("#list tbody tr")).to_have_count(5)
    page.get_by_role("link", name="Paid", exact=False).first.click()
    expect(page.locator("#list tbody tr")).to_have_count(1)
    expect(page.locator("#list tbody")).to_contain_text("DEMO-GLX-006")
    assert page.evaluate("window.notReloaded") is True  # all of it without a page load
