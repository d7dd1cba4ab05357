"""Pages of bank accounts, payment runs and credits: the same rules as the API."""

import datetime
from decimal import Decimal

import pytest
from django.test import Client

from banking.models import BankAccount, PaymentRun
from credits.models import Credit
from payables.models import Payable, PayableStatus
from tests.banking.helpers import PAYER_ACCOUNT, add_account, verified_default
from tests.payables.helpers import make_payable, today

S = PayableStatus
pytestmark = pytest.mark.django_db


def browser(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_bank_accounts_page_adds_verifies_and_never_shows_the_number(parties):
    client = browser(parties.payer_owner)
    url = f"/b/{parties.payer.id}/settings/bank-accounts"
    bad = client.post(
        url,
        {
            "name": "Ops",
            "routingNumber": "021000022",
            "accountNumber": PAYER_ACCOUNT,
            "accountType": "checking",
        },
    )
    assert bad.status_code == 400
    assert b"checksum" in bad.content and PAYER_ACCOUNT.encode() not in bad.content
    client.post(
        url,
        {
            "name": "Ops",
            "routingNumber": "021000021",
            "accountNumber": PAYER_ACCOUNT,
            "accountType": "checking",
        },
    )
    account = BankAccount.objects.get()
    wrong = client.post(
        f"{url}/{account.id}/verify", {"amount1": "0.1", "amount2": "0.2"}, follow=True
    )
    assert b"2 tries left" in wrong.content
    client.post(f"{url}/{account.id}/verify", {"amount1": "0.32", "amount2": "0.45"})
    client.post(f"{url}/{account.id}/default", {"defaultFor": "paying"})
    account.refresh_from_db()
    assert (account.status, account.default_for) == ("verified", "paying")
    page = client.get(url)
    assert b"6789" in page.content and PAYER_ACCOUNT.encode() not in page.content
    assert b"Default changed" in page.content
    assert browser(parties.payer_approver).get(url).status_code == 403
    assert browser(parties.payee_owner).get(url).status_code == 404


def test_a_run_from_the_page(parties):
    bills = [make_payable(parties, S.APPROVED, amount=Decimal(a)) for a in ("10.00", "20.50")]
    client = browser(parties.payer_owner)
    new = client.get(f"/b/{parties.payer.id}/runs/new")
    assert all(b.invoice_number.encode() in new.content for b in bills)
    refused = client.post(
        f"/b/{parties.payer.id}/runs/new", {"payableIds": [bills[0].id], "date": "2000-01-01"}
    )
    assert refused.status_code == 400
    done = client.post(
        f"/b/{parties.payer.id}/runs/new",
        {"payableIds": [b.id for b in bills], "date": str(today() + datetime.timedelta(days=1))},
    )
    run = PaymentRun.objects.get()
    assert done.status_code == 302 and done["Location"] == f"/b/{parties.payer.id}/runs/{run.id}"
    page = client.get(done["Location"])
    assert b"30.50" in page.content and b"Download NACHA file" in page.content
    listed = client.get(f"/b/{parties.payer.id}/runs")
    assert run.id.encode() in listed.content
    assert browser(parties.payer_viewer).get(done["Location"]).status_code == 200
    assert b"Download NACHA" not in browser(parties.payer_viewer).get(done["Location"]).content
    assert (
        browser(parties.payee_owner).get(f"/b/{parties.payee.id}/runs/{run.id}").status_code == 404
    )
    client.post(f"/b/{parties.payer.id}/runs/{run.id}/mark-sent")
    run.refresh_from_db()
    assert run.status == "sent"


def test_nacha_downloads_with_the_session(parties):
    verified_default(parties, parties.payer, "paying")
    verified_default(parties, parties.payee, "receiving", routing="011000015", number="55554444")
    bill = make_payable(parties, S.APPROVED)
    client = browser(parties.payer_owner)
    client.post(f"/b/{parties.payer.id}/runs/new", {"payableIds": [bill.id], "date": str(today())})
    run = PaymentRun.objects.get()
    response = client.get(f"/api/payment-runs/{run.id}/nacha")
    assert response.status_code == 200 and response.content.startswith(b"101 021000021")


def test_credits_issue_apply_and_void_from_the_pages(parties):
    payee = browser(parties.payee_owner)
    url = f"/b/{parties.payee.id}/credits"
    assert (
        payee.post(url, {"connectionId": parties.connection.id, "amount": "0"}).status_code == 400
    )
    payee.post(
        url, {"connectionId": parties.connection.id, "amount": "30.00", "creditNumber": "CR-7"}
    )
    payee.post(url, {"connectionId": parties.connection.id, "amount": "5.00"})
    first, second = Credit.objects.order_by("created_at", "id")
    payer = browser(parties.payer_owner)
    assert b"CR-7" in payer.get(f"/b/{parties.payer.id}/credits").content
    bill = make_payable(parties, S.APPROVED, amount=Decimal("100.00"))
    detail = payer.get(f"/b/{parties.payer.id}/payables/{bill.id}")
    assert b"Apply a credit" in detail.content
    apply_url = f"/b/{parties.payer.id}/credits/apply/{bill.id}"
    assert b"CR-7" in payer.get(apply_url).content
    too_much = payer.post(apply_url, {"creditId": first.id, "amount": "31.00"})
    assert too_much.status_code == 400
    applied = payer.post(apply_url, {"creditId": first.id, "amount": "12.50"})
    assert applied.status_code == 302
    assert Payable.objects.get(pk=bill.id).amount_due == Decimal("87.50")
    assert browser(parties.payer_viewer).get(apply_url).status_code == 403
    assert payee.get(f"/b/{parties.payee.id}/credits/apply/{bill.id}").status_code == 404
    payee.post(f"/b/{parties.payee.id}/credits/{second.id}/void")
    second.refresh_from_db()
    assert second.status == "void"
    payee.post(f"/b/{parties.payee.id}/credits/{first.id}/void")
    first.refresh_from_db()
    assert first.status == "open"  # partly applied: not voidable


def test_payer_account_page_mentions_only_last4_after_runs(parties):
    add_account(parties, parties.payer)
    page = browser(parties.payer_owner).get(f"/b/{parties.payer.id}/settings/bank-accounts")
    assert PAYER_ACCOUNT.encode() not in page.content
