"""Fields the server owns, sent in any write, are ignored or refused and never stored.

Every write of the authorization matrix is sent again as the acting side's owner with the
server's fields forged into its body (``status``, ``payer``/``payee``, ``createdBy``, the
timestamps, an ``id``, ``currency``, the ``approval`` and ``payments``...). The answer must be
the matrix's (the forgery ignored) or a 400 (refused), and afterwards no row of any table may
hold a forged value. The payables' own rules follow: the amount is the payee's until it is
submitted, and never anyone's after.
"""

import datetime
from decimal import Decimal

import pytest
from django.apps import apps
from django.db import models, transaction
from django.db.models import Q

from payables.models import Payable, Payment
from tests.reliability.invariants import assert_invariants
from tests.reliability.report import figure
from tests.reliability.test_authorization_matrix import MATRIX, request

FORGED_ID = "FORGEDxFORGEDxFORGED"
FORGED_TIME = "2001-02-03T04:05:06Z"
FORGED_YEAR = 2001
ACTIONS = {
    f"payable-{action}"
    for action in (
        "submit",
        "approve",
        "decline",
        "schedule",
        "unschedule",
        "pay",
        "cancel",
        "bulk",
        "apply-credit",
    )
} | {
    # A run schedules its payables; marking it sent completes them (bank-file settlement).
    "payment-run-list",
    "payment-run-mark-sent",
    # The inbox's bulk bar: the bulk action from a page.
    "page:inbox-bulk",
}


def forged(world) -> dict:
    """Every server-owned field a client might try to set, with values that cannot occur."""
    outsider = world.outsider_business.id
    return {
        "id": f"pay_{FORGED_ID}",
        "status": "PAID",
        "payer": outsider,
        "payee": outsider,
        "payerBusinessId": outsider,
        "payeeBusinessId": outsider,
        "connectedBusinessId": outsider,
        "createdBy": world.user("outsider").id,
        "createdAt": FORGED_TIME,
        "updatedAt": FORGED_TIME,
        "submittedAt": FORGED_TIME,
        "approvedAt": FORGED_TIME,
        "paidAt": FORGED_TIME,
        "cancelledAt": FORGED_TIME,
        "completedAt": FORGED_TIME,
        "currency": "EUR",
        "approval": {"status": "approved", "workflow": None, "steps": []},
        "approvalStatus": "approved",
        "payments": [{"id": f"pmt_{FORGED_ID}", "status": "completed", "amount": 1}],
        "user": {"id": f"usr_{FORGED_ID}", "email": "forged@x.test"},
        "token": FORGED_ID,
    }


def forged_rows() -> list[str]:
    """Rows of any table holding a forged ID or a forged timestamp."""
    found = []
    for model in apps.get_models():
        query = Q()
        pk = model._meta.pk
        if isinstance(pk, models.CharField):
            query |= Q(pk__contains=FORGED_ID)
        for field in model._meta.concrete_fields:
            if isinstance(field, models.DateTimeField):
                query |= Q(**{f"{field.name}__year": FORGED_YEAR})
        if query and model.objects.filter(query).exists():
            found.append(model.__name__)
    return found


def _acting_owner(row) -> str | None:
    """The owner on the side the matrix expects to succeed, if any."""
    for principal in ("payee.owner", "payer.owner", "outsider"):
        if row.expected(principal) < 300:
            return principal
    return None


@pytest.mark.django_db
def test_forged_server_fields_are_never_stored(world, clients):
    checked, refused, ignored = 0, 0, 0
    for row in MATRIX:
        if row.method not in ("POST", "PATCH", "PUT") or row.multipart:
            continue
        principal = _acting_owner(row)
        if principal is None:
            continue
        body = row.body(world, principal) if callable(row.body) else dict(row.body or {})
        fields = forged(world)
        if row.page:  # a form: flat fields only
            fields = {k: v for k, v in fields.items() if isinstance(v, str)}
        forged_row = type(row)(**{**row.__dict__, "body": {**fields, **body}})
        payables_before = {
            p.pk: (p.status, p.payer_id, p.payee_id, p.created_by_id, p.amount, p.currency)
            for p in Payable.objects.all()
        }
        with transaction.atomic():
            response, _sent = request(world, clients, forged_row, principal)
            status = response.status_code
            assert status in (row.expected(principal), 400), (row.route, status, response.content)
            assert forged_rows() == [], (row.route, row.method)
            for payable in Payable.objects.select_related("connection"):
                assert payable.currency == "USD"
                sides = (payable.connection.payer_id, payable.connection.payee_id)
                assert (payable.payer_id, payable.payee_id) == sides
                before = payables_before.get(payable.pk)
                if before is not None and row.route not in ACTIONS:
                    # Only the lifecycle actions move a status; no write sets one.
                    assert (payable.status, payable.created_by_id) == (before[0], before[3])
                if before is None:  # created by this request: the server's values
                    assert payable.status in ("DRAFT", "SUBMITTED")
                    assert payable.created_by == world.user(principal)
                    assert payable.paid_at is None
            transaction.set_rollback(True)
        checked += 1
        refused += status == 400
        ignored += status != 400
    figure(
        "server-owned-fields",
        writes=checked,
        forged_fields=len(forged(world)),
        ignored=ignored,
        refused=refused,
        stored=0,
    )
    assert checked >= 40


@pytest.mark.django_db
def test_a_new_payable_takes_its_sides_author_and_status_from_the_server(world, client_of):
    body = {
        **forged(world),
        "connectionId": world.connection.id,
        "amount": "120.00",
        "invoiceNumber": "OWNED-1",
    }
    response = client_of("payee.accountant").post(
        f"/api/businesses/{world.payee.id}/payables", body, format="json"
    )
    assert response.status_code == 201, response.content
    data = response.json()
    payable = Payable.objects.get(pk=data["id"])
    assert not payable.pk.endswith(FORGED_ID)
    assert (payable.status, payable.payer_id, payable.payee_id) == (
        "DRAFT",
        world.payer.id,
        world.payee.id,
    )
    assert payable.created_by == world.user("payee.accountant")
    assert (payable.paid_at, payable.submitted_at, payable.currency) == (None, None, "USD")
    assert payable.created_at.year != FORGED_YEAR
    assert data["payments"] == [] and data["approval"] is None
    assert not Payment.objects.filter(payable=payable).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("status", ["submitted", "approved", "scheduled", "paid"])
def test_the_amount_cannot_change_once_submitted(world, client_of, status):
    payable = world.payables[status]
    amount = payable.amount
    for who in ("payee.owner", "payer.owner"):
        response = client_of(who).patch(
            f"/api/payables/{payable.id}",
            {"amount": "1.00", "lineItems": [{"description": "x", "quantity": 1, "unitPrice": 1}]},
            format="json",
        )
        assert response.status_code in (403, 409), response.content
    # nor through an action's body
    for path in ("submit", "approve", "schedule", "pay", "cancel"):
        client_of("payer.owner").post(
            f"/api/payables/{payable.id}/{path}",
            {"amount": "1.00", "date": (datetime.date.today()).isoformat()},
            format="json",
        )
    # (``schedule`` and ``pay`` take an amount: the part of it to pay, never the payable's.)
    payable.refresh_from_db()
    assert payable.amount == amount == Decimal("125.00")
    assert sum(p.amount for p in payable.payments.filter(status="completed")) <= amount
    assert_invariants([payable.id])
