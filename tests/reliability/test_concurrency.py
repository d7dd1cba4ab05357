"""Concurrency on PostgreSQL: clicks, sweeps, duplicated tasks and racing people, all at once.

Each test runs real threads against real row locks (``transaction=True``), then checks the
invariants of tests/reliability/invariants.py and prints its figures.
"""

import datetime
import random
from decimal import Decimal

import pytest
from rest_framework.exceptions import ValidationError
from rest_framework.test import APIClient

from accounts.services import token_create
from cleopay.core.errors import Conflict
from payables import services, tasks
from payables.models import LedgerTransfer, Payable, PayableEvent, Payment, PaymentStatus
from tests import factories
from tests.payables.rails import CountingLedgerRail
from tests.reliability.invariants import assert_invariants
from tests.reliability.model import perform
from tests.reliability.report import figure
from tests.reliability.threads import Pool, race
from tests.reliability.world import payable_in, today

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

THREADS = 8
PAY_RACE_PAYABLES = 20
PAY_RACE_ATTEMPTS = 1000
CENT = Decimal("0.01")


def _due_today(world, amount: str) -> Payable:
    """A new payable, approved and scheduled for today (so the sweep takes it)."""
    actor, approver = world.user("payee.owner"), world.user("payer.approver")
    payable = services.payable_create(
        business_id=world.payee.id,
        actor=actor,
        connection_id=world.connection.id,
        amount=Decimal(amount),
        submit=True,
    )
    services.payable_approve(payable_id=payable.id, actor=approver)
    services.payable_schedule(payable_id=payable.id, actor=world.user("payer.owner"), on=today())
    return payable


def test_a_thousand_pay_attempts_from_eight_threads_pay_each_payable_once(world, settings):
    """Clicks on pay (whole or a third, by ACH or check), the sweep and a duplicated execution
    task, mixed, on one payable at a time: each is paid exactly its amount, never more."""
    settings.PAYMENT_RAIL = "tests.payables.rails.CountingLedgerRail"
    CountingLedgerRail.calls = []
    rng = random.Random(7)
    payer_owner, payer_admin = world.user("payer.owner"), world.user("payer.admin")
    per_payable = PAY_RACE_ATTEMPTS // PAY_RACE_PAYABLES
    kinds = {"click": 0, "sweep": 0, "task": 0}
    refusals = unexpected = 0
    payables = []
    pool = Pool(THREADS)
    try:
        for n in range(PAY_RACE_PAYABLES):
            payable = _due_today(world, f"{100 + n}.{n:02d}")
            payment_id = payable.payments.get().id
            payables.append(payable)
            jobs = []
            for _ in range(per_payable):
                kind = rng.choice(("click", "click", "sweep", "task"))
                kinds[kind] += 1
                if kind == "click":
                    # All that is due, or a part: a third of the amount, by ACH or by check.
                    actor = rng.choice((payer_owner, payer_admin))
                    part = rng.choice((None, None, "ach", "check"))
                    amount = None if part is None else (payable.amount / 3).quantize(CENT)
                    jobs.append(
                        lambda p=payable, a=actor, m=part or "ach", x=amount: services.payable_pay(
                            payable_id=p.id, actor=a, amount=x, method=m
                        )
                    )
                elif kind == "sweep":
                    jobs.append(tasks.sweep_due_payments)
                else:
                    jobs.append(lambda pid=payment_id: tasks.execute_payment(pid))
            for outcome in pool.run(jobs):
                if isinstance(outcome, Conflict | ValidationError):
                    # a click after the payment (409), or for more than is left (400): nothing done
                    refusals += 1
                elif isinstance(outcome, Exception):
                    unexpected += 1
    finally:
        pool.close()
    # What partial clicks left due is paid in full, once more beside the sweep.
    for payable in payables:
        payable.refresh_from_db()
        if payable.status != "PAID":
            services.payable_pay(payable_id=payable.id, actor=payer_owner)

    ids = [p.id for p in payables]
    completed = Payment.objects.filter(payable_id__in=ids, status=PaymentStatus.COMPLETED)
    transfers = LedgerTransfer.objects.filter(payment__payable_id__in=ids).count()
    overpaid = sum(
        1
        for p in Payable.objects.filter(pk__in=ids)
        if sum(x.amount for x in p.payments.filter(status="completed")) != p.amount
    )
    partial = sum(
        1 for p in ids if Payment.objects.filter(payable_id=p, status="completed").count() > 1
    )
    figure(
        "pay-race",
        payables=len(ids),
        attempts=sum(kinds.values()),
        threads=THREADS,
        clicks=kinds["click"],
        sweeps=kinds["sweep"],
        duplicated_tasks=kinds["task"],
        completed_payments=completed.count(),
        paid_in_parts=partial,
        ledger_transfers=transfers,
        rail_calls=len(CountingLedgerRail.calls),
        paid_other_than_the_amount=overpaid,
        unexpected_errors=unexpected,
    )
    assert unexpected == 0
    assert sum(kinds.values()) == PAY_RACE_ATTEMPTS
    assert set(Payable.objects.filter(pk__in=ids).values_list("status", flat=True)) == {"PAID"}
    ledger = completed.filter(rail="ledger").count()
    assert ledger == transfers and completed.count() >= len(ids)
    assert overpaid == 0
    assert partial > 0  # some were paid in parts
    assert refusals > 0  # the race was real: clicks found the payable paid
    assert_invariants(ids)


# The racing actions, as (model action, argument) for tests/reliability/model.py's ``perform``.
RACE_ACTIONS = {
    "approve": ("approve", "payer.approver"),
    "approve2": ("approve", "payer.admin"),
    "decline": ("decline", None),
    "cancel-payer": ("cancel_payer", None),
    "cancel-payee": ("cancel_payee", None),
    "pay": ("pay", None),
    "schedule": ("schedule", "in three days"),
    "unschedule": ("unschedule", None),
    "submit": ("submit", None),
    "edit": ("edit", Decimal("99.00")),
}


def _act(world, name: str, payable_id: str):
    """The action as a call: None when it went through, else the refusal's HTTP status."""
    action, arg = RACE_ACTIONS[name]
    if arg == "in three days":
        arg = today() + datetime.timedelta(days=3)
    return lambda: perform(world, action, payable_id, arg=arg)


def _fresh(world, status: str) -> Payable:
    return payable_in(world, status)


def _outcome(payable_id: str, results, skip_events: int) -> tuple:
    payable = Payable.objects.get(pk=payable_id)
    events = PayableEvent.objects.filter(payable_id=payable_id).order_by("position")
    return (
        payable.status,
        str(payable.amount),
        tuple(e.type for e in events[skip_events:]),
        tuple(payable.payments.order_by("created_at").values_list("status", flat=True)),
        # A refusal by its HTTP status: paying is three steps, so a cancel may meet the payment
        # "being processed" (409) where a serial order would meet PAID (409 too).
        tuple("ok" if r is None else r for r in results),
    )


PAIRS = [
    ("SUBMITTED", "approve", "cancel-payer"),
    ("SUBMITTED", "approve", "cancel-payee"),
    ("SUBMITTED", "approve", "decline"),
    ("SUBMITTED", "approve", "approve2"),
    ("APPROVED", "pay", "cancel-payer"),
    ("SCHEDULED", "pay", "cancel-payer"),
    ("SCHEDULED", "pay", "unschedule"),
    ("APPROVED", "schedule", "cancel-payer"),
    ("SUBMITTED", "schedule", "decline"),
    ("APPROVED", "schedule", "pay"),
    ("DRAFT", "submit", "cancel-payee"),
    ("DRAFT", "submit", "edit"),
    ("DECLINED", "submit", "edit"),
]
ROUNDS = 6


def test_racing_pairs_end_as_one_serial_order_would(world):
    races = 0
    for start, first, second in PAIRS:
        serial = set()
        for order in ((first, second), (second, first)):
            payable = _fresh(world, start)
            skip = payable.events.count()
            results = [_act(world, action, payable.id)() for action in order]
            if order != (first, second):
                results.reverse()
            serial.add(_outcome(payable.id, results, skip))
        for _ in range(ROUNDS):
            payable = _fresh(world, start)
            skip = payable.events.count()
            results = race(_act(world, first, payable.id), _act(world, second, payable.id))
            # a refusal is its status (perform); anything raised is a bug
            assert not [r for r in results if isinstance(r, Exception)], results
            outcome = _outcome(payable.id, results, skip)
            assert outcome in serial, (start, first, second, outcome, serial)
            assert_invariants([payable.id])
            races += 1
    figure(
        "racing-pairs",
        pairs=len(PAIRS),
        races=races,
        threads=2,
        not_a_serial_order=0,
    )


def _is_refusal(exc) -> bool:
    from rest_framework.exceptions import APIException

    return isinstance(exc, APIException) and exc.status_code in (400, 403, 404, 409)


def _approvers_race(world, payable, people) -> list:
    return race(
        *[lambda a=a, p=payable: services.payable_approve(payable_id=p.id, actor=a) for a in people]
    )


# (name, the workflow's steps as (approvers by index, required), how many approve at once).
# People 0..4 are five approvers of Acme; manual review has no workflow.
WORKFLOWS = [
    ("manual review, 2 at once", None, 2),
    ("manual review, 3 at once", None, 3),
    ("2 of 3, 2 at once", [((0, 1, 2), 2)], 2),
    ("2 of 3, 3 at once", [((0, 1, 2), 2)], 3),
    ("2 of 2, 2 at once", [((0, 1), 2)], 2),
    ("1 of 3 then 1 of 3, 3 at once", [((0, 1, 2), 1), ((0, 1, 2), 1)], 3),
    ("2 of 4 then 1 of 4, 3 at once", [((0, 1, 2, 3), 2), ((0, 1, 2, 3), 1)], 3),
    ("2 of 5 then 2 of 5, 3 at once", [((0, 1, 2, 3, 4), 2), ((0, 1, 2, 3, 4), 2)], 3),
]
APPROVAL_ROUNDS = 4


def test_approvers_at_once_on_n_of_m_steps_approve_exactly_once(world):
    """Two and three people approve at the same moment, under manual review and on workflows of
    N-of-M steps: each step gets exactly its approvals, from distinct people, each one event; the
    payable is approved once, when the last step completes, never twice."""
    from approvals.models import Approval, ApprovalWorkflow

    people = [world.user("payer.approver")] + [
        factories.member(world.payer, "approver", email=f"approver{n}@acme.test")
        for n in range(1, 5)
    ]
    races = approvals = 0
    for name, steps, at_once in WORKFLOWS:
        ApprovalWorkflow.objects.filter(business=world.payer, name="race").delete()
        if steps is not None:
            factories.approval_workflow(
                world.payer,
                name="race",
                steps=[
                    {"approvers": [people[i] for i in who], "required": required}
                    for who, required in steps
                ],
            )
        for _ in range(APPROVAL_ROUNDS):
            payable = _fresh(world, "SUBMITTED")
            results = _approvers_race(world, payable, people[:at_once])
            assert all(_is_refusal(r) for r in results if isinstance(r, Exception)), (name, results)
            ok = sum(1 for r in results if not isinstance(r, Exception))
            needed = sum(required for _who, required in steps) if steps else 1
            assert ok == min(at_once, needed), (name, results)
            status = Payable.objects.get(pk=payable.pk).status
            assert status == ("APPROVED" if at_once >= needed else "SUBMITTED"), name
            assert payable.events.filter(type="payable.approved").count() == (
                1 if status == "APPROVED" else 0
            )
            assert_invariants([payable.id])
            approvals += Approval.objects.filter(request__payable=payable).count()
            races += 1
    figure(
        "approvers-race",
        workflows=len(WORKFLOWS),
        races=races,
        approvers_at_once="2-3",
        approvals_recorded=approvals,
        approved_twice=0,
        duplicate_approvals=0,
    )


# --- over HTTP: invoice numbers and idempotency keys --------------------------------------------------
def _client(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token_create(user=user)}")
    return client


def test_a_hundred_creates_with_one_invoice_number_make_one_payable(world):
    users = [world.user(n) for n in ("payee.owner", "payee.admin", "payee.accountant")]
    clients = [_client(users[i % len(users)]) for i in range(THREADS)]
    url = f"/api/businesses/{world.payee.id}/payables"
    jobs = []
    for n in range(100):
        number = ("INV-RACE-1", "inv-race-1", "Inv-Race-1")[n % 3]  # the same, whatever the case
        body = {"connectionId": world.connection.id, "amount": "10.00", "invoiceNumber": number}
        jobs.append(lambda body=body, n=n: clients[n % THREADS].post(url, body, format="json"))
    pool = Pool(THREADS)
    try:
        responses = pool.run(jobs)
    finally:
        pool.close()
    statuses = [getattr(r, "status_code", r) for r in responses]
    created = statuses.count(201)
    conflicts = [r for r in responses if getattr(r, "status_code", None) == 409]
    figure(
        "invoice-number-race",
        requests=len(jobs),
        threads=THREADS,
        created=created,
        conflicts=len(conflicts),
        other=len(jobs) - created - len(conflicts),
    )
    assert created == 1, statuses
    assert len(conflicts) == 99
    assert all(r.json()["code"] == "duplicate" for r in conflicts)
    made = Payable.objects.filter(invoice_number__iexact="INV-RACE-1")
    assert made.count() == 1
    assert_invariants([made.get().id])


def test_the_same_idempotency_key_at_once_makes_one_object(world):
    user = world.user("payee.owner")
    clients = [_client(user) for _ in range(THREADS)]
    url = f"/api/businesses/{world.payee.id}/payables"
    body = {"connectionId": world.connection.id, "amount": "42.00", "memo": "once"}
    responses = race(
        *[
            lambda c=c: c.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY="create-once")
            for c in clients
        ]
    )
    statuses = [r.status_code for r in responses]
    assert statuses == [201] * THREADS, statuses
    assert len({r.content for r in responses}) == 1
    assert Payable.objects.filter(memo="once").count() == 1

    # and a payment: the same key on /pay from every thread moves the money once
    payable = _fresh(world, "APPROVED")
    payer = world.user("payer.owner")
    pay_clients = [_client(payer) for _ in range(THREADS)]
    paid = race(
        *[
            lambda c=c: c.post(f"/api/payables/{payable.id}/pay", HTTP_IDEMPOTENCY_KEY="pay-once")
            for c in pay_clients
        ]
    )
    assert [r.status_code for r in paid] == [200] * THREADS
    assert len({r.content for r in paid}) == 1
    assert payable.payments.count() == 1
    assert LedgerTransfer.objects.filter(payment__payable=payable).count() == 1
    assert_invariants()
    figure(
        "idempotency-race",
        threads=THREADS,
        keys=2,
        objects_created=Payable.objects.filter(memo="once").count(),
        payments=payable.payments.count(),
        duplicates=0,
    )
