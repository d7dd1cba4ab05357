"""The reports API (CONTRACT §11, docs/api/reports.md): aging by days past due on amountDue,
each bucket's edges, a past as-of date, cash flow by week, a connection's balance, CSV, and the
refusals (bad parameters 400, another business 404)."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from credits.models import Credit, CreditApplication
from payables.models import Payable, PaymentStatus
from payables.models import PayableStatus as S
from tests import factories
from tests.payables.helpers import make_payable, today

pytestmark = pytest.mark.django_db


def days(n: int) -> datetime.date:
    return today() + datetime.timedelta(days=n)


def owed(parties, status, amount, due, **fields):
    return make_payable(
        parties, status, amount=Decimal(amount), due_date=due, issue_date=days(-200), **fields
    )


def aging(parties, user, business, query=""):
    response = parties.client(user).get(f"/api/businesses/{business.id}/reports/aging?{query}")
    assert response.status_code == 200, response.content
    return response.json()


def by_label(body) -> dict:
    return {b["label"]: (b["amount"], b["count"]) for b in body["buckets"]}


EDGES = [
    (0, "current"),  # due today
    (-1, "1-30"),
    (-30, "1-30"),
    (-31, "31-60"),
    (-60, "31-60"),
    (-61, "61-90"),
    (-90, "61-90"),
    (-91, "90+"),
]


@pytest.mark.parametrize(("due_in", "bucket"), EDGES)
def test_each_bucket_edge_by_days_past_due(parties, due_in, bucket):
    owed(parties, S.APPROVED, "100.00", days(due_in))

    body = aging(parties, parties.payer_owner, parties.payer, "side=payables")

    expected = dict.fromkeys(("current", "1-30", "31-60", "61-90", "90+"), (0, 0))
    expected[bucket] = (100, 1)
    assert by_label(body) == expected
    assert [b["label"] for b in body["buckets"]] == ["current", "1-30", "31-60", "61-90", "90+"]


def test_aging_counts_amount_due_not_amount_and_both_sides_agree(parties):
    payable = owed(parties, S.APPROVED, "1000.00", days(-10))
    Payable.objects.filter(pk=payable.pk).update(
        amount_paid=Decimal("250.00"), amount_credited=Decimal("100.50")
    )
    owed(parties, S.SUBMITTED, "40.00", days(3))
    # Not owed: paid, cancelled, declined, drafts; another payer's bill.
    for status in (S.PAID, S.CANCELLED, S.DECLINED, S.DRAFT):
        owed(parties, status, "9000.00", days(-40))
    factories.PayableFactory(status=S.APPROVED, amount=Decimal("9000.00"), due_date=days(-40))

    payables = aging(parties, parties.payer_viewer, parties.payer, "side=payables")
    receivables = aging(parties, parties.payee_viewer, parties.payee, "side=receivables")

    assert by_label(payables)["1-30"] == (649.50, 1)
    assert by_label(payables)["current"] == (40, 1)
    assert payables["total"] == 689.50
    assert payables["asOf"] == today().isoformat() and payables["side"] == "payables"
    assert payables["counterparties"] == [
        {"connectionId": parties.connection.id, "name": "Globex",
         "buckets": payables["buckets"], "total": 689.50}
    ]  # fmt: skip
    assert receivables["buckets"] == payables["buckets"]
    assert receivables["counterparties"][0]["name"] == "Acme"
    # The payee owes nothing on its own invoices; the payer is owed nothing.
    assert aging(parties, parties.payee_owner, parties.payee, "side=payables")["total"] == 0


def test_a_past_as_of_date_ages_what_was_owed_then(parties):
    """Paid since, it was owed then; credited since, the credit is added back; submitted
    after that day, it was not owed yet; buckets count from that day."""
    as_of = days(-20)
    paid_later = owed(
        parties,
        S.PAID,
        "300.00",
        days(-25),
        submitted_at=timezone.now() - datetime.timedelta(days=40),
    )
    Payable.objects.filter(pk=paid_later.pk).update(
        amount_paid=Decimal("300.00"), paid_at=timezone.now() - datetime.timedelta(days=5)
    )
    factories.PaymentFactory(payable=paid_later, amount=Decimal("300.00"), status=PaymentStatus.COMPLETED,
                             completed_at=timezone.now() - datetime.timedelta(days=5))  # fmt: skip
    credited = owed(
        parties,
        S.APPROVED,
        "500.00",
        days(-10),
        submitted_at=timezone.now() - datetime.timedelta(days=30),
    )
    Payable.objects.filter(pk=credited.pk).update(amount_credited=Decimal("200.00"))
    credit = Credit.objects.create(connection=parties.connection, payee=parties.payee, payer=parties.payer,
                                   amount=Decimal("200.00"), amount_applied=Decimal("200.00"))  # fmt: skip
    CreditApplication.objects.create(credit=credit, payable=credited, amount=Decimal("200.00"))
    owed(
        parties,
        S.APPROVED,
        "70.00",
        days(-30),
        submitted_at=timezone.now() - datetime.timedelta(days=3),
    )

    body = aging(parties, parties.payer_owner, parties.payer, f"asOf={as_of.isoformat()}")

    assert body["asOf"] == as_of.isoformat()
    # Due 25 days ago is 5 days past due on that day; due 10 days ago was not yet due.
    assert by_label(body)["1-30"] == (300, 1)
    assert by_label(body)["current"] == (500, 1)
    assert body["total"] == 800
    # Today: only the credited bill's remaining 300 and the late submission.
    now = aging(parties, parties.payer_owner, parties.payer)
    assert now["total"] == 370


@pytest.mark.parametrize(
    ("query", "field"),
    [("side=both", "side"), ("asOf=2026-13-01", "asOf"), ("asOf=yesterday", "asOf"),
     ("asOf=1900-01-01", "asOf"), ("asOf=20260101", "asOf")],
)  # fmt: skip
def test_bad_aging_parameters_are_400_naming_the_parameter(parties, query, field):
    response = parties.client(parties.payer_owner).get(
        f"/api/businesses/{parties.payer.id}/reports/aging?{query}"
    )

    assert response.status_code == 400
    body = response.json()
    assert body["type"] == "validation_error"
    assert [e["field"] for e in body["errors"]] == [field]


def test_another_business_reports_are_404(parties):
    client = parties.client(parties.outsider)
    for path in ("reports/aging", "reports/cash-flow", "reports/aging/export-csv"):
        assert client.get(f"/api/businesses/{parties.payer.id}/{path}").status_code == 404
    balance = f"/api/connections/{parties.connection.id}/balance"
    assert client.get(balance).status_code == 404
    assert client.get(balance + "/export-csv").status_code == 404


def test_cash_flow_week_by_week_both_directions(parties):
    scheduled = owed(parties, S.SCHEDULED, "300.00", days(20))
    scheduled.payments.update(scheduled_for=days(9))  # week 2
    owed(parties, S.APPROVED, "200.00", days(-10))  # late: week 1
    owed(parties, S.SUBMITTED, "50.00", days(3))  # week 1
    owed(parties, S.APPROVED, "999.00", days(28))  # week 5: beyond 4 weeks

    out = (
        parties.client(parties.payer_owner)
        .get(f"/api/businesses/{parties.payer.id}/reports/cash-flow?side=out&weeks=4")
        .json()
    )
    into = (
        parties.client(parties.payee_owner)
        .get(f"/api/businesses/{parties.payee.id}/reports/cash-flow?side=in&weeks=4")
        .json()
    )

    assert [(w["scheduled"], w["due"]) for w in out["weeks"]] == [
        (0, 250),
        (300, 0),
        (0, 0),
        (0, 0),
    ]
    assert out["weeks"][0]["start"] == today().isoformat()
    assert out["weeks"][3]["end"] == days(27).isoformat()
    assert out["total"] == 550 and out["side"] == "out"
    assert into["weeks"] == out["weeks"] and into["side"] == "in"
    assert len(parties.client(parties.payer_owner).get(
        f"/api/businesses/{parties.payer.id}/reports/cash-flow"
    ).json()["weeks"]) == 8  # fmt: skip


@pytest.mark.parametrize("query", ["side=sideways", "weeks=0", "weeks=27", "weeks=two", "weeks=-1"])
def test_bad_cash_flow_parameters_are_400(parties, query):
    response = parties.client(parties.payer_owner).get(
        f"/api/businesses/{parties.payer.id}/reports/cash-flow?{query}"
    )
    assert response.status_code == 400
    assert response.json()["type"] == "validation_error"


def test_connection_balance_from_either_side(parties):
    paid = owed(parties, S.PAID, "100.00", days(-50))
    Payable.objects.filter(pk=paid.pk).update(
        amount_paid=Decimal("60.00"), amount_credited=Decimal("40.00")
    )
    late = owed(parties, S.APPROVED, "500.00", days(-5))
    Payable.objects.filter(pk=late.pk).update(amount_paid=Decimal("125.25"))
    owed(parties, S.SUBMITTED, "80.00", days(10))
    owed(parties, S.DRAFT, "7000.00", days(-5))
    owed(parties, S.DECLINED, "7000.00", days(-5))
    Credit.objects.create(connection=parties.connection, payee=parties.payee, payer=parties.payer,
                          amount=Decimal("30.00"))  # fmt: skip

    url = f"/api/connections/{parties.connection.id}/balance"
    payer = parties.client(parties.payer_viewer).get(url).json()
    payee = parties.client(parties.payee_viewer).get(url).json()

    figures = {"billed": 680, "paid": 185.25, "credits": 40, "outstanding": 454.75,
               "overdue": 374.75, "openCredits": 30}  # fmt: skip
    assert {k: payer[k] for k in figures} == figures
    assert {k: payee[k] for k in figures} == figures
    assert payer["side"] == "payer" and payee["side"] == "payee"
    assert payer["billed"] - payer["paid"] - payer["credits"] == payer["outstanding"]


def test_each_report_as_csv(parties):
    owed(parties, S.APPROVED, "1234.50", days(-40))
    client = parties.client(parties.payer_owner)
    base = f"/api/businesses/{parties.payer.id}/reports"

    aging_csv = client.get(f"{base}/aging/export-csv?side=payables")
    flow_csv = client.get(f"{base}/cash-flow/export-csv?weeks=2")
    balance_csv = client.get(f"/api/connections/{parties.connection.id}/balance/export-csv")

    assert aging_csv["Content-Type"].startswith("text/csv")
    assert aging_csv.content.decode().splitlines() == [
        "connection_id,counterparty,current,1-30,31-60,61-90,90+,total",
        f"{parties.connection.id},Globex,0.00,0.00,1234.50,0.00,0.00,1234.50",
        ",Total,0.00,0.00,1234.50,0.00,0.00,1234.50",
    ]
    lines = flow_csv.content.decode().splitlines()
    assert lines[0] == "week_start,week_end,scheduled,due,total" and len(lines) == 3
    assert lines[1] == f"{today().isoformat()},{days(6).isoformat()},0.00,1234.50,1234.50"
    assert balance_csv.content.decode().splitlines()[1] == (
        f"{parties.connection.id},1234.50,0.00,0.00,1234.50,1234.50,0.00"
    )
    assert client.get(f"{base}/aging/export-csv?side=nope").status_code == 400


def test_a_counterparty_name_is_neutralised_in_csv(parties):
    parties.connection.payer_alias = "=HYPERLINK(1)"
    parties.connection.save(update_fields=["payer_alias"])
    owed(parties, S.APPROVED, "10.00", days(1))

    body = (
        parties.client(parties.payer_owner)
        .get(f"/api/businesses/{parties.payer.id}/reports/aging/export-csv")
        .content.decode()
    )

    assert "'=HYPERLINK(1)" in body


def test_aging_queries_do_not_grow_with_the_payables(parties, django_assert_num_queries):
    client = parties.client(parties.payer_owner)
    url = f"/api/businesses/{parties.payer.id}/reports/aging?side=payables"
    owed(parties, S.APPROVED, "10.00", days(-5))
    client.get(url)
    with django_assert_num_queries(3) as one:
        client.get(url)
    for n in range(20):
        other = factories.ConnectionFactory(payer=parties.payer)
        factories.PayableFactory(connection=other, status=S.APPROVED, due_date=days(-n * 7))
    with django_assert_num_queries(len(one.captured_queries)):
        client.get(url)
