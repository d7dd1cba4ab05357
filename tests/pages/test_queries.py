"""The main pages cost a fixed number of queries, whatever the number of rows they show."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from payables.models import PayableAttachment, PayableTag
from payables.models import PayableStatus as S
from tests import factories
from tests.payables.helpers import make_payable

pytestmark = pytest.mark.django_db


def queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries)


def rich_payable(world, status, n: int):
    """A payable with what a row or a page shows: tags of both sides, lines, a file, events."""
    payable = make_payable(world, status, invoice_number=f"Q-{n:03d}")
    for business in (world.payer, world.payee):
        tag = factories.TagFactory(business=business)
        PayableTag.objects.create(payable=payable, tag=tag)
    return payable


@pytest.mark.parametrize(
    ("page", "who", "status"),
    [
        ("inbox", "payer_approver", S.SUBMITTED),
        ("inbox", "payer_owner", S.APPROVED),
        ("invoices", "payee_owner", S.DRAFT),
    ],
)
def test_lists_cost_the_same_for_1_and_30_rows(world, django_assert_num_queries, page, who, status):
    user = getattr(world, who)
    business = world.payer if page == "inbox" else world.payee
    client = world.client(user)
    url = reverse(page, args=[business.id]) + "?tab=all"
    rich_payable(world, status, 0)
    client.get(url)  # the session's first read

    count = queries(client, url)

    for n in range(1, 30):
        rich_payable(world, status, n)
    with django_assert_num_queries(count):
        client.get(url)


def test_the_inbox_counts_its_queries(world, django_assert_num_queries):
    client = world.client(world.payer_approver)
    url = reverse("inbox", args=[world.payer.id])
    rich_payable(world, S.SUBMITTED, 0)
    client.get(url)

    # session, user, roles, payables (+ tags), the list's totals, awaiting rows, whom the rows
    # under review wait on, the tabs' counts (one query for every tab), connections for the
    # filter, tags for the filter, the switcher's memberships, unread notifications, the
    # delegations the reader holds
    with django_assert_num_queries(14):
        client.get(url)


def test_filtered_tabs_are_counted_in_one_query(world, django_assert_num_queries):
    client = world.client(world.payer_approver)
    url = reverse("inbox", args=[world.payer.id]) + "?tab=all&search=Q-0"
    rich_payable(world, S.SUBMITTED, 0)
    client.get(url)

    # as above, and the top bar's badge, which counts everything awaiting, filters or not
    with django_assert_num_queries(15):
        client.get(url)


def test_the_detail_costs_the_same_for_1_and_30_lines_files_and_events(
    world, django_assert_num_queries
):
    payable = rich_payable(world, S.SUBMITTED, 0)
    factories.LineItemFactory(payable=payable, position=1)
    client = world.client(world.payer_approver)
    url = reverse("payable-detail", args=[world.payer.id, payable.id])
    client.get(url)
    count = queries(client, url)

    for n in range(2, 31):
        factories.LineItemFactory(payable=payable, position=n)
        f = factories.FileFactory(business=world.payee)
        PayableAttachment.objects.create(payable=payable, file=f, position=n)
        client.post(reverse("payable-action", args=[world.payer.id, payable.id, "decline"]))
    with django_assert_num_queries(count):
        client.get(url)


def test_connections_cost_the_same_for_1_and_30_rows(world, django_assert_num_queries):
    client = world.client(world.payer_owner)
    url = reverse("connections", args=[world.payer.id])
    factories.tag_on(world.connection, world.payer)
    client.get(url)
    count = queries(client, url)

    for _n in range(29):
        other = factories.ConnectionFactory(payer=world.payer)
        factories.tag_on(other, world.payer)
    with django_assert_num_queries(count):
        client.get(url)


def test_the_connections_list_counts_its_queries(world, django_assert_num_queries):
    client = world.client(world.payer_owner)
    url = reverse("connections", args=[world.payer.id])
    make_payable(world, S.APPROVED)
    client.get(url)

    # session, user, roles, the connections (+ their tags), the total line's balances, the
    # tags for the filter, the switcher's memberships, unread notifications, the awaiting badge
    with django_assert_num_queries(10):
        client.get(url)


def _drilled_down(world, kind: str) -> str:
    """A bill a report or the home's card drills down to, and the list's query for it."""
    today = timezone.now().date()
    if kind == "failed":
        bill = rich_payable(world, S.APPROVED, 0)
        factories.PaymentFactory(payable=bill, status="failed", failed_at=timezone.now())
        return "?tab=all&paymentFailed=true"
    if kind == "as_of":
        bill = rich_payable(world, S.SUBMITTED, 0)
        bill.submitted_at = timezone.now() - datetime.timedelta(days=10)
        bill.save(update_fields=["submitted_at"])
        return f"?tab=all&asOf={today - datetime.timedelta(days=1)}"
    rich_payable(world, S.SCHEDULED, 0)  # its payment a week ahead
    return f"?tab=all&scheduledAfter={today}&scheduledBefore={today + datetime.timedelta(days=7)}"


@pytest.mark.parametrize("kind", ["failed", "as_of", "scheduled"])
def test_the_inbox_costs_the_same_drilled_down(world, django_assert_num_queries, kind):
    client = world.client(world.payer_approver)
    url = reverse("inbox", args=[world.payer.id]) + _drilled_down(world, kind)
    response = client.get(url)
    assert len(response.context["rows"]) == 1

    # as any filtered inbox (test_filtered_tabs_are_counted_in_one_query): the reports'
    # filters cost no query of their own
    with django_assert_num_queries(15):
        client.get(url)


def test_the_payment_runs_page_counts_its_queries(world, django_assert_num_queries):
    client = world.client(world.payer_owner)
    url = reverse("runs", args=[world.payer.id]) + "?sort=-total"
    client.get(url)

    # session, user, roles, the runs (with their bill counts), their totals, the switcher's
    # memberships, unread notifications, the awaiting badge
    with django_assert_num_queries(8):
        client.get(url)
