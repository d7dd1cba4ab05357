"""
State-machine properties: Hypothesis drives the service layer and a pure model side by side.

``PayablesMachine`` creates payables and applies every action of the lifecycle to them in
random order (create, edit, submit, approve, decline, schedule, unschedule, pay, cancel on both
sides, the sweep, a task delivered again, a day passing, and requests with an
``Idempotency-Key`` replayed), comparing each answer with ``tests/reliability/model.py`` and
checking every invariant after every step.

CI runs ``RELIABILITY_EXAMPLES`` examples (default 60) of up to 30 steps; a larger run:
``RELIABILITY_EXAMPLES=2000 pytest tests/reliability/test_state_machine.py``.

The exhaustive table test applies every action to a payable in every status (as each path of
the lifecycle leaves it) and compares the service with the model.
"""

import datetime
import os
from collections import Counter
from decimal import Decimal
from unittest import mock

import pytest
from django.db import transaction
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)

from payables import services
from payables.models import Payable
from tests import factories
from tests.reliability.invariants import ALLOWED_MOVES, assert_invariants
from tests.reliability.model import (
    ACTIONS,
    APPROVERS,
    ModelPayable,
    observed,
    observed_all,
    perform,
    predicted,
)
from tests.reliability.report import figure
from tests.reliability.world import today

EXAMPLES = int(os.environ.get("RELIABILITY_EXAMPLES", "60"))
STEPS = int(os.environ.get("RELIABILITY_STEPS", "30"))
# Few payables per example, so its steps go deep into each one's lifecycle.
MAX_PAYABLES = 3
amounts = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("99999.99"), places=2)

# What a client sends over HTTP for an action (method, path suffix, who, body for a date).
HTTP_ACTIONS = {
    "submit": ("/submit", "payee.owner"),
    "approve": ("/approve", "payer.approver"),
    "schedule": ("/schedule", "payer.admin"),
    "pay": ("/pay", "payer.owner"),
    "cancel_payer": ("/cancel", "payer.owner"),
}


# The workflow half the examples run under: 2 of three people, then 1 of three others; the owner
# is named on both steps, and may approve only one of them (one person approves once).
WORKFLOW = (
    (frozenset({"payer.approver", "payer.approver2", "payer.owner"}), 2),
    (frozenset({"payer.admin", "payer.approver3", "payer.owner"}), 1),
)

# What one step of the machine does, drawn from this list: mostly an action on a payable, then
# the same through HTTP with an Idempotency-Key, sometimes a new payable, a day passing or a
# replayed key. (One rule drawing from a weighted list, because Hypothesis otherwise spends most
# steps on the rules with the simplest arguments.)
STEP_KINDS = ["act"] * 6 + ["http"] * 2 + ["create", "time", "replay"]


class PayablesMachine(RuleBasedStateMachine):
    """The service layer against ``ModelPayable``; the world is set on the class by the test."""

    world = None
    clients: dict = {}
    stats: Counter = Counter()

    def __init__(self):
        super().__init__()
        # Every example starts from the same world: its writes are rolled back at the end.
        self._atomic = transaction.atomic()
        self._atomic.__enter__()
        self.day = 0
        self._today = mock.patch("payables.services.base.today", lambda: self.today)
        self._today.start()
        self.models: dict[str, ModelPayable] = {}
        self.workflow = None
        self.replayable: list[tuple] = []
        self.keys = 0
        PayablesMachine.stats["examples"] += 1

    @property
    def today(self) -> datetime.date:
        return today() + datetime.timedelta(days=self.day)

    def teardown(self):
        self._today.stop()
        transaction.set_rollback(True)
        self._atomic.__exit__(None, None, None)

    def _count(self, name: str) -> None:
        PayablesMachine.stats["steps"] += 1
        PayablesMachine.stats[f"rule:{name}"] += 1

    def _check(self, model: ModelPayable, payable_id: str, action: str, expected, got) -> None:
        PayablesMachine.stats["accepted" if expected is None else "refused"] += 1
        assert got == expected, (
            f"{action} on {payable_id}: service answered {got}, the model {expected} "
            f"(history {model.history})"
        )

    # --- steps ---------------------------------------------------------------------------------------
    @initialize(amount=amounts, with_workflow=st.booleans())
    def first(self, amount, with_workflow):
        """Half the examples run under manual review, half under a two-step workflow."""
        if with_workflow:
            factories.approval_workflow(
                self.world.payer,
                name="machine",
                steps=[
                    {"approvers": [self.world.user(p) for p in sorted(people)], "required": n}
                    for people, n in WORKFLOW
                ],
            )
            self.workflow = WORKFLOW
            PayablesMachine.stats["workflow_examples"] += 1
        self.create(amount, submit=False)

    @rule(data=st.data())
    def step(self, data):
        kind = data.draw(st.sampled_from(STEP_KINDS), label="kind")
        if kind == "create" and len(self.models) < MAX_PAYABLES:
            self.create(data.draw(amounts), submit=data.draw(st.booleans()))
        elif kind == "time":
            self._count("time_passes")
            self.day += data.draw(st.integers(1, 3))
        elif kind == "replay" and self.replayable:
            self.replay(data.draw(st.sampled_from(self.replayable)))
        elif kind == "http":
            payable_id = data.draw(st.sampled_from(list(self.models)))
            self.over_http_with_a_key(payable_id, data.draw(st.sampled_from(sorted(HTTP_ACTIONS))))
        else:
            self.act(data.draw(st.sampled_from(list(self.models))), data)

    def create(self, amount, *, submit: bool) -> None:
        self._count("create")
        payable = services.payable_create(
            business_id=self.world.payee.id,
            actor=self.world.user("payee.accountant"),
            connection_id=self.world.connection.id,
            amount=amount,
            submit=submit,
        )
        model = ModelPayable(amount=amount, workflow=self.workflow)
        if submit:
            model.apply("submit", today=self.today)
        self.models[payable.id] = model

    def act(self, payable_id, data):
        """One action on one payable: mostly one the contract allows now (a person's next
        click, so the deep states are reached), otherwise any, to be refused as the model says."""
        model = self.models[payable_id]
        allowed = model.allowed(today=self.today)
        follow = bool(allowed) and data.draw(st.sampled_from([True, True, True, False]))
        action = data.draw(st.sampled_from(allowed if follow else ACTIONS))
        arg = None
        if action == "edit":
            arg = data.draw(amounts)
        elif action == "approve":
            eligible = sorted(model.approvers_now())
            arg = data.draw(st.sampled_from(eligible if follow and eligible else APPROVERS))
        elif action == "schedule":
            lowest = 0 if follow else -1  # yesterday is refused with a 400
            arg = self.today + datetime.timedelta(days=data.draw(st.integers(lowest, 3)))
        self._count(action)
        expected = model.apply(action, today=self.today, arg=arg)
        if action == "sweep":  # the sweep pays every due payment, not only this payable's
            for other in self.models.values():
                if other is not model:
                    other.apply("sweep", today=self.today)
        got = perform(self.world, action, payable_id, arg=arg)
        self._check(model, payable_id, action, expected, got)

    def over_http_with_a_key(self, payable_id, action):
        """The same action as a client sends it, with an Idempotency-Key."""
        self._count("http_with_key")
        suffix, who = HTTP_ACTIONS[action]
        body = {"date": self.today.isoformat()} if action == "schedule" else {}
        if action == "cancel_payer":
            body = {"reason": "Duplicate", "businessId": self.world.payer.id}
        self.keys += 1
        key = f"k{self.keys}"
        path = f"/api/payables/{payable_id}{suffix}"
        model = self.models[payable_id]
        arg = {"schedule": self.today, "approve": who}.get(action)
        expected = model.apply(action, today=self.today, arg=arg)
        response = self.clients[who].post(path, body, format="json", HTTP_IDEMPOTENCY_KEY=key)
        got = None if response.status_code == 200 else response.status_code
        self._check(model, payable_id, f"{action} (HTTP)", expected, got)
        if got is None:
            self.replayable.append((who, path, body, key, response.content))

    def replay(self, request):
        """A client retries a request that went through: the same bytes back, nothing done."""
        self._count("replay")
        who, path, body, key, content = request
        before = observed_all(self.models)
        response = self.clients[who].post(path, body, format="json", HTTP_IDEMPOTENCY_KEY=key)
        assert response.status_code == 200
        assert response["Idempotent-Replayed"] == "true"
        assert response.content == content
        assert observed_all(self.models) == before

    # --- after every step ----------------------------------------------------------------------------
    @invariant()
    def the_database_is_the_model_and_money_is_safe(self):
        seen = observed_all(self.models)
        for payable_id, model in self.models.items():
            assert seen[payable_id] == predicted(model), (payable_id, model.history)
        assert_invariants(self.models)
        PayablesMachine.stats["invariant_checks"] += 1


@pytest.mark.django_db
def test_the_lifecycle_holds_under_random_sequences_of_actions(world, api):
    for extra in ("payer.approver2", "payer.approver3"):
        world.people[extra] = factories.member(world.payer, "approver", email=f"{extra}@acme.test")
    PayablesMachine.world = world
    PayablesMachine.clients = {
        who: api(world.user(who)) for who in {who for _suffix, who in HTTP_ACTIONS.values()}
    }
    PayablesMachine.stats = Counter()
    run_state_machine_as_test(
        PayablesMachine,
        settings=settings(
            max_examples=EXAMPLES,
            stateful_step_count=STEPS,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        ),
    )
    stats = PayablesMachine.stats
    rules = {k.removeprefix("rule:"): v for k, v in stats.items() if k.startswith("rule:")}
    figure(
        "state-machine",
        examples=stats["examples"],
        under_a_workflow=stats["workflow_examples"],
        steps=stats["steps"],
        accepted=stats["accepted"],
        refused=stats["refused"],
        invariant_checks=stats["invariant_checks"],
        actions_covered=len(rules),
        violations=0,
    )
    # Every rule ran, so no action went unexplored.
    assert set(rules) >= {*ACTIONS, "create", "time_passes", "http_with_key", "replay"}
    assert 0 < stats["workflow_examples"] < stats["examples"]


# --- every (status, action) pair -----------------------------------------------------------------------
IN_A_WEEK = 7
# How each status is reached (one path per distinct state the payer may or may not see).
PATHS = {
    "DRAFT": [],
    "SUBMITTED": ["submit"],
    "APPROVED": ["submit", "approve"],
    "DECLINED": ["submit", "decline"],
    "SCHEDULED (later)": ["submit", "approve", ("schedule", IN_A_WEEK)],
    "SCHEDULED (due)": ["submit", "approve", ("schedule", 0)],
    "PAID": ["submit", "approve", "pay"],
    "CANCELLED (draft)": ["cancel_payee"],
    "CANCELLED (sent)": ["submit", "cancel_payer"],
}
ARGS = {"edit": Decimal("77.70"), "schedule": 2}
PAIRS = [(state, action) for state in PATHS for action in ACTIONS]


def _run(world, model, payable_id, step):
    action, arg = step if isinstance(step, tuple) else (step, ARGS.get(step))
    if action == "schedule":
        arg = today() + datetime.timedelta(days=arg)
    expected = model.apply(action, today=today(), arg=arg)
    got = perform(world, action, payable_id, arg=arg)
    assert got == expected, (action, model.history)
    return got


def _pair(world, state: str, action: str) -> None:
    payable = services.payable_create(
        business_id=world.payee.id,
        actor=world.user("payee.owner"),
        connection_id=world.connection.id,
        amount=Decimal("50.00"),
    )
    model = ModelPayable(amount=Decimal("50.00"))
    for step in PATHS[state]:
        assert _run(world, model, payable.id, step) is None
    assert Payable.objects.get(pk=payable.id).status == state.split()[0]
    _run(world, model, payable.id, action)
    assert observed(Payable.objects.get(pk=payable.id)) == predicted(model)
    assert_invariants([payable.id])


@pytest.mark.django_db
def test_every_status_and_action(world):
    """Each pair on a fresh payable, in a savepoint rolled back after it (one world for all)."""
    failures = []
    for state, action in PAIRS:
        try:
            with transaction.atomic():
                _pair(world, state, action)
                transaction.set_rollback(True)
        except AssertionError as exc:
            failures.append(f"{action}@{state}: {exc}")
    assert failures == []


def test_the_table_covers_every_status_and_the_contracts_moves():
    assert {state.split()[0] for state in PATHS} == {status for _from, status in ALLOWED_MOVES}
    figure("status-action-table", states=len(PATHS), actions=len(ACTIONS), pairs=len(PAIRS))
