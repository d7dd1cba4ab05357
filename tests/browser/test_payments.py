"""Paying in parts in the browser: a part recorded as paid by check, then the rest by ACH."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from payables.models import Payable, PayableStatus
from tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_partial_payment_then_the_rest(open_page, live_server):
    world = factories.payee_and_payer()
    payable = factories.PayableFactory(
        connection=world.connection,
        status=PayableStatus.APPROVED,
        amount=Decimal("1000.00"),
        invoice_number="INV-PART",
        created_by=world.payee_owner,
        submitted_by=world.payee_owner,
    )
    admin = open_page(world.payer_admin)
    admin.goto(f"{live_server.url}/b/{world.payer.id}/payables/{payable.id}")

    admin.get_by_role("link", name="Pay now… INV-PART").click()
    dialog = admin.locator("#action-dialog")
    expect(dialog.get_by_label("Amount")).to_have_value("1000.00")
    dialog.get_by_label("Amount").fill("400.00")
    dialog.get_by_label("Method").select_option("check")
    dialog.get_by_label("Reference").fill("CHK 1042")
    admin.get_by_role("button", name="Pay now", exact=True).click()
    expect(admin.locator("#flash")).to_have_text("$400.00 of INV-PART paid; $600.00 is still due.")
    expect(admin.get_by_test_id("amount-due")).to_have_text("$600.00")
    expect(admin.locator("#payments-title + table")).to_contain_text("CHK 1042")

    admin.get_by_role("link", name="Pay now… INV-PART").click()
    expect(admin.locator("#action-dialog").get_by_label("Amount")).to_have_value("600.00")
    admin.get_by_role("button", name="Pay now", exact=True).click()
    expect(admin.locator("#flash")).to_have_text(
        "INV-PART paid: the money is on its way to Globex."
    )
    payable = Payable.objects.get(pk=payable.pk)
    assert (payable.status, payable.amount_paid) == (PayableStatus.PAID, Decimal("1000.00"))
    assert sorted(p.method for p in payable.payments.all()) == ["ach", "check"]
