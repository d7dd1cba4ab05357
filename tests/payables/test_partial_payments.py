"""Partial payments and payment methods: amountPaid/amountDue, several payments, paid outside."""

import datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from payables import tasks
from payables.models import LedgerTransfer, Payable, PayableStatus, Payment, PaymentStatus
from tests.payables.helpers import error_fields, make_payable, snapshot, today

S = PayableStatus
P = PaymentStatus


def pay(parties, payable, body=None, user=None):
    client = parties.client(user or parties.payer_owner)
    return client.post(f"/api/payables/{payable.id}/pay", body or {}, format="json")


@pytest.mark.django_db
class TestPartialPayments:
    def test_a_part_then_the_rest_pays_it_with_two_payments(self, parties):
        payable = make_payable(parties, S.APPROVED, amount=Decimal("1000.00"))
        first = pay(parties, payable, {"amount": "400.10"})
        assert first.status_code == 200, first.content
        data = first.json()
        assert (data["status"], data["amountPaid"], data["amountDue"]) == (
            S.APPROVED,
            400.10,
            599.90,
        )
        rest = pay(parties, payable).json()
        assert (rest["status"], rest["amountPaid"], rest["amountDue"]) == (S.PAID, 1000.00, 0.00)
        assert [(p["amount"], p["method"], p["status"]) for p in rest["payments"]] == [
            (400.10, "ach", "completed"),
            (599.90, "ach", "completed"),
        ]
        assert sorted(LedgerTransfer.objects.values_list("amount", flat=True)) == [
            Decimal("400.10"),
            Decimal("599.90"),
        ]
        types = list(payable.events.order_by("position").values_list("type", "to_status"))
        assert types[-3:] == [
            ("payment.completed", S.APPROVED),
            ("payment.completed", S.APPROVED),
            ("payable.paid", S.PAID),
        ]

    def test_both_sides_and_the_lists_show_what_is_paid_and_due(self, parties):
        payable = make_payable(parties, S.APPROVED, amount=Decimal("300.00"))
        pay(parties, payable, {"amount": 100})
        for user, business in (
            (parties.payee_viewer, parties.payee),
            (parties.payer_viewer, parties.payer),
        ):
            client = parties.client(user)
            detail = client.get(f"/api/payables/{payable.id}").json()
            assert (detail["amountPaid"], detail["amountDue"]) == (100.00, 200.00)
            [row] = client.get(f"/api/businesses/{business.id}/payables").json()["results"]
            assert (row["amountPaid"], row["amountCredited"], row["amountDue"]) == (
                100.0,
                0.0,
                200.0,
            )

    @pytest.mark.parametrize(
        ("amount", "message"),
        [
            ("0", "Must be greater than 0."),
            ("-5", "Must be greater than 0."),
            ("300.01", "Must be at most 300.00 (the amount due)."),
            ("1.005", "decimal places"),
            ("abc", "number"),
        ],
    )
    def test_a_bad_amount_is_a_400_naming_it_and_changes_nothing(self, parties, amount, message):
        payable = make_payable(parties, S.APPROVED, amount=Decimal("300.00"))
        before = snapshot(payable)
        response = pay(parties, payable, {"amount": amount})
        assert response.status_code == 400, response.content
        assert message in error_fields(response)["amount"]
        assert snapshot(payable) == before
        assert not LedgerTransfer.objects.exists()

    def test_more_than_what_is_left_is_refused_after_a_part(self, parties):
        payable = make_payable(parties, S.APPROVED, amount=Decimal("300.00"))
        pay(parties, payable, {"amount": "250"})
        response = pay(parties, payable, {"amount": "50.01"})
        assert response.status_code == 400
        assert error_fields(response)["amount"] == "Must be at most 50.00 (the amount due)."

    def test_paying_a_paid_payable_is_a_409(self, parties):
        payable = make_payable(parties, S.APPROVED, amount=Decimal("10.00"))
        pay(parties, payable)
        response = pay(parties, payable, {"amount": "1"})
        assert response.status_code == 409
        assert response.json()["currentStatus"] == S.PAID

    def test_wrong_role_403_and_another_business_404(self, parties):
        payable = make_payable(parties, S.APPROVED, amount=Decimal("10.00"))
        before = snapshot(payable)
        for user in (parties.payer_approver, parties.payer_viewer, parties.payee_owner):
            assert pay(parties, payable, {"amount": "1"}, user=user).status_code == 403
        assert pay(parties, payable, {"amount": "1"}, user=parties.outsider).status_code == 404
        assert snapshot(payable) == before

    def test_a_scheduled_part_paid_by_the_sweep_leaves_the_rest_approved(self, parties):
        payable = make_payable(parties, S.APPROVED, amount=Decimal("900.00"))
        client = parties.client(parties.payer_admin)
        response = client.post(
            f"/api/payables/{payable.id}/schedule",
            {"date": today().isoformat(), "amount": "300.00"},
            format="json",
        )
        assert response.status_code == 200, response.content
        assert response.json()["status"] == S.SCHEDULED
        tasks.sweep_due_payments()
        payable.refresh_from_db()
        assert (payable.status, payable.amount_paid, payable.amount_due) == (
            S.APPROVED,
            Decimal("300.00"),
            Decimal("600.00"),
        )
        event = payable.events.order_by("-position").first()
        assert (event.type, event.from_status, event.to_status) == (
            "payment.completed",
            S.SCHEDULED,
            S.APPROVED,
        )
        # and the rest can be scheduled and paid
        client.post(
            f"/api/payables/{payable.id}/schedule", {"date": today().isoformat()}, format="json"
        )
        assert payable.payments.get(status=P.PENDING).amount == Decimal("600.00")
        tasks.sweep_due_payments()
        payable.refresh_from_db()
        assert (payable.status, payable.amount_due) == (S.PAID, Decimal("0.00"))

    def test_schedule_more_than_due_is_a_400(self, parties):
        payable = make_payable(parties, S.APPROVED, amount=Decimal("90.00"))
        before = snapshot(payable)
        response = parties.client(parties.payer_admin).post(
            f"/api/payables/{payable.id}/schedule",
            {"date": today().isoformat(), "amount": "90.01"},
            format="json",
        )
        assert response.status_code == 400
        assert "amount" in error_fields(response)
        assert snapshot(payable) == before

    def test_pay_now_on_a_scheduled_payable_may_pay_a_part_of_it(self, parties):
        payable = make_payable(parties, S.SCHEDULED, amount=Decimal("500.00"))
        data = pay(parties, payable, {"amount": "200"}).json()
        assert (data["status"], data["amountDue"]) == (S.APPROVED, 300.00)
        assert [(p["amount"], p["status"]) for p in data["payments"]] == [(200.00, "completed")]

    def test_no_body_pays_the_whole_amount_as_before(self, parties):
        payable = make_payable(parties, S.APPROVED, amount=Decimal("1234.56"))
        response = parties.client(parties.payer_owner).post(f"/api/payables/{payable.id}/pay")
        data = response.json()
        assert (data["status"], data["amountPaid"], data["amountDue"]) == (S.PAID, 1234.56, 0.0)


@pytest.mark.django_db
class TestPaidOutside:
    def test_a_check_is_recorded_completed_at_once_with_its_reference_and_date(self, parties):
        payable = make_payable(parties, S.APPROVED, amount=Decimal("700.00"))
        paid_on = today() - datetime.timedelta(days=2)
        body = {
            "amount": "700.00",
            "method": "check",
            "reference": "CHK 1042",
            "date": paid_on.isoformat(),
        }
        data = pay(parties, payable, body).json()
        assert data["status"] == S.PAID
        [payment] = data["payments"]
        assert (payment["method"], payment["reference"], payment["date"], payment["status"]) == (
            "check",
            "CHK 1042",
            paid_on.isoformat(),
            "completed",
        )
        assert not LedgerTransfer.objects.exists()  # no money moved through Cleo Pay
        seen = parties.client(parties.payee_viewer).get(f"/api/payables/{payable.id}/events")
        notes = [e["note"] for e in seen.json()["results"] if e["type"] == "payment.completed"]
        assert notes and "Check" in notes[0] and "CHK 1042" in notes[0]

    @pytest.mark.parametrize("method", ["wire", "card", "other"])
    def test_each_outside_method_can_pay_a_part(self, parties, method):
        payable = make_payable(parties, S.APPROVED, amount=Decimal("100.00"))
        data = pay(parties, payable, {"amount": "40", "method": method}).json()
        assert (data["status"], data["amountDue"], data["payments"][0]["method"]) == (
            S.APPROVED,
            60.0,
            method,
        )

    def test_a_wire_beside_a_scheduled_payment_keeps_it_scheduled_and_may_not_overlap(
        self, parties
    ):
        payable = make_payable(parties, S.APPROVED, amount=Decimal("1000.00"))
        parties.client(parties.payer_admin).post(
            f"/api/payables/{payable.id}/schedule",
            {"date": (today() + datetime.timedelta(days=3)).isoformat(), "amount": "600"},
            format="json",
        )
        refused = pay(parties, payable, {"amount": "400.01", "method": "wire"})
        assert refused.status_code == 400
        assert error_fields(refused)["amount"] == (
            "Must be at most 400.00 (due beside the payment on its way)."
        )
        data = pay(parties, payable, {"amount": "400", "method": "wire"}).json()
        assert (data["status"], data["amountDue"]) == (S.SCHEDULED, 600.0)

    @pytest.mark.parametrize(
        ("body", "field"),
        [
            ({"method": "bitcoin"}, "method"),
            ({"method": "check", "date": "2999-01-01"}, "date"),
            ({"reference": "X-1"}, "reference"),
            ({"date": "2000-01-01"}, "date"),
        ],
    )
    def test_bad_method_reference_or_date_is_a_400_naming_it(self, parties, body, field):
        payable = make_payable(parties, S.APPROVED)
        before = snapshot(payable)
        response = pay(parties, payable, body)
        assert response.status_code == 400, response.content
        assert field in error_fields(response)
        assert snapshot(payable) == before


@pytest.mark.django_db
class TestTheDatabaseRefusesMoneyCreated:
    def test_paid_above_the_amount_is_refused_by_a_constraint(self, parties):
        payable = make_payable(parties, S.APPROVED, amount=Decimal("10.00"))
        with pytest.raises(IntegrityError), transaction.atomic():
            Payable.objects.filter(pk=payable.pk).update(amount_paid=Decimal("10.01"))

    def test_paid_below_the_amount_cannot_be_paid(self, parties):
        payable = make_payable(parties, S.APPROVED, amount=Decimal("10.00"))
        with pytest.raises(IntegrityError), transaction.atomic():
            Payable.objects.filter(pk=payable.pk).update(status=S.PAID, amount_paid=Decimal("9.99"))

    def test_several_completed_payments_are_allowed_but_one_open_at_a_time(self, parties):
        payable = make_payable(parties, S.SCHEDULED, amount=Decimal("10.00"))
        with pytest.raises(IntegrityError), transaction.atomic():
            Payment.objects.create(payable=payable, amount=1, scheduled_for=today(), rail="ledger")
