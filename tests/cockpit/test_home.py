"""The business's home (``/b/<business_id>/``): what needs me on each side, each with count,
total and a link to exactly those payables; recent activity as that side may see it; empty
states that say the next step; queries pinned."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from payables.models import PayableEvent, PaymentStatus
from payables.models import PayableStatus as S
from tests import factories
from tests.pages.conftest import text
from tests.payables.helpers import make_payable, today

pytestmark = pytest.mark.django_db


def days(n: int) -> datetime.date:
    return today() + datetime.timedelta(days=n)


def home(world, user, business, query=""):
    response = world.client(user).get(reverse("business-home", args=[business.id]) + query)
    assert response.status_code == 200
    return response


def need(response, key):
    return next(n for n in response.context["needs"] if n.key == key)


def listed(world, user, url) -> set[str]:
    """The invoice numbers the list behind ``url`` shows."""
    response = world.client(user).get(url)
    assert response.status_code == 200
    return {row.payable.invoice_number for row in response.context["rows"]}


def test_the_payer_sees_what_needs_it_and_each_link_lists_exactly_those_bills(world):
    make_payable(
        world, S.SUBMITTED, invoice_number="AWAIT", amount=Decimal("100.00"), due_date=days(20)
    )
    make_payable(
        world, S.APPROVED, invoice_number="WEEK", amount=Decimal("200.00"), due_date=days(6)
    )
    make_payable(
        world, S.SCHEDULED, invoice_number="LATE", amount=Decimal("300.00"), due_date=days(-1)
    )
    make_payable(world, S.PAID, invoice_number="DONE", amount=Decimal("900.00"), due_date=days(-3))
    failed = make_payable(
        world, S.APPROVED, invoice_number="FAILED", amount=Decimal("50.00"), due_date=days(30)
    )
    factories.PaymentFactory(payable=failed, status=PaymentStatus.FAILED, failed_at=timezone.now())

    response = home(world, world.payer_owner, world.payer)

    assert response.context["side"] == "payer"
    summary = {n.key: (n.count, n.amount) for n in response.context["needs"]}
    assert summary == {
        "awaiting": (1, Decimal("100.00")),
        "due_week": (1, Decimal("200.00")),
        "overdue": (1, Decimal("300.00")),
        "failed": (1, Decimal("50.00")),
    }
    assert listed(world, world.payer_owner, need(response, "awaiting").url) == {"AWAIT"}
    assert listed(world, world.payer_owner, need(response, "due_week").url) == {"WEEK"}
    assert listed(world, world.payer_owner, need(response, "overdue").url) == {"LATE"}
    assert "FAILED" in listed(world, world.payer_owner, need(response, "failed").url)
    page = text(response)
    assert "Awaiting my approval" in page and "$300.00" in page


def test_the_payee_sees_declined_drafts_overdue_and_payments_on_the_way(world):
    make_payable(world, S.DECLINED, invoice_number="FIX", amount=Decimal("10.00"))
    make_payable(world, S.DRAFT, invoice_number="DRAFT", amount=Decimal("20.00"))
    make_payable(
        world, S.APPROVED, invoice_number="LATE", amount=Decimal("30.00"), due_date=days(-9)
    )
    make_payable(
        world, S.SCHEDULED, invoice_number="COMING", amount=Decimal("40.00"), due_date=days(9)
    )

    response = home(world, world.payee_accountant, world.payee)

    assert response.context["side"] == "payee"
    summary = {n.key: (n.count, n.amount) for n in response.context["needs"]}
    assert summary == {
        "declined": (1, Decimal("10.00")),
        "drafts": (1, Decimal("20.00")),
        "overdue": (1, Decimal("30.00")),
        "coming": (1, Decimal("40.00")),
    }
    for key, number in (
        ("declined", "FIX"),
        ("drafts", "DRAFT"),
        ("overdue", "LATE"),
        ("coming", "COMING"),
    ):
        assert listed(world, world.payee_accountant, need(response, key).url) == {number}


def test_a_role_that_cannot_approve_is_not_offered_awaiting_approval(world):
    make_payable(world, S.SUBMITTED)

    response = home(world, world.payer_viewer, world.payer)

    assert "awaiting" not in {n.key for n in response.context["needs"]}


def test_a_new_business_is_told_its_next_step(world):
    newcomer = factories.MembershipFactory(role="owner")

    payer_side = text(home(world, newcomer.user, newcomer.business, "?side=payer"))
    payee_side = text(home(world, newcomer.user, newcomer.business, "?side=payee"))

    assert "Invite your first vendor" in payer_side
    assert "Invite your first customer" in payee_side
    assert reverse("connections", args=[newcomer.business.id]) in payee_side


def test_a_business_that_only_invoices_opens_on_getting_paid(world):
    make_payable(world, S.DECLINED, invoice_number="INV-7")

    assert home(world, world.payee_owner, world.payee).context["side"] == "payee"
    assert home(world, world.payer_owner, world.payer).context["side"] == "payer"


def test_recent_activity_never_shows_the_payee_the_payers_review(world):
    payable = make_payable(world, S.APPROVED, invoice_number="INV-3")
    PayableEvent.objects.create(
        payable=payable, position=1, type="payable.approval_recorded", actor=world.payer_approver,
        business=world.payer, from_status=S.SUBMITTED, to_status=S.SUBMITTED, visibility="payer",
    )  # fmt: skip
    PayableEvent.objects.create(
        payable=payable, position=2, type="payable.approved", actor=world.payer_approver,
        business=world.payer, from_status=S.SUBMITTED, to_status=S.APPROVED,
    )  # fmt: skip

    payer = home(world, world.payer_owner, world.payer).context["events"]
    payee = home(world, world.payee_owner, world.payee)

    assert {e.type for e in payer} == {"payable.approval_recorded", "payable.approved"}
    assert [e.type for e in payee.context["events"]] == ["payable.approved"]
    assert world.payer_approver.email not in text(payee)


def test_home_queries_do_not_grow_with_the_data(world, django_assert_num_queries):
    client = world.client(world.payer_owner)
    url = reverse("business-home", args=[world.payer.id])
    make_payable(world, S.SUBMITTED, due_date=days(2))
    client.get(url)
    with django_assert_num_queries(12) as one:
        client.get(url)
    for n in range(15):
        make_payable(world, (S.SUBMITTED, S.APPROVED, S.SCHEDULED)[n % 3], due_date=days(n - 7))
    with django_assert_num_queries(len(one.captured_queries)):
        client.get(url)


def test_a_stranger_gets_a_404(world):
    url = reverse("business-home", args=[world.payer.id])
    assert url == f"/b/{world.payer.id}/"
    assert world.client(world.payee_owner).get(url).status_code == 404
