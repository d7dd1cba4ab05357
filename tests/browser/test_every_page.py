"""
Every page of the app, found by walking the URL patterns, on the demo's world: each answers 200
at a laptop's and a phone's width, is no wider than a phone's screen, and its screenshot goes to
``$ARTIFACTS_DIR/screenshots/every-page/`` (CI keeps them).

A new page is visited the day it is added: a route that is neither visited nor listed in
``NOT_PAGES`` (with the reason it is not a page one opens), or whose path names an object this
test has no sample of, fails ``test_every_page_route_is_visited_or_said_why_not``.
"""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from cleopay import demo
from payables.models import Payable, PayableStatus
from tests import factories
from tests.browser.conftest import LAPTOP, PHONE, SCREENSHOTS, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Routes that are no page a person opens, each with why.
NOT_PAGES = {
    "health-live": "a probe for the orchestrator",
    "health-ready": "a probe for the orchestrator",
    "metrics": "Prometheus's, behind a token",
    "home": "redirects to a business's home",
    "logout": "a post",
    "logout-everywhere": "a post",
    "payable-redirect": "the link in e-mails: redirects to the detail",
    "password-reset-confirm": "needs a reset link's token",
    "verify-email": "needs a verification link's token",
    "verify-email-resend": "a post",
    "invitation-accept": "a post",
    "invitation-decline": "a post",
    "settings": "redirects to the first settings page",
    "settings-member-role": "a post",
    "settings-member-remove": "a post",
    "settings-invitation-revoke": "a post",
    "settings-token-revoke": "a post",
    "inbox-bulk": "a post",
    "inbox-export": "a CSV download",
    "invoices-export": "a CSV download",
    "connections-export": "a CSV download",
    "invoice-line-row": "a fragment the editor adds in place",
    "payable-tags-page": "a post",
    "payable-action": "a confirm step opened in a dialog (its pages are the detail's)",
    "connection-accept": "a post",
    "connection-archive": "a post",
    "settings-tag-rename": "a post",
    "settings-tag-delete": "a post",
    "settings-workflow-step": "a fragment the workflow editor adds in place",
    "settings-workflow-delete": "a post",
    "settings-custom-field-delete": "a post",
    "file-download": "a file download",
    "notifications-read-all": "a post",
    "notification-open": "a post",
    "settings-bank-account-verify": "a post",
    "settings-bank-account-default": "a post",
    "settings-bank-account-delete": "a post",
    "run-mark-sent": "a post",
    "credit-void-page": "a post",
    "settings-webhook-status": "a post",
    "settings-webhook-rotate": "a post",
    "settings-webhook-test": "a post",
    "settings-webhook-delete": "a post",
    "settings-webhook-delivery-retry": "a post",
    "settings-delegation-delete": "a post",
    "comment-post": "a post",
    "comment-edit": "a post",
    "comment-delete": "a post",
    "reports-aging-csv": "a CSV download",
    "reports-cash-flow-csv": "a CSV download",
    "email-approval": "needs an approval e-mail's signed link (tests/payables/test_email_approval.py)",
    "notification-unsubscribe": "needs an e-mail's signed unsubscribe link (tests/notifications)",
}
# Pages of the payee's side (the rest are opened as the payer's owner).
PAYEE_PAGES = {
    "invoices",
    "invoice-new",
    "payable-edit",
    "credits",
    "invoice-import",
    "import-page",
}
# Pages opened without logging in.
VISITOR_PAGES = {
    "login",
    "signup",
    "password-reset",
    "password-reset-sent",
    "password-reset-complete",
}

OVERFLOW = "document.documentElement.scrollWidth > window.innerWidth"


def page_routes():
    """``(name, route)`` of every route that is not the API's or the admin's."""

    def walk(patterns, prefix=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern):
                yield pattern.name, prefix + str(pattern.pattern)

    return [
        (name, route)
        for name, route in walk(get_resolver().url_patterns)
        if not route.startswith(("api/", "admin/", "static/")) and name
    ]


def samples(businesses) -> dict[str, dict[str, str]]:
    """For each side, a value for each path parameter a page names, from the demo's world."""
    from approvals.models import ApprovalWorkflow, CustomFieldDefinition
    from banking.models import PaymentRun
    from connections.models import Tag
    from imports.models import Import
    from webhooks.models import WebhookEndpoint

    acme, globex = businesses["acme"], businesses["globex"]
    submitted = Payable.objects.get(invoice_number="DEMO-GLX-002")
    declined = Payable.objects.get(invoice_number="DEMO-GLX-007")
    approved = Payable.objects.filter(payer=acme, status=PayableStatus.APPROVED).first()
    endpoint = WebhookEndpoint.objects.create(
        business=acme, url="https://hooks.example.com/cleopay", events=["payable.paid"],
        secret="whsec_demo",
    )  # fmt: skip
    # The demo has no custom field: one, as a payer would define it.
    custom_field = CustomFieldDefinition.objects.filter(business=acme).first() or (
        factories.CustomFieldDefinitionFactory(business=acme, key="po_number", label="PO number")
    )
    payer = {
        "business_id": acme.id,
        "payable_id": submitted.id,
        "connection_id": submitted.connection_id,
        "tag_id": Tag.objects.filter(business=acme).values_list("id", flat=True).first(),
        "workflow_id": ApprovalWorkflow.objects.filter(business=acme).first().id,
        "custom_field_id": custom_field.id,
        "run_id": PaymentRun.objects.filter(payer=acme).first().id,
        "endpoint_id": endpoint.id,
    }
    # An import of Globex's whose rows need fixing, as its page shows one.
    upload = Import.objects.create(
        business=globex, mode="draft", filename="march.csv", size=1, sha256="every-page",
        stored="imports/march.csv", total=1, status="invalid",
    )  # fmt: skip
    return {
        "payer": payer,
        "payee": {
            **payer,
            "business_id": globex.id,
            "payable_id": declined.id,
            "import_id": upload.id,
        },
        "credit-apply": {**payer, "payable_id": approved.id},
    }


def plan(businesses) -> list[tuple[str, str, str]]:
    """``(name, side, path)`` of every page to open; a parameter without a sample fails."""
    values = samples(businesses)
    visits, missing = [], []
    for name, route in page_routes():
        if name in NOT_PAGES:
            continue
        side = "visitor" if name in VISITOR_PAGES else "payee" if name in PAYEE_PAGES else "payer"
        path = route
        known = values.get(name) or values["payee" if side == "payee" else "payer"]
        while "<" in path:
            start, end = path.index("<"), path.index(">")
            parameter = path[start + 1 : end].split(":")[-1]
            if known.get(parameter) is None:
                missing.append(f"{name}: no sample of {parameter}")
                break
            path = path[:start] + known[parameter] + path[end + 1 :]
        visits.append((name, side, "/" + path))
    assert missing == [], "pages this test cannot open: add a sample or a NOT_PAGES reason"
    return visits


def test_every_page_route_is_visited_or_said_why_not():
    names = {name for name, _route in page_routes()}
    assert set(NOT_PAGES) <= names, f"not routes any more: {set(NOT_PAGES) - names}"
    assert names >= PAYEE_PAGES | VISITOR_PAGES


@pytest.mark.parametrize("viewport", [LAPTOP, PHONE], ids=["1280", "390"])
def test_every_page_answers_and_fits(open_page, viewport):
    businesses, users = demo.seed_all()
    width = viewport["width"]
    pages = {
        "visitor": open_page(viewport=viewport),
        "payer": open_page(viewport=viewport),
        "payee": open_page(viewport=viewport),
    }
    log_in(pages["payer"], users["alice"].email, demo.PASSWORD)
    log_in(pages["payee"], users["gina"].email, demo.PASSWORD)
    folder = SCREENSHOTS / "every-page"
    folder.mkdir(parents=True, exist_ok=True)
    failures = []
    for name, side, path in plan(businesses):
        page = pages[side]
        response = page.goto(path)
        if response is None or response.status != 200:
            failures.append(f"{path} ({name}): {response and response.status}")
            continue
        if width == PHONE["width"] and page.evaluate(OVERFLOW):
            failures.append(f"{path} ({name}) is wider than a {width} px screen")
        page.screenshot(path=str(folder / f"{name}-{side}-{width}.png"), full_page=True)
    assert failures == []
