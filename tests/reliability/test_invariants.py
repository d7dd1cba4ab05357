"""The invariant checker itself: it passes on real histories and catches each broken promise.

Each broken state is written behind the services' back (``.update()``, direct inserts), as a bug
or a careless script would, and the checker must name it.
"""

from decimal import Decimal

import pytest
from django.db.models import F
from django.http import HttpResponse

from payables.models import LedgerTransfer, Payable, PayableEvent, Payment
from tests import factories
from tests.reliability.invariants import (
    ALLOWED_MOVES,
    assert_invariants,
    response_leaks,
    violations,
)

pytestmark = pytest.mark.django_db


def found(world, name: str) -> str:
    return "\n".join(violations([world.payables[name].id]))


def test_a_world_built_through_the_services_keeps_every_promise(world):
    assert assert_invariants() == len(world.payables)


def test_the_contract_table_has_exactly_the_allowed_moves():
    assert {
        (None, "DRAFT"),
        ("DRAFT", "SUBMITTED"),
        ("DECLINED", "SUBMITTED"),
        ("SUBMITTED", "APPROVED"),
        ("SUBMITTED", "DECLINED"),
        ("APPROVED", "SCHEDULED"),
        ("SCHEDULED", "APPROVED"),
        ("APPROVED", "PAID"),
        ("SCHEDULED", "PAID"),
        ("DRAFT", "CANCELLED"),
        ("SUBMITTED", "CANCELLED"),
        ("DECLINED", "CANCELLED"),
        ("APPROVED", "CANCELLED"),
        ("SCHEDULED", "CANCELLED"),
    } == ALLOWED_MOVES


def test_paid_without_a_completed_payment(world):
    Payable.objects.filter(pk=world.payables["approved"].pk).update(
        status="PAID", amount_paid=F("amount")
    )
    report = found(world, "approved")
    assert "amount_paid 125.00 but completed payments sum to 0" in report
    assert "the last event ends at APPROVED" in report


def test_a_completed_payment_for_another_amount(world):
    payment = world.payables["paid"].payments.get()
    Payment.objects.filter(pk=payment.pk).update(amount=Decimal("1.00"))
    report = found(world, "paid")
    assert "amount_paid 125.00 but completed payments sum to 1.00" in report
    assert "transfer of 125.00 for payment 1.00" in report


def test_a_second_completed_payment_pays_more_than_the_amount(world):
    factories.PaymentFactory(payable=world.payables["paid"], status="completed", rail="outside")
    report = found(world, "paid")
    assert "paid and credited 250.00, more than the amount 125.00" in report
    assert "2 completed payments, 1 payment.completed events" in report


def test_money_moved_for_a_payment_that_failed(world):
    payment = world.payables["paid"].payments.get()
    Payment.objects.filter(pk=payment.pk).update(status="failed")
    report = found(world, "paid")
    assert f"money moved for failed payment {payment.id}" in report
    assert "amount_paid 125.00 but completed payments sum to 0" in report
    assert "1 payment.completed events" in report


def test_a_completed_payment_without_a_transfer(world):
    LedgerTransfer.objects.filter(payment__payable=world.payables["paid"]).delete()
    assert "has 0 transfers" in found(world, "paid")


def test_a_status_move_without_an_event(world):
    Payable.objects.filter(pk=world.payables["submitted"].pk).update(status="APPROVED")
    report = found(world, "submitted")
    assert "the last event ends at SUBMITTED, not the status" in report
    assert "approval status 'manual_review'" in report


def test_one_move_recorded_twice(world):
    payable = world.payables["approved"]
    approved = payable.events.get(type="payable.approved")
    PayableEvent.objects.create(
        payable=payable,
        position=payable.events.count() + 1,
        type="payable.approved",
        business=world.payer,
        from_status="SUBMITTED",
        to_status="APPROVED",
        actor=approved.actor,
    )
    assert "starts at SUBMITTED but the status was APPROVED" in found(world, "approved")


def test_a_move_the_contract_does_not_allow(world):
    payable = world.payables["payee_draft"]
    PayableEvent.objects.create(
        payable=payable,
        position=2,
        type="payable.paid",
        business=world.payer,
        from_status="DRAFT",
        to_status="PAID",
    )
    Payable.objects.filter(pk=payable.pk).update(status="PAID", amount_paid=F("amount"))
    report = found(world, "payee_draft")
    assert "payable.paid records the move ('DRAFT', 'PAID'), not allowed" in report


def test_an_event_type_outside_the_table(world):
    payable = world.payables["payee_draft"]
    PayableEvent.objects.create(
        payable=payable,
        position=2,
        type="payable.teleported",
        business=world.payee,
        from_status="DRAFT",
        to_status="DRAFT",
    )
    assert "payable.teleported is not in the contract's table" in found(world, "payee_draft")


def test_an_open_payment_on_a_draft_and_two_open_on_a_schedule(world):
    factories.PaymentFactory(payable=world.payables["payee_draft"], status="pending")
    assert "open payment" in found(world, "payee_draft")
    scheduled = world.payables["scheduled"]
    Payment.objects.filter(payable=scheduled).update(status="cancelled")
    assert "SCHEDULED without exactly one open payment (0)" in found(world, "scheduled")


def test_an_approval_by_the_payables_own_author(world):
    author = world.user("payee.owner")
    forged = factories.PayableFactory(
        connection=world.connection, status="APPROVED", created_by=author, submitted_by=author
    )
    PayableEvent.objects.create(
        payable=forged, position=1, type="payable.created", business=world.payee, to_status="DRAFT"
    )
    PayableEvent.objects.create(
        payable=forged,
        position=2,
        type="payable.submitted",
        business=world.payee,
        from_status="DRAFT",
        to_status="SUBMITTED",
    )
    PayableEvent.objects.create(
        payable=forged,
        position=3,
        type="payable.approved",
        actor=author,
        business=world.payer,
        from_status="SUBMITTED",
        to_status="APPROVED",
    )
    Payable.objects.filter(pk=forged.pk).update(approval_status="approved")
    report = "\n".join(violations([forged.id]))
    assert f"payable.approved by the payable's own author {author.id}" in report


def test_a_response_that_names_a_foreign_id_is_a_leak(world):
    foreign = world.payables["outsider_submitted"].id
    body = HttpResponse(f'{{"results": [{{"id": "{foreign}"}}]}}', content_type="application/json")
    assert response_leaks(body, world.forbidden_for("payer.owner")) == {foreign}
    header = HttpResponse("{}", content_type="application/json")
    header["Location"] = f"/api/payables/{foreign}"
    assert response_leaks(header, {foreign}) == {foreign}
    # the caller's own input, echoed in an error, tells it nothing new
    assert response_leaks(body, {foreign}, sent=[foreign]) == set()
    csv = HttpResponse(f"id,name\r\n{world.third_connection.id},Initech\r\n")
    assert response_leaks(csv, world.forbidden_for("payee.viewer")) == {world.third_connection.id}


def test_approved_with_an_approval_missing_or_one_too_many(world):
    from approvals.models import Approval

    approved = world.payables["approved"]
    Approval.objects.filter(request__payable=approved).delete()
    report = found(world, "approved")
    assert "step 1 has 0 of 1 approvals" in report
    assert "0 approvals but 1 approval events" in report

    paid = world.payables["paid"]
    request = paid.approval_requests.get()
    Approval.objects.create(
        request=request, step=0, user=world.user("payer.admin"), decision="approved"
    )
    report = found(world, "paid")
    assert "step 1 has 2 of 1 approvals" in report


def test_a_round_left_pending_beside_an_approval(world):
    from approvals.models import ApprovalRequest

    approved = world.payables["approved"]
    ApprovalRequest.objects.create(payable=approved, round=2, outcome="manual_review")
    report = found(world, "approved")
    assert "2 review rounds for 1 submissions" in report
    assert "its last review round is pending" in report
