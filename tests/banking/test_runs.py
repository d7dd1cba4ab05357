"""Payment runs (docs/api/banking.md): many payables for one date, one total, one NACHA file."""

import datetime
from decimal import Decimal

import achkit
import pytest

from banking.models import PaymentRun, PaymentRunItem
from payables import services as payable_services
from payables.models import BANK_FILE_RAIL, Payable, PayableStatus, Payment, PaymentStatus
from tests import factories
from tests.banking.helpers import PAYEE_ACCOUNT, PAYEE_ROUTING, verified_default
from tests.payables.helpers import error_fields, make_payable, today

S = PayableStatus
pytestmark = pytest.mark.django_db


@pytest.fixture
def bills(parties):
    """Three approved bills of Acme: two from Globex, one from a second payee, Initech."""
    initech = factories.BusinessFactory(name="Initech")
    parties.initech = initech
    parties.initech_owner = factories.member(initech, "owner", email="owner@initech.test")
    other = factories.ConnectionFactory(payer=parties.payer, payee=initech)
    return [
        make_payable(parties, S.APPROVED, amount=Decimal("1000.00"), invoice_number="G-1"),
        make_payable(parties, S.APPROVED, amount=Decimal("250.25"), invoice_number="G-2"),
        factories.PayableFactory(
            connection=other,
            status=S.APPROVED,
            amount=Decimal("75.10"),
            invoice_number="I-9",
            created_by=parties.initech_owner,
            submitted_by=parties.initech_owner,
        ),
    ]


def create_run(parties, payable_ids, user=None, on=None, **body):
    return parties.client(user or parties.payer_owner).post(
        f"/api/businesses/{parties.payer.id}/payment-runs",
        {
            "payableIds": payable_ids,
            "date": str(on or today() + datetime.timedelta(days=2)),
            **body,
        },
        format="json",
    )


def accounts(parties):
    verified_default(parties, parties.payer, "paying")
    verified_default(
        parties, parties.payee, "receiving", routing=PAYEE_ROUTING, number=PAYEE_ACCOUNT
    )
    verified_default(
        parties,
        parties.initech,
        "receiving",
        user=parties.initech_owner,
        routing="121000358",
        number="4444333322",
    )


class TestCreate:
    def test_a_run_schedules_its_payables_together(self, parties, bills):
        response = create_run(parties, [b.id for b in bills])
        assert response.status_code == 201, response.content
        run = response.json()
        assert run["id"].startswith("run_")
        assert run["total"] == 1325.35 and run["itemCount"] == 3
        assert run["status"] == "scheduled" and run["settlement"] == "rail"
        assert [i["payableId"] for i in run["items"]] == [b.id for b in bills]
        assert [i["invoiceNumber"] for i in run["items"]] == ["G-1", "G-2", "I-9"]
        assert {Payable.objects.get(pk=b.id).status for b in bills} == {S.SCHEDULED}
        again = parties.client(parties.payer_viewer).get(f"/api/payment-runs/{run['id']}")
        assert again.status_code == 200 and again.json()["total"] == 1325.35
        listed = (
            parties.client(parties.payer_viewer)
            .get(f"/api/businesses/{parties.payer.id}/payment-runs")
            .json()
        )
        assert [r["id"] for r in listed["results"]] == [run["id"]]

    def test_one_refusal_writes_nothing(self, parties, bills):
        submitted = make_payable(parties, S.SUBMITTED)
        ids = [bills[0].id, submitted.id, bills[1].id]
        response = create_run(parties, ids)
        assert response.status_code == 409, response.content
        assert response.json()["field"] == "payableIds[1]"
        assert not PaymentRun.objects.exists()
        assert not Payment.objects.exists()
        assert {Payable.objects.get(pk=b.id).status for b in bills} == {S.APPROVED}

    def test_a_past_date_names_the_item(self, parties, bills):
        response = create_run(parties, [bills[0].id], on=today() - datetime.timedelta(days=1))
        assert response.status_code == 400
        assert "payableIds[0]" in error_fields(response)

    def test_another_business_payable_is_named_and_not_disclosed(self, parties, bills):
        foreign = factories.PayableFactory(status=S.APPROVED)
        response = create_run(parties, [bills[0].id, foreign.id, "pay_doesnotexist"])
        assert response.status_code == 400
        assert "payableIds[1]" in error_fields(response)
        draft = make_payable(parties, S.DRAFT)  # the payer's, but not yet for its eyes
        response = create_run(parties, [draft.id])
        assert response.status_code == 400 and "payableIds[0]" in error_fields(response)
        assert not Payment.objects.exists()
        # A run mixing businesses: the payee asking for the payer's bills.
        mixed = parties.client(parties.payee_owner).post(
            f"/api/businesses/{parties.payee.id}/payment-runs",
            {"payableIds": [bills[0].id], "date": str(today())},
            format="json",
        )
        assert mixed.status_code == 400 and "payableIds[0]" in error_fields(mixed)

    @pytest.mark.parametrize(
        "body, field",
        [
            ({"payableIds": []}, "payableIds"),
            ({"payableIds": ["nope"]}, "payableIds[0]"),
            ({"date": "soon"}, "date"),
            ({"fundingAccountId": "bank_missing"}, "fundingAccountId"),
        ],
    )
    def test_bad_input(self, parties, bills, body, field):
        payload = {"payableIds": [bills[0].id], "date": str(today()), **body}
        response = parties.client(parties.payer_owner).post(
            f"/api/businesses/{parties.payer.id}/payment-runs", payload, format="json"
        )
        assert response.status_code == 400, response.content
        assert field in error_fields(response)

    def test_duplicates_are_refused(self, parties, bills):
        response = create_run(parties, [bills[0].id, bills[0].id])
        assert response.status_code == 400 and "payableIds" in error_fields(response)

    def test_an_unverified_funding_account_is_refused(self, parties, bills):
        from tests.banking.helpers import add_account

        account_id = add_account(parties, parties.payer).json()["id"]
        response = create_run(parties, [bills[0].id], fundingAccountId=account_id)
        assert response.status_code == 400 and "fundingAccountId" in error_fields(response)
        payee_account = verified_default(parties, parties.payee, "receiving", routing=PAYEE_ROUTING)
        response = create_run(parties, [bills[0].id], fundingAccountId=payee_account.id)
        assert response.status_code == 400 and "fundingAccountId" in error_fields(response)

    @pytest.mark.parametrize("role", ["payer_approver", "payer_accountant", "payer_viewer"])
    def test_wrong_role(self, parties, bills, role):
        assert create_run(parties, [bills[0].id], user=getattr(parties, role)).status_code == 403


class TestNacha:
    def test_the_file_has_one_entry_per_payee_naming_the_invoices(self, parties, bills):
        accounts(parties)
        run_id = create_run(parties, [b.id for b in bills]).json()["id"]
        response = parties.client(parties.payer_admin).get(f"/api/payment-runs/{run_id}/nacha")
        assert response.status_code == 200, response.content
        assert response["Content-Disposition"] == f'attachment; filename="{run_id}.ach"'
        text = response.content.decode("ascii")
        report = achkit.validate(text)
        assert report["ok"], report["errors"]
        (batch,) = achkit.parse(text)["batches"]
        entries = {e["name"]: e for e in batch["entries"]}
        assert set(entries) == {"GLOBEX", "INITECH"}
        assert entries["GLOBEX"]["amount_cents"] == 125025
        assert entries["GLOBEX"]["account"] == PAYEE_ACCOUNT
        assert entries["GLOBEX"]["routing"] == PAYEE_ROUTING
        assert entries["GLOBEX"]["addenda"][0]["info"] == "INV G-1,G-2"
        assert entries["INITECH"]["amount_cents"] == 7510
        assert entries["INITECH"]["addenda"][0]["info"] == "INV I-9"
        assert batch["control"]["total_credit"] == 132535
        assert batch["control"]["entry_hash"] == str(1100001 + 12100035).zfill(10)

    def test_without_verified_accounts_it_is_a_409(self, parties, bills):
        run_id = create_run(parties, [bills[0].id]).json()["id"]
        response = parties.client(parties.payer_owner).get(f"/api/payment-runs/{run_id}/nacha")
        assert response.status_code == 409
        verified_default(parties, parties.payer, "paying")
        response = parties.client(parties.payer_owner).get(f"/api/payment-runs/{run_id}/nacha")
        assert response.status_code == 409 and "Globex" in response.json()["message"]

    def test_owners_and_admins_of_the_payer_only(self, parties, bills):
        accounts(parties)
        run_id = create_run(parties, [bills[0].id]).json()["id"]
        for user, expected in (
            (parties.payer_approver, 403),
            (parties.payer_viewer, 403),
            (parties.payee_owner, 404),
            (parties.outsider, 404),
        ):
            got = parties.client(user).get(f"/api/payment-runs/{run_id}/nacha")
            assert got.status_code == expected, user
        assert (
            parties.client(parties.payee_owner).get(f"/api/payment-runs/{run_id}").status_code
            == 404
        )


class TestSettlement:
    def test_bank_file_runs_complete_when_marked_sent(self, parties, bills, settings):
        settings.PAYMENT_RUN_SETTLEMENT = "bank_file"
        accounts(parties)
        run_id = create_run(parties, [b.id for b in bills], on=today()).json()["id"]
        assert set(Payment.objects.values_list("rail", flat=True)) == {BANK_FILE_RAIL}
        # The sweep leaves them to the run, even when due.
        assert payable_services.payments_claim_due() == []
        response = parties.client(parties.payer_owner).post(f"/api/payment-runs/{run_id}/mark-sent")
        assert response.status_code == 200, response.content
        body = response.json()
        assert body["status"] == "sent"
        assert {i["paymentStatus"] for i in body["items"]} == {"completed"}
        assert {Payable.objects.get(pk=b.id).status for b in bills} == {S.PAID}
        again = parties.client(parties.payer_owner).post(f"/api/payment-runs/{run_id}/mark-sent")
        assert again.status_code == 409

    def test_a_bank_file_run_needs_the_accounts_up_front(self, parties, bills, settings):
        settings.PAYMENT_RUN_SETTLEMENT = "bank_file"
        response = create_run(parties, [bills[0].id])
        assert response.status_code == 400 and "fundingAccountId" in error_fields(response)
        verified_default(parties, parties.payer, "paying")
        response = create_run(parties, [bills[0].id])
        assert response.status_code == 400 and "payableIds[0]" in error_fields(response)
        assert not Payment.objects.exists()

    def test_mark_sent_is_for_owners_and_admins(self, parties, bills):
        run_id = create_run(parties, [bills[0].id]).json()["id"]
        client = parties.client(parties.payer_viewer)
        assert client.post(f"/api/payment-runs/{run_id}/mark-sent").status_code == 403
        assert (
            parties.client(parties.payee_owner)
            .post(f"/api/payment-runs/{run_id}/mark-sent")
            .status_code
            == 404
        )

    def test_an_account_a_payment_on_its_way_uses_cannot_be_deleted(self, parties, bills):
        accounts(parties)
        run_id = create_run(parties, [bills[0].id]).json()["id"]
        item = PaymentRunItem.objects.get(run_id=run_id)
        funding = PaymentRun.objects.get(pk=run_id).funding_account
        for account in (funding, item.receiving_account):
            owner = parties.payer_owner if account == funding else parties.payee_owner
            response = parties.client(owner).delete(f"/api/bank-accounts/{account.id}")
            assert response.status_code == 409, response.content
            assert response.json()["code"] == "in_use"
        payable_services.payable_unschedule(payable_id=bills[0].id, actor=parties.payer_owner)
        assert Payment.objects.get().status == PaymentStatus.CANCELLED
        assert (
            parties.client(parties.payer_owner)
            .delete(f"/api/bank-accounts/{funding.id}")
            .status_code
            == 204
        )
