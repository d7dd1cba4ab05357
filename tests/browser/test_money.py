"""Money in the browser: a credit applied, and a payment run of three bills with its NACHA file."""

import datetime
from decimal import Decimal

import achkit
import pytest
from playwright.sync_api import expect

from banking import services as banking_services
from banking.models import SANDBOX_MICRO_DEPOSITS, PaymentRun
from payables.models import Payable, PayableStatus
from tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def approved(world, connection, amount: str, number: str) -> Payable:
    return factories.PayableFactory(
        connection=connection,
        status=PayableStatus.APPROVED,
        amount=Decimal(amount),
        invoice_number=number,
        created_by=world.payee_owner,
        submitted_by=world.payee_owner,
    )


def test_a_credit_applied(open_page, live_server):
    world = factories.payee_and_payer()
    payable = approved(world, world.connection, "1000.00", "INV-CRED")

    payee = open_page(world.payee_owner)
    payee.goto(f"{live_server.url}/b/{world.payee.id}/credits")
    payee.get_by_label("Amount").fill("120.00")
    payee.get_by_label("Credit number").fill("CR-9")
    payee.get_by_role("button", name="Issue credit").click()
    expect(payee.locator("#flash")).to_contain_text("Credit of 120.00 issued.")
    expect(payee.get_by_test_id("credits")).to_contain_text("CR-9")

    payer = open_page(world.payer_admin)
    payer.goto(f"{live_server.url}/b/{world.payer.id}/payables/{payable.id}")
    payer.get_by_role("link", name="Apply a credit").click()
    expect(payer.get_by_label("CR-9: $120.00 remaining")).to_be_checked()
    payer.get_by_role("button", name="Apply credit").click()
    expect(payer.locator("#flash")).to_contain_text("Credit applied.")
    expect(payer.get_by_test_id("amount-due")).to_have_text("$880.00")
    assert Payable.objects.get(pk=payable.pk).amount_credited == Decimal("120.00")


def _receiving_account(owner, business, routing: str, number: str) -> None:
    account = banking_services.bank_account_create(
        business_id=business.id,
        actor=owner,
        name="Receivables",
        routing_number=routing,
        account_number=number,
        account_type="checking",
    )
    banking_services.bank_account_verify(
        bank_account_id=account.id, actor=owner, amounts=list(SANDBOX_MICRO_DEPOSITS)
    )
    banking_services.bank_account_update(
        bank_account_id=account.id, actor=owner, changes={"defaultFor": "receiving"}
    )


def test_a_run_of_three_bills_with_its_nacha_file(open_page, live_server, tmp_path):
    world = factories.payee_and_payer()
    initech = factories.BusinessFactory(name="Initech")
    initech_owner = factories.member(initech, "owner", email="owner@initech.test")
    second = factories.ConnectionFactory(payer=world.payer, payee=initech)
    bills = [
        approved(world, world.connection, "1200.00", "G-101"),
        approved(world, world.connection, "300.45", "G-102"),
        approved(world, second, "99.55", "I-201"),
    ]
    _receiving_account(world.payee_owner, world.payee, "011000015", "700012345")
    _receiving_account(initech_owner, initech, "121000358", "880012349")

    page = open_page(world.payer_owner)
    # The payer's funding account, added and verified on the settings page.
    page.goto(f"{live_server.url}/b/{world.payer.id}/settings/bank-accounts")
    page.get_by_label("Name").fill("Operating")
    page.get_by_label("Routing number").fill("021000021")
    page.get_by_label("Account number").fill("400012345678")
    page.get_by_role("button", name="Add bank account").click()
    expect(page.get_by_test_id("bank-accounts")).to_contain_text("••••5678")
    page.get_by_label("First deposit").fill("0.32")
    page.get_by_label("Second deposit").fill("0.45")
    page.get_by_role("button", name="Verify").click()
    expect(page.locator("#flash")).to_contain_text("Bank account verified.")
    page.get_by_role("button", name="Default for paying").click()
    expect(page.get_by_test_id("bank-accounts")).to_contain_text("Paying")
    expect(page.locator("body")).not_to_contain_text("400012345678")

    page.goto(f"{live_server.url}/b/{world.payer.id}/runs")
    page.get_by_role("link", name="New payment run").click()
    for bill in bills:
        page.get_by_label(f"Include {bill.invoice_number}").check()
    on = datetime.datetime.now(datetime.UTC).date() + datetime.timedelta(days=3)
    page.get_by_label("Pay on").fill(on.isoformat())
    page.get_by_role("button", name="Schedule the run").click()
    expect(page.locator("#flash")).to_contain_text("Payment run of 3 bills scheduled.")
    expect(page.get_by_test_id("run-total")).to_have_text("$1,600.00")
    expect(page.get_by_test_id("run-items")).to_contain_text("I-201")

    with page.expect_download() as download:
        page.get_by_test_id("nacha-download").click()
    path = tmp_path / "run.ach"
    download.value.save_as(path)
    text = path.read_text(encoding="ascii")
    assert achkit.validate(text)["ok"], achkit.validate(text)["errors"]
    (batch,) = achkit.parse(text)["batches"]
    assert sorted((e["name"], e["amount_cents"]) for e in batch["entries"]) == [
        ("GLOBEX", 150045),
        ("INITECH", 9955),
    ]
    assert batch["control"]["total_credit"] == 160000
    run = PaymentRun.objects.get()
    assert download.value.suggested_filename == f"{run.id}.ach"
    assert {Payable.objects.get(pk=b.pk).status for b in bills} == {PayableStatus.SCHEDULED}
