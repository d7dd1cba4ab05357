"""Every write's queries, pinned: each API write (and the lifecycle through the services) may send
at most ``CEILINGS[name]`` statements. The ceilings only come down: when a change lowers a count,
lower its ceiling with it. Submitting reads the payer's possible duplicates (two queries) and
which of the approvers are away (one).

The counts are the request's own (the token read included); the tasks published after the
commit (webhook deliveries, e-mails) are not run here.
"""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from credits.models import Credit
from payables import services
from payables.models import Payable, PayableStatus

pytestmark = pytest.mark.django_db

S = PayableStatus

CEILINGS = {
    "create": 9,
    "create_submit": 16,
    "submit": 23,
    "approve": 22,
    "decline": 21,
    "schedule": 20,
    "unschedule": 17,
    "pay": 27,
    "pay_approved": 29,
    "pay_outside": 21,
    "cancel": 21,
    "credit_issue": 7,
    "credit_apply": 22,
    "bulk_approve_2": 32,
    "lifecycle_services": 72,
}

LINES = [
    {"description": "Consulting hours", "quantity": 10, "unitPrice": "150.00"},
    {"description": "Travel", "quantity": 1, "unitPrice": "420.50"},
    {"description": "Licences", "quantity": 3, "unitPrice": "99.99"},
]


def counted(name: str, call, expect: int = 200):
    with CaptureQueriesContext(connection) as queries:
        response = call()
    if hasattr(response, "status_code"):
        assert response.status_code == expect, response.content[:500]
    sent = len(queries.captured_queries)
    assert sent <= CEILINGS[name], (
        f"{name} sends {sent} queries, over its ceiling of {CEILINGS[name]}:\n"
        + "\n".join(q["sql"][:160] for q in queries.captured_queries)
    )
    return response


class Writes:
    def __init__(self, parties):
        self.p = parties
        self.payee = parties.client(parties.payee_owner)
        self.approver = parties.client(parties.payer_approver)
        self.payer = parties.client(parties.payer_owner)

    def create(self, name: str, n: int, submit: bool):
        body = {
            "connectionId": self.p.connection.id,
            "invoiceNumber": f"INV-{name}-{n}",
            "dueDate": (datetime.date.today() + datetime.timedelta(days=30)).isoformat(),
            "lineItems": LINES,
            "submit": submit,
        }
        url = f"/api/businesses/{self.p.payee.id}/payables"
        return counted(name, lambda: self.payee.post(url, body, format="json"), 201).json()["id"]

    def submitted(self, n: int) -> str:
        return self.create("create_submit", n, submit=True)

    def post(self, name: str, client, payable_id: str, action: str, body=None, expect=200):
        url = f"/api/payables/{payable_id}/{action}"
        return counted(name, lambda: client.post(url, body or {}, format="json"), expect)


@pytest.fixture
def writes(parties):
    return Writes(parties)


def in_a_week() -> str:
    return (datetime.date.today() + datetime.timedelta(days=7)).isoformat()


def test_create_and_submit(writes):
    draft = writes.create("create", 1, submit=False)
    writes.post("submit", writes.payee, draft, "submit")
    writes.submitted(2)


def test_the_payer_approves_schedules_unschedules_and_pays(writes):
    payable = writes.submitted(1)
    writes.post("approve", writes.approver, payable, "approve")
    writes.post("schedule", writes.payer, payable, "schedule", {"date": in_a_week()})
    writes.post("unschedule", writes.payer, payable, "unschedule")
    writes.post("schedule", writes.payer, payable, "schedule", {"date": in_a_week()})
    paid = writes.post("pay", writes.payer, payable, "pay")
    assert paid.json()["status"] == S.PAID


def test_each_action_answers_what_a_later_get_reads(writes):
    """The payable an action answers with is the one a GET right after it reads."""
    payable = writes.submitted(1)
    steps = [
        ("approve", writes.approver, "approve", None),
        ("schedule", writes.payer, "schedule", {"date": in_a_week()}),
        ("unschedule", writes.payer, "unschedule", None),
        ("pay_approved", writes.payer, "pay", None),
    ]
    for name, client, action, body in steps:
        answered = writes.post(name, client, payable, action, body).json()
        assert answered == client.get(f"/api/payables/{payable}").json(), action
    declined = writes.submitted(2)
    answered = writes.post("decline", writes.approver, declined, "decline", {"reason": "No PO"})
    assert answered.json() == writes.approver.get(f"/api/payables/{declined}").json()
    answered = writes.post("submit", writes.payee, declined, "submit")
    assert answered.json() == writes.payee.get(f"/api/payables/{declined}").json()
    cancelled = writes.submitted(3)
    answered = writes.post("cancel", writes.payee, cancelled, "cancel", {"reason": "Twice"})
    assert answered.json() == writes.payee.get(f"/api/payables/{cancelled}").json()


def test_pay_recorded_outside(writes):
    payable = writes.submitted(1)
    writes.post("approve", writes.approver, payable, "approve")
    body = {"method": "check", "reference": "CHK-1001"}
    assert writes.post("pay_outside", writes.payer, payable, "pay", body).json()["status"] == S.PAID


def test_decline_and_cancel(writes):
    declined = writes.submitted(1)
    writes.post("decline", writes.approver, declined, "decline", {"reason": "Wrong PO"})
    cancelled = writes.submitted(2)
    writes.post("cancel", writes.payee, cancelled, "cancel", {"reason": "Sent twice"})


def test_credit_issue_and_apply(writes, parties):
    payable = writes.submitted(1)
    writes.post("approve", writes.approver, payable, "approve")
    url = f"/api/businesses/{parties.payee.id}/credits"
    body = {"connectionId": parties.connection.id, "amount": "50.00"}
    counted("credit_issue", lambda: writes.payee.post(url, body, format="json"), 201)
    credit = Credit.objects.get()
    applied = writes.post(
        "credit_apply", writes.payer, payable, "apply-credit", {"creditId": credit.id}
    )
    assert Decimal(str(applied.json()["amountCredited"])) == Decimal("50.00")


def test_bulk_approve(writes, parties):
    ids = [writes.submitted(1), writes.submitted(2)]
    url = f"/api/businesses/{parties.payer.id}/payables/bulk"
    body = {"action": "approve", "payableIds": ids}
    response = counted("bulk_approve_2", lambda: writes.approver.post(url, body, format="json"))
    assert [r["ok"] for r in response.json()["results"]] == [True, True]


def test_the_lifecycle_through_the_services(parties):
    lines = [{"description": "Work", "quantity": Decimal(1), "unit_price": Decimal("100")}]

    def lifecycle():
        payable = services.payable_create(
            business_id=parties.payee.id, actor=parties.payee_owner,
            connection_id=parties.connection.id, invoice_number="LIFE-1", line_items=lines,
        )  # fmt: skip
        services.payable_submit(payable_id=payable.id, actor=parties.payee_owner)
        services.payable_approve(payable_id=payable.id, actor=parties.payer_approver)
        services.payable_schedule(
            payable_id=payable.id,
            actor=parties.payer_owner,
            on=datetime.date.today() + datetime.timedelta(days=7),
        )
        services.payable_pay(payable_id=payable.id, actor=parties.payer_owner)
        return payable

    payable = counted("lifecycle_services", lifecycle)
    assert Payable.objects.get(pk=payable.pk).status == S.PAID
