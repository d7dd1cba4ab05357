"""The payment runs page: sorted by a column (``?sort=``), filtered by status, with the totals of
what is filtered, paged keeping both; its queries do not grow with the runs."""

import re
from decimal import Decimal

import pytest
from django.test import Client

from banking.models import RunStatus
from tests.banking.helpers import make_run

pytestmark = pytest.mark.django_db


def listed(parties, query=""):
    client = Client()
    client.force_login(parties.payer_owner)
    response = client.get(f"/b/{parties.payer.id}/runs{query}")
    assert response.status_code == 200
    return [run.id for run in response.context["runs"]], response


@pytest.fixture
def three(parties):
    small = make_run(parties, amounts=["10.00"], on_day=9, created_days_ago=1)
    big = make_run(parties, amounts=["500.00", "250.00"], on_day=2, created_days_ago=3)
    sent = make_run(
        parties, amounts=["40.00", "1.00", "2.00"], on_day=5, created_days_ago=2,
        status=RunStatus.SENT,
    )  # fmt: skip
    return small, big, sent


def test_runs_sort_by_each_column_and_a_header_turns_the_order(parties, three):
    small, big, sent = three
    assert listed(parties)[0] == [small.id, sent.id, big.id]  # newest first
    assert listed(parties, "?sort=-total")[0] == [big.id, sent.id, small.id]
    assert listed(parties, "?sort=date")[0] == [big.id, sent.id, small.id]
    assert listed(parties, "?sort=-bills")[0] == [sent.id, big.id, small.id]
    assert listed(parties, "?sort=nonsense")[0] == [small.id, sent.id, big.id]

    _ids, page = listed(parties, "?sort=-total&status=scheduled")
    html = page.content.decode()
    header = re.search(r'<th scope="col" class="num" aria-sort="descending">.*?</th>', html).group()
    assert "Total" in header and "sort=total" in header and "status=scheduled" in header


def test_the_totals_are_of_what_is_filtered(parties, three):
    _ids, page = listed(parties)
    assert page.context["totals"] == {"count": 3, "bills": 6, "amount": Decimal("803.00")}
    assert "3 runs · 6 bills · <strong>$803.00</strong>" in page.content.decode()
    ids, page = listed(parties, "?status=scheduled&sort=-total")
    assert ids == [three[1].id, three[0].id]
    assert page.context["totals"] == {"count": 2, "bills": 3, "amount": Decimal("760.00")}


def test_pages_keep_the_filter_and_the_sort(parties, three, monkeypatch):
    monkeypatch.setattr("banking.views.RUNS_PAGE_SIZE", 1)
    ids, page = listed(parties, "?status=scheduled&sort=-total")
    assert ids == [three[1].id]
    html = page.content.decode()
    older = re.search(r'href="([^"]*offset=1[^"]*)"', html).group(1).replace("&amp;", "&")
    assert "status=scheduled" in older and "sort=-total" in older
    assert listed(parties, older[older.index("?") :])[0] == [three[0].id]


def test_the_runs_page_costs_the_same_for_more_runs(parties, django_assert_max_num_queries):
    make_run(parties, amounts=["10.00"], on_day=1, created_days_ago=1)
    client = Client()
    client.force_login(parties.payer_owner)
    url = f"/b/{parties.payer.id}/runs?sort=-total"
    client.get(url)
    with django_assert_max_num_queries(9) as few:
        client.get(url)
    for n in range(4):
        make_run(parties, amounts=["10.00", "5.00"], on_day=n, created_days_ago=n)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url)
