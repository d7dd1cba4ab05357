"""
A pure-Python model of one payable's lifecycle (docs/api/payables.md), and the same actions on the real
service layer. The state machine and the exhaustive table test drive both and compare.

``ModelPayable.apply(action, ...)`` changes the model as the contract says and returns the
HTTP status of the refusal (400, 404, 409), or None when the action succeeds. ``perform(...)``
runs the action through ``payables.services`` (or the tasks) as the right person and returns
the same: a refusal's status code, or None.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count
from rest_framework.exceptions import APIException

from approvals.models import Approval, ApprovalDecision
from payables import services, tasks
from payables.models import Payable, Payment, PaymentStatus

# The payer's people who may approve (tests/reliability/world.py, plus two more approvers).
APPROVERS = (
    "payer.approver",
    "payer.admin",
    "payer.owner",
    "payer.approver2",
    "payer.approver3",
)
# Who acts, per action (principals of tests/reliability/world.py); approvals name their own.
ACTORS = {
    "edit": "payee.accountant",
    "submit": "payee.owner",
    "approve": "payer.approver",
    "decline": "payer.admin",
    "schedule": "payer.admin",
    "unschedule": "payer.owner",
    "pay": "payer.owner",
    # Partial payments: half of what is due by ACH now; a third recorded as paid by check.
    "pay_part": "payer.admin",
    "pay_check": "payer.owner",
    "cancel_payee": "payee.owner",
    "cancel_payer": "payer.owner",
}
# Actions of the payer's team: a payable never submitted does not exist for them (404).
PAYER_ACTIONS = {
    "approve",
    "decline",
    "schedule",
    "unschedule",
    "pay",
    "pay_part",
    "pay_check",
    "cancel_payer",
}
CENT = Decimal("0.01")


def part_of(due: Decimal, divisor: int) -> Decimal:
    """The part of ``due`` a partial payment pays: due / divisor in cents, at least a cent."""
    return max((due / divisor).quantize(CENT, rounding="ROUND_DOWN"), CENT)


# Actions that do not belong to a person: the beat's sweep, a task delivered again.
SYSTEM_ACTIONS = ("sweep", "task")
ACTIONS = (*ACTORS, *SYSTEM_ACTIONS)


# A workflow's steps as the model sees them: (the principals it names, approvals required).
Steps = tuple[tuple[frozenset[str], int], ...]


@dataclass
class ModelPayable:
    amount: Decimal
    status: str = "DRAFT"
    seen_by_payer: bool = False
    # The open (pending) payment's date, while one exists.
    due: datetime.date | None = None
    payments: int = 0
    completed: int = 0
    # Completed payments' sum (``amount_paid``); a scheduled payment is always for all that is due.
    paid: Decimal = Decimal("0")
    events: int = 1  # payable.created
    # The payer's workflow (None: manual review, any approver approves alone), and this review
    # round's progress: the step under way and who approved in the round.
    workflow: Steps | None = None
    step: int = 0
    approved_by: tuple[tuple[str, int], ...] = ()
    approvals: int = 0  # approval rows over all rounds
    history: list[str] = field(default_factory=list, compare=False)

    def allowed(self, *, today: datetime.date) -> list[str]:
        """The actions the contract lets through now (what a person would click next)."""
        out = []
        for action in ACTIONS:
            probe = ModelPayable(**{**self.__dict__, "history": []})
            arg = today if action == "schedule" else self.amount + 1 if action == "edit" else None
            if action == "approve":
                arg = next(iter(sorted(self.approvers_now())), None)
                if arg is None:
                    continue
            if probe.apply(action, today=today, arg=arg) is None and probe != self:
                out.append(action)
        return out

    def approvers_now(self) -> set[str]:
        """Who may approve the current step now (nobody once it is not under review)."""
        if self.status != "SUBMITTED":
            return set()
        done = {who for who, _step in self.approved_by}
        if self.workflow is None:
            return set(APPROVERS) - done
        return set(self.workflow[self.step][0]) - done

    def _approve(self, who: str) -> int | None:
        """One approval by ``who`` (403 when it is not theirs to give now)."""
        if who in {person for person, _step in self.approved_by}:
            return 403  # one person approves a payable once per round
        steps = self.workflow or ((frozenset(APPROVERS), 1),)
        people, required = steps[self.step]
        if who not in people:
            return 403  # not named on the current step (out of turn, or on no step)
        self.approved_by = (*self.approved_by, (who, self.step))
        self.approvals += 1
        if sum(1 for _who, step in self.approved_by if step == self.step) < required:
            self.events += 1  # payable.approval_recorded
            return None
        if self.step + 1 < len(steps):
            self.step += 1
            self.events += 1  # payable.approval_recorded
            return None
        self._move("APPROVED")
        return None

    def _move(self, status: str, events: int = 1) -> None:
        self.status = status
        self.events += events

    def apply(self, action: str, *, today: datetime.date, arg=None) -> int | None:
        """The contract's answer to ``action`` now; changes the model when it succeeds."""
        self.history.append(action)
        status = self.status
        if action in PAYER_ACTIONS and not self.seen_by_payer:
            return 404
        if action == "edit":
            if status not in ("DRAFT", "DECLINED"):
                return 409
            if arg != self.amount:
                self.amount = arg
                self.events += 1
            return None
        if action == "submit":
            if status not in ("DRAFT", "DECLINED"):
                return 409
            self.seen_by_payer = True
            self.step, self.approved_by = 0, ()  # a new review round
            self._move("SUBMITTED")
            return None
        if action == "approve":
            if status != "SUBMITTED":
                return 409
            return self._approve(arg or ACTORS["approve"])
        if action == "decline":
            if status != "SUBMITTED":
                return 409
            self._move("DECLINED")
            return None
        if action == "schedule":
            if status != "APPROVED":
                return 409
            if arg < today:
                return 400
            self.due, self.payments = arg, self.payments + 1
            self._move("SCHEDULED")
            return None
        if action == "unschedule":
            if status != "SCHEDULED":
                return 409
            self.due = None
            self._move("APPROVED")
            return None
        if action == "pay":
            if status not in ("APPROVED", "SCHEDULED"):
                return 409
            self._pay(new_payment=self.due is None)
            return None
        if action in ("pay_part", "pay_check"):
            if status not in ("APPROVED", "SCHEDULED"):
                return 409
            due = self.amount - self.paid
            if action == "pay_check":
                # Beside a scheduled payment (of all that is due) nothing is free to pay.
                if self.due is not None:
                    return 400
                self.payments += 1
                self._paid(part_of(due, 3))
                return None
            # ACH now: a scheduled payment is paid now, for the part.
            self.payments += int(self.due is None)
            self.due = None
            self._paid(part_of(due, 2))
            return None
        if action == "cancel_payee":
            if status not in ("DRAFT", "SUBMITTED", "DECLINED"):
                return 409
            self._move("CANCELLED")
            return None
        if action == "cancel_payer":
            if status not in ("SUBMITTED", "APPROVED", "SCHEDULED"):
                return 409
            self.due = None
            self._move("CANCELLED")
            return None
        if action in SYSTEM_ACTIONS:
            # The sweep, or the open payment's task delivered (again): pays what is due, once.
            if status == "SCHEDULED" and self.due is not None and self.due <= today:
                self._pay(new_payment=False)
            return None
        raise AssertionError(f"unknown action {action}")

    def _pay(self, *, new_payment: bool) -> None:
        self.payments += int(new_payment)
        self.due = None
        self._paid(self.amount - self.paid)

    def _paid(self, part: Decimal) -> None:
        """A payment of ``part`` completed: PAID when nothing is due, else APPROVED."""
        self.completed += 1
        self.paid += part
        if self.paid == self.amount:
            self._move("PAID", events=2)  # payment.completed, then payable.paid
        else:
            self._move("APPROVED")  # payment.completed


def perform(world, action: str, payable_id: str, *, arg=None) -> int | None:
    """Run ``action`` for real; the refusal's HTTP status, or None when it went through."""
    who = arg if action == "approve" and arg else ACTORS.get(action)
    user = world.user(who) if who else None
    try:
        if action == "edit":
            services.payable_update(payable_id=payable_id, actor=user, changes={"amount": arg})
        elif action == "submit":
            services.payable_submit(payable_id=payable_id, actor=user)
        elif action == "approve":
            services.payable_approve(payable_id=payable_id, actor=user)
        elif action == "decline":
            services.payable_decline(payable_id=payable_id, actor=user, reason="Not ours")
        elif action == "schedule":
            services.payable_schedule(payable_id=payable_id, actor=user, on=arg)
        elif action == "unschedule":
            services.payable_unschedule(payable_id=payable_id, actor=user)
        elif action == "pay":
            services.payable_pay(payable_id=payable_id, actor=user)
        elif action in ("pay_part", "pay_check"):
            due = Payable.objects.get(pk=payable_id).amount_due
            if action == "pay_part":
                services.payable_pay(payable_id=payable_id, actor=user, amount=part_of(due, 2))
            else:
                services.payable_pay(
                    payable_id=payable_id,
                    actor=user,
                    amount=part_of(due, 3),
                    method="check",
                    reference="CHK 1",
                )
        elif action == "cancel_payee":
            services.payable_cancel(payable_id=payable_id, actor=user, reason="Sent twice")
        elif action == "cancel_payer":
            services.payable_cancel(payable_id=payable_id, actor=user, reason="Duplicate")
        elif action == "sweep":
            tasks.sweep_due_payments()
        elif action == "task":
            # Every payment of the payable delivered again, settled ones included.
            ids = Payment.objects.filter(payable_id=payable_id).values_list("id", flat=True)
            for payment_id in list(ids):
                tasks.execute_payment(payment_id)
        else:
            raise AssertionError(f"unknown action {action}")
    except APIException as exc:
        return exc.status_code
    return None


def observed(payable) -> dict:
    """What the model predicts, read from the database."""
    return observed_all([payable.id])[payable.id]


def observed_all(payable_ids) -> dict[str, dict]:
    """``observed`` for several payables, in three queries."""
    ids = list(payable_ids)
    out = {
        row.pop("id"): {**row, "payments": 0, "completed": 0, "due": None, "approvals": 0}
        for row in Payable.objects.filter(pk__in=ids)
        .annotate(event_count=Count("events"))
        .values("id", "status", "amount", "amount_paid", "event_count")
    }
    for payable_id, status, date in Payment.objects.filter(payable_id__in=ids).values_list(
        "payable_id", "status", "scheduled_for"
    ):
        row = out[payable_id]
        row["payments"] += 1
        row["completed"] += status == PaymentStatus.COMPLETED
        if status == PaymentStatus.PENDING:
            row["due"] = date
    for payable_id in Approval.objects.filter(
        request__payable_id__in=ids, decision=ApprovalDecision.APPROVED
    ).values_list("request__payable_id", flat=True):
        out[payable_id]["approvals"] += 1
    for row in out.values():
        row["events"] = row.pop("event_count")
        row["paid"] = row.pop("amount_paid")
    return out


def predicted(model: ModelPayable) -> dict:
    return {
        "status": model.status,
        "amount": model.amount,
        "events": model.events,
        "payments": model.payments,
        "completed": model.completed,
        "paid": model.paid,
        "due": model.due,
        "approvals": model.approvals,
    }
