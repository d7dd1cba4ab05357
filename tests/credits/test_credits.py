"""Credits: the payee issues, both sides list, the payee voids, the payer applies (docs/api/credits.md)."""

import threading
from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from accounts.services import token_create
from credits.models import Credit, CreditApplication
from payables.models import Payable, PayableStatus
from tests import factories
from tests.payables.helpers import error_fields, make_payable

S = PayableStatus


def issue(parties, amount="50.00", user=None, **body):
    client = parties.client(user or parties.payee_owner)
    return client.post(
        f"/api/businesses/{parties.payee.id}/credits",
        {"connectionId": parties.connection.id, "amount": amount, **body},
        format="json",
    )


def apply(parties, payable, credit_id, user=None, **body):
    client = parties.client(user or parties.payer_owner)
    return client.post(
        f"/api/payables/{payable.id}/apply-credit", {"creditId": credit_id, **body}, format="json"
    )


@pytest.mark.django_db
class TestIssueAndList:
    def test_the_payee_issues_a_credit_and_both_sides_list_it(self, parties):
        response = issue(parties, "75.50", memo="Damaged crate", creditNumber="CR-1")
        assert response.status_code == 201, response.content
        credit = response.json()
        assert credit["id"].startswith("crd_")
        assert {
            k: credit[k] for k in ("amount", "remaining", "status", "memo", "creditNumber")
        } == {
            "amount": 75.50,
            "remaining": 75.50,
            "status": "open",
            "memo": "Damaged crate",
            "creditNumber": "CR-1",
        }
        assert (credit["connectionId"], credit["payeeBusinessId"], credit["payerBusinessId"]) == (
            parties.connection.id,
            parties.payee.id,
            parties.payer.id,
        )
        for user, business in (
            (parties.payee_accountant, parties.payee),
            (parties.payer_viewer, parties.payer),
        ):
            listed = parties.client(user).get(f"/api/businesses/{business.id}/credits").json()
            assert [row["id"] for row in listed["results"]] == [credit["id"]]
            assert listed["next"] is None
        outsider = parties.client(parties.outsider)
        own = outsider.get(
            f"/api/businesses/{parties.outsider.memberships.get().business_id}/credits"
        )
        assert own.json()["results"] == []
        assert outsider.get(f"/api/businesses/{parties.payee.id}/credits").status_code == 404

    def test_lists_page_with_limit(self, parties):
        for amount in ("1.00", "2.00", "3.00"):
            issue(parties, amount)
        page = (
            parties.client(parties.payer_owner)
            .get(f"/api/businesses/{parties.payer.id}/credits?limit=2")
            .json()
        )
        assert len(page["results"]) == 2 and page["next"]

    @pytest.mark.parametrize("amount", ["0", "-5", "1.005", "abc"])
    def test_a_bad_amount_is_a_400_naming_it(self, parties, amount):
        response = issue(parties, amount)
        assert response.status_code == 400
        assert "amount" in error_fields(response)
        assert not Credit.objects.exists()

    def test_the_payer_cannot_issue_on_the_connection(self, parties):
        client = parties.client(parties.payer_owner)
        response = client.post(
            f"/api/businesses/{parties.payer.id}/credits",
            {"connectionId": parties.connection.id, "amount": "5"},
            format="json",
        )
        assert response.status_code == 400
        assert "connectionId" in error_fields(response)

    def test_roles_without_invoicing_are_403(self, parties):
        viewer = factories.member(parties.payee, "viewer", email="v2@globex.test")
        assert issue(parties, user=viewer).status_code == 403
        assert issue(parties, user=parties.payee_accountant).status_code == 201


@pytest.mark.django_db
class TestVoid:
    def test_the_payee_voids_an_unapplied_credit_once(self, parties):
        credit_id = issue(parties).json()["id"]
        payee = parties.client(parties.payee_accountant)
        assert (
            parties.client(parties.payer_owner).post(f"/api/credits/{credit_id}/void").status_code
            == 403
        )
        voided = payee.post(f"/api/credits/{credit_id}/void")
        assert voided.status_code == 200
        assert (voided.json()["status"], voided.json()["remaining"]) == ("void", 0.00)
        again = payee.post(f"/api/credits/{credit_id}/void")
        assert again.status_code == 409
        assert again.json()["type"] == "conflict"
        assert (
            parties.client(parties.outsider).post(f"/api/credits/{credit_id}/void").status_code
            == 404
        )

    def test_a_partly_applied_credit_cannot_be_voided(self, parties):
        credit_id = issue(parties, "50.00").json()["id"]
        payable = make_payable(parties, S.APPROVED, amount=Decimal("20.00"))
        assert apply(parties, payable, credit_id).status_code == 200
        response = parties.client(parties.payee_owner).post(f"/api/credits/{credit_id}/void")
        assert response.status_code == 409
        assert Credit.objects.get(pk=credit_id).status == "open"


@pytest.mark.django_db
class TestApply:
    def test_a_part_of_the_due_leaves_it_approved_and_both_sides_see_the_event(self, parties):
        credit_id = issue(parties, "30.00").json()["id"]
        payable = make_payable(parties, S.APPROVED, amount=Decimal("100.00"))
        response = apply(parties, payable, credit_id)
        assert response.status_code == 200, response.content
        data = response.json()
        assert (data["status"], data["amountCredited"], data["amountDue"]) == (
            S.APPROVED,
            30.00,
            70.00,
        )
        credit = Credit.objects.get(pk=credit_id)
        assert (credit.status, credit.remaining) == ("applied", Decimal("0.00"))
        for user in (parties.payee_viewer, parties.payer_viewer):
            events = parties.client(user).get(f"/api/payables/{payable.id}/events").json()
            assert "credit.applied" in [event["type"] for event in events["results"]]

    def test_a_credit_covering_the_rest_makes_it_paid(self, parties):
        credit_id = issue(parties, "500.00").json()["id"]
        payable = make_payable(parties, S.APPROVED, amount=Decimal("100.00"))
        parties.client(parties.payer_owner).post(
            f"/api/payables/{payable.id}/pay", {"amount": "40"}, format="json"
        )
        data = apply(parties, payable, credit_id).json()
        assert (data["status"], data["amountPaid"], data["amountCredited"], data["amountDue"]) == (
            S.PAID,
            40.00,
            60.00,
            0.00,
        )
        assert Credit.objects.get(pk=credit_id).remaining == Decimal("440.00")
        types = list(payable.events.order_by("position").values_list("type", flat=True))
        assert types[-2:] == ["credit.applied", "payable.paid"]

    def test_an_amount_above_the_credit_or_the_due_is_a_400(self, parties):
        credit_id = issue(parties, "30.00").json()["id"]
        payable = make_payable(parties, S.APPROVED, amount=Decimal("20.00"))
        for amount in ("30.00", "25.00", "0", "1.001"):
            response = apply(parties, payable, credit_id, amount=amount)
            assert response.status_code == 400, amount
            assert "amount" in error_fields(response)
        assert not CreditApplication.objects.exists()
        assert apply(parties, payable, credit_id, amount="5.25").json()["amountDue"] == 14.75

    def test_a_scheduled_payment_of_everything_due_refuses_a_credit(self, parties):
        credit_id = issue(parties, "10.00").json()["id"]
        payable = make_payable(parties, S.SCHEDULED, amount=Decimal("100.00"))
        response = apply(parties, payable, credit_id)
        assert response.status_code == 409
        assert response.json()["code"] == "state_conflict"
        assert Payable.objects.get(pk=payable.pk).amount_credited == 0

    def test_a_scheduled_part_leaves_room_for_a_credit(self, parties):
        credit_id = issue(parties, "10.00").json()["id"]
        payable = make_payable(parties, S.APPROVED, amount=Decimal("100.00"))
        client = parties.client(parties.payer_owner)
        client.post(
            f"/api/payables/{payable.id}/schedule",
            {"date": "2099-01-01", "amount": "60"},
            format="json",
        )
        data = apply(parties, payable, credit_id).json()
        assert (data["status"], data["amountDue"]) == (S.SCHEDULED, 90.00)

    @pytest.mark.parametrize("status", [S.SUBMITTED, S.PAID, S.CANCELLED])
    def test_other_statuses_are_409(self, parties, status):
        credit_id = issue(parties).json()["id"]
        payable = make_payable(parties, status)
        response = apply(parties, payable, credit_id)
        assert response.status_code == 409
        assert response.json()["currentStatus"] == status

    def test_wrong_role_foreign_objects_and_void_credits(self, parties):
        credit_id = issue(parties).json()["id"]
        payable = make_payable(parties, S.APPROVED)
        assert apply(parties, payable, credit_id, user=parties.payer_approver).status_code == 403
        assert apply(parties, payable, credit_id, user=parties.payee_owner).status_code == 403
        assert apply(parties, payable, credit_id, user=parties.outsider).status_code == 404
        # A credit of another payer is not found; one of the same payer on another connection
        # is a 400 naming creditId.
        other = factories.ConnectionFactory(payer=factories.BusinessFactory(), payee=parties.payee)
        foreign = Credit.objects.create(
            connection=other, payee=parties.payee, payer=other.payer, amount=Decimal("5")
        )
        assert apply(parties, payable, foreign.id).status_code == 404
        second = factories.ConnectionFactory(payer=parties.payer, payee=factories.BusinessFactory())
        elsewhere = Credit.objects.create(
            connection=second, payee=second.payee, payer=parties.payer, amount=Decimal("5")
        )
        response = apply(parties, payable, elsewhere.id)
        assert response.status_code == 400
        assert "creditId" in error_fields(response)
        parties.client(parties.payee_owner).post(f"/api/credits/{credit_id}/void")
        assert apply(parties, payable, credit_id).status_code == 409
        assert not CreditApplication.objects.exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_racing_applications_of_one_credit_never_apply_more_than_it(parties):
    """Eight payables of 30.00, one credit of 100.00, applied to all at once from threads."""
    credit_id = issue(parties, "100.00").json()["id"]
    payables = [make_payable(parties, S.APPROVED, amount=Decimal("30.00")) for _ in range(8)]
    token = token_create(user=parties.payer_owner)
    start = threading.Barrier(len(payables))
    codes = []

    def one(payable):
        from django.db import connections

        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
        try:
            start.wait(10)
            codes.append(
                client.post(
                    f"/api/payables/{payable.id}/apply-credit",
                    {"creditId": credit_id},
                    format="json",
                ).status_code
            )
        finally:
            connections.close_all()

    threads = [threading.Thread(target=one, args=(p,)) for p in payables]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)

    credit = Credit.objects.get(pk=credit_id)
    applied = sum(CreditApplication.objects.filter(credit=credit).values_list("amount", flat=True))
    assert applied == credit.amount_applied == Decimal("100.00")
    assert credit.status == "applied"
    credited = sum(
        Payable.objects.filter(pk__in=[p.pk for p in payables]).values_list(
            "amount_credited", flat=True
        )
    )
    assert credited == Decimal("100.00")
    assert sorted(codes) == [200] * 4 + [409] * 4


@pytest.mark.django_db
def test_issuing_and_voiding_are_connection_events_both_sides_read(parties):
    credit_id = issue(parties, "12.34").json()["id"]
    void = parties.client(parties.payee_owner).post(f"/api/credits/{credit_id}/void")
    assert void.status_code == 200
    for user in (parties.payee_owner, parties.payer_viewer):
        events = parties.client(user).get(f"/api/connections/{parties.connection.id}/events")
        assert events.status_code == 200, events.content
        rows = [e for e in events.json()["results"] if e["type"].startswith("credit.")]
        assert [(e["type"], e["changes"]["creditId"]) for e in rows] == [
            ("credit.created", credit_id),
            ("credit.voided", credit_id),
        ]
        assert rows[0]["changes"]["amount"] == "12.34"
