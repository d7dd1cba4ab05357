"""The inbox's bulk actions as a plain form post: each ticked bill through the bulk service,
the page listing what was done and each refusal with its reason."""

from decimal import Decimal

import pytest
from django.urls import reverse

from payables.models import Payable
from payables.models import PayableStatus as S
from tests.pages.conftest import text
from tests.payables.helpers import make_payable, today

pytestmark = pytest.mark.django_db


def inbox_url(world):
    return reverse("inbox", args=[world.payer.id])


def bulk_url(world):
    return reverse("inbox-bulk", args=[world.payer.id])


def test_the_inbox_offers_the_bar_with_the_actions_of_the_role(world):
    bill = make_payable(world, S.SUBMITTED, amount=Decimal("250.00"))
    paid = make_payable(world, S.PAID)

    admin = text(world.client(world.payer_admin).get(inbox_url(world) + "?tab=all"))
    assert 'id="bulk-form"' in admin
    assert f'value="{bill.id}" form="bulk-form" data-amount-due="250.00"' in admin
    assert f'value="{paid.id}" form="bulk-form"' not in admin  # nothing to do to a paid bill
    assert 'value="approve"' in admin and 'value="schedule"' in admin and 'value="pay"' in admin

    approver = text(world.client(world.payer_approver).get(inbox_url(world)))
    assert 'value="approve"' in approver
    assert 'value="schedule"' not in approver and 'value="pay"' not in approver

    viewer = text(world.client(world.payer_viewer).get(inbox_url(world) + "?tab=all"))
    assert 'id="bulk-form"' not in viewer and 'form="bulk-form"' not in viewer


def test_bulk_approve_does_each_and_lists_each_refusal_with_its_reason(world):
    first = make_payable(world, S.SUBMITTED, invoice_number="B-1", amount=Decimal("100.00"))
    second = make_payable(world, S.SUBMITTED, invoice_number="B-2", amount=Decimal("20.50"))
    paid = make_payable(world, S.PAID, invoice_number="B-3", amount=Decimal("5.00"))
    theirs = make_payable(world, S.DRAFT, invoice_number="B-4")

    response = world.client(world.payer_admin).post(
        bulk_url(world),
        {"action": "approve", "payableIds": [first.id, paid.id, second.id, theirs.id]},
    )

    page = text(response)
    assert response.status_code == 200
    assert "2 of 4 approved" in page
    assert "3 selected · $120.50 due" in page  # the draft is not the inbox's
    assert "This bill was paid, so it can no longer be approved." in page
    assert "Not found." in page
    statuses = dict(Payable.objects.values_list("invoice_number", "status"))
    assert statuses == {"B-1": S.APPROVED, "B-2": S.APPROVED, "B-3": S.PAID, "B-4": S.DRAFT}


def test_bulk_schedule_needs_a_date_and_schedules_on_it(world):
    bill = make_payable(world, S.APPROVED)
    client = world.client(world.payer_admin)

    refused = client.post(bulk_url(world), {"action": "schedule", "payableIds": [bill.id]})
    assert refused.status_code == 400
    assert "Choose a payment date" in text(refused)
    assert Payable.objects.get(pk=bill.pk).status == S.APPROVED

    done = client.post(
        bulk_url(world),
        {"action": "schedule", "payableIds": [bill.id], "date": today().isoformat()},
    )
    assert "1 of 1 scheduled" in text(done)
    assert Payable.objects.get(pk=bill.pk).status == S.SCHEDULED


def test_bulk_pay_pays_all_that_is_due(world):
    bills = [make_payable(world, S.APPROVED) for _ in range(2)]

    page = text(
        world.client(world.payer_admin).post(
            bulk_url(world), {"action": "pay", "payableIds": [b.id for b in bills]}
        )
    )

    assert "2 of 2 paid" in page
    assert {Payable.objects.get(pk=b.pk).status for b in bills} == {S.PAID}


def test_nothing_ticked_and_a_role_that_falls_short_are_refused(world):
    bill = make_payable(world, S.APPROVED)

    empty = world.client(world.payer_admin).post(bulk_url(world), {"action": "approve"})
    assert empty.status_code == 400 and "Select at least one bill" in text(empty)

    approver = world.client(world.payer_approver).post(
        bulk_url(world), {"action": "pay", "payableIds": [bill.id]}
    )
    assert approver.status_code == 403
    assert Payable.objects.get(pk=bill.pk).status == S.APPROVED

    outsider = world.client(world.outsider).post(
        bulk_url(world), {"action": "approve", "payableIds": [bill.id]}
    )
    assert outsider.status_code == 404
    assert world.client(world.payer_admin).get(bulk_url(world)).status_code == 405
