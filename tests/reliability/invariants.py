"""
The promises about money, in one place: pure checks over the database (and over responses).

The concurrency tests, the state machine and the authorization matrix call ``assert_invariants``
after every step. Each check returns readable violations rather than raising on the first, so
a failure shows everything that is wrong at once.

What holds, for every payable, whatever the clients and workers did:

- its completed payments and applied credits add up to its amount exactly when it is ``PAID``,
  and never to more (an open payment included); the stored ``amount_paid`` is the sum of the
  completed payments, each recorded by one ``payment.completed`` event;
- a completed ledger payment moved money once (one ledger transfer, same amount, payer to
  payee); no transfer exists for a payment that failed or was cancelled;
- at most one payment is open (pending or processing); a ``SCHEDULED`` payable has one, a
  payable that is not approved, scheduled or paid has none;
- its status moved only along the contract's table (``EVENT_MOVES``), and every move has
  exactly one event: the timeline is a chain (each event starts where the last one ended),
  numbered 1..n, starting with ``payable.created`` and ending in the current status;
- ``APPROVED`` (and what follows it) means the payer's review is complete: one review round per
  submission, the last one approved; every step of the workflow frozen in it has exactly its
  required number of distinct approvers (one under manual review, none when approved
  automatically), none of them an author of the payable, each approval one event;

and for every response: it carries no ID the caller must not know (``response_leaks``).
"""

import contextlib
import json
from collections import Counter, defaultdict
from collections.abc import Iterable
from decimal import Decimal

from approvals.models import Approval, ApprovalDecision, ApprovalRequest
from approvals.models import ApprovalRequestOutcome as RO
from approvals.models import ApprovalRequestStatus as RS
from payables.models import (
    ApprovalStatus,
    EventType,
    LedgerTransfer,
    Payable,
    PayableEvent,
    PayableStatus,
    Payment,
    PaymentStatus,
)

S = PayableStatus
P = PaymentStatus
E = EventType

# The lifecycle table (docs/api/payables.md, "Lifecycle"): which (from, to) each event type may record. Events whose
# from and to are equal record a fact without a move (an edit, an approval of several, the
# payment's completion before the payable's own transition to PAID).
EVENT_MOVES: dict[str, set[tuple[str | None, str]]] = {
    E.CREATED: {(None, S.DRAFT)},
    E.UPDATED: {(S.DRAFT, S.DRAFT), (S.DECLINED, S.DECLINED)},
    E.TAGS_CHANGED: {(status, status) for status in S.values},
    E.SUBMITTED: {(S.DRAFT, S.SUBMITTED), (S.DECLINED, S.SUBMITTED)},
    E.APPROVAL_RECORDED: {(S.SUBMITTED, S.SUBMITTED)},
    E.APPROVED: {(S.SUBMITTED, S.APPROVED)},
    E.DECLINED: {(S.SUBMITTED, S.DECLINED)},
    E.SCHEDULED: {(S.APPROVED, S.SCHEDULED)},
    E.UNSCHEDULED: {(S.SCHEDULED, S.APPROVED)},
    # A part paid leaves it APPROVED, or SCHEDULED while another payment is scheduled; a
    # scheduled part paid brings it back to APPROVED.
    E.PAYMENT_COMPLETED: {
        (S.APPROVED, S.APPROVED),
        (S.SCHEDULED, S.SCHEDULED),
        (S.SCHEDULED, S.APPROVED),
    },
    E.PAYMENT_FAILED: {(S.APPROVED, S.APPROVED), (S.SCHEDULED, S.APPROVED)},
    E.PAID: {(S.APPROVED, S.PAID), (S.SCHEDULED, S.PAID)},
    E.CANCELLED: {
        (S.DRAFT, S.CANCELLED),
        (S.SUBMITTED, S.CANCELLED),
        (S.DECLINED, S.CANCELLED),
        (S.APPROVED, S.CANCELLED),
        (S.SCHEDULED, S.CANCELLED),
    },
}

# Every status move the contract allows (the events' moves that change the status).
ALLOWED_MOVES: set[tuple[str | None, str]] = {
    move for moves in EVENT_MOVES.values() for move in moves if move[0] != move[1]
}

OPEN = (P.PENDING, P.PROCESSING)
# Statuses in which a payable may have an open payment.
MAY_HAVE_OPEN_PAYMENT = (S.APPROVED, S.SCHEDULED)
APPROVAL_DONE = (ApprovalStatus.APPROVED, ApprovalStatus.NOT_REQUIRED)
# The payer's review as each status shows it (CANCELLED keeps whatever it was).
APPROVAL_BY_STATUS = {
    S.DRAFT: {""},
    S.SUBMITTED: {ApprovalStatus.PENDING, ApprovalStatus.MANUAL_REVIEW},
    S.DECLINED: {ApprovalStatus.DECLINED},
    S.APPROVED: set(APPROVAL_DONE),
    S.SCHEDULED: set(APPROVAL_DONE),
    S.PAID: set(APPROVAL_DONE),
}
AD = ApprovalDecision
# The status of the last review round, by the payable's status (CANCELLED: any, DRAFT: none).
LAST_ROUND_BY_STATUS = {
    S.DRAFT: {None},
    S.SUBMITTED: {RS.PENDING},
    S.DECLINED: {RS.DECLINED},
    S.APPROVED: {RS.APPROVED},
    S.SCHEDULED: {RS.APPROVED},
    S.PAID: {RS.APPROVED},
}


def _payables(payable_ids: Iterable[str] | None):
    queryset = Payable.objects.order_by("id")
    if payable_ids is not None:
        queryset = queryset.filter(pk__in=list(payable_ids))
    return list(queryset)


def _by_payable(rows, key="payable_id"):
    grouped = defaultdict(list)
    for row in rows:
        grouped[getattr(row, key)].append(row)
    return grouped


def payment_violations(payable, payments, transfers_by_payment) -> list[str]:
    """Completed payments + applied credits = amount exactly when PAID, never more; the stored
    ``amount_paid`` is the sum of the completed payments; money moved once per payment."""
    out = []
    where = f"{payable.id} ({payable.status})"
    completed = [p for p in payments if p.status == P.COMPLETED]
    open_ = [p for p in payments if p.status in OPEN]
    paid = sum((p.amount for p in completed), Decimal("0"))
    settled = paid + payable.amount_credited
    if payable.amount_paid != paid:
        out.append(
            f"{where}: amount_paid {payable.amount_paid} but completed payments sum to {paid}"
        )
    if settled > payable.amount:
        out.append(f"{where}: paid and credited {settled}, more than the amount {payable.amount}")
    if (payable.status == S.PAID) != (settled == payable.amount):
        out.append(
            f"{where}: PAID must mean payments and credits equal the amount "
            f"({settled} of {payable.amount})"
        )
    if open_ and settled + open_[0].amount > payable.amount:
        out.append(f"{where}: open payment {open_[0].id} of {open_[0].amount} exceeds what is due")
    if len(open_) > 1:
        out.append(f"{where}: {len(open_)} open payments")
    if payable.status == S.SCHEDULED and len(open_) != 1:
        out.append(f"{where}: SCHEDULED without exactly one open payment ({len(open_)})")
    for payment in open_:
        # A pending payment waits for its date only on a SCHEDULED payable; one processing
        # (money may be moving) is possible on APPROVED (pay now) and SCHEDULED (the sweep).
        allowed = (S.SCHEDULED,) if payment.status == P.PENDING else MAY_HAVE_OPEN_PAYMENT
        if payable.status not in allowed:
            out.append(f"{where}: open payment {payment.id} ({payment.status})")
    if payable.status == S.PAID and payable.paid_at is None:
        out.append(f"{where}: PAID without paid_at")
    for payment in payments:
        transfers = transfers_by_payment.get(payment.id, [])
        if len(transfers) > 1:
            out.append(f"{where}: payment {payment.id} moved money {len(transfers)} times")
        if payment.rail != "ledger":
            continue
        if payment.status == P.COMPLETED and len(transfers) != 1:
            out.append(f"{where}: completed payment {payment.id} has {len(transfers)} transfers")
        if transfers and payment.status not in (P.COMPLETED, P.PROCESSING):
            out.append(f"{where}: money moved for {payment.status} payment {payment.id}")
        for transfer in transfers:
            if transfer.amount != payment.amount:
                out.append(f"{where}: transfer of {transfer.amount} for payment {payment.amount}")
            if (transfer.payer_id, transfer.payee_id) != (payable.payer_id, payable.payee_id):
                out.append(f"{where}: transfer {transfer.reference} between the wrong businesses")
    return out


def event_violations(payable, events) -> list[str]:
    """The timeline is a chain of allowed moves, one event per move, ending in the status."""
    out = []
    where = f"{payable.id} ({payable.status})"
    if [e.position for e in events] != list(range(1, len(events) + 1)):
        out.append(f"{where}: event positions {[e.position for e in events]} are not 1..n")
    if not events or events[0].type != E.CREATED:
        out.append(f"{where}: the timeline does not start with {E.CREATED}")
    previous = None
    for event in events:
        move = (event.from_status, event.to_status)
        allowed = EVENT_MOVES.get(event.type)
        if allowed is None:
            out.append(f"{where}: event type {event.type} is not in the contract's table")
        elif move not in allowed:
            out.append(f"{where}: {event.type} records the move {move}, not allowed")
        if previous is not None and event.from_status != previous.to_status:
            out.append(
                f"{where}: event {event.position} ({event.type}) starts at {event.from_status} "
                f"but the status was {previous.to_status}: a move without exactly one event"
            )
        previous = event
    if previous is not None and previous.to_status != payable.status:
        out.append(f"{where}: the last event ends at {previous.to_status}, not the status")
    counts = Counter(e.type for e in events)
    if counts[E.PAID] != (1 if payable.status == S.PAID else 0):
        out.append(f"{where}: {counts[E.PAID]} payable.paid events")
    return out


def completed_event_violations(payable, events, payments) -> list[str]:
    """One payment.completed event per completed payment."""
    completed = sum(1 for p in payments if p.status == P.COMPLETED)
    recorded = sum(1 for e in events if e.type == E.PAYMENT_COMPLETED)
    if completed != recorded:
        return [
            f"{payable.id} ({payable.status}): {completed} completed payments, "
            f"{recorded} payment.completed events"
        ]
    return []


def approval_violations(payable, events, requests, approvals) -> list[str]:
    """APPROVED (and after) means the review completed: every step of the workflow frozen at
    submit has its distinct approvals, none by the payable's own authors, each recorded once."""
    out = []
    where = f"{payable.id} ({payable.status})"
    expected = APPROVAL_BY_STATUS.get(payable.status)
    if expected is not None and payable.approval_status not in expected:
        out.append(f"{where}: approval status {payable.approval_status!r}")
    authors = {payable.created_by_id, payable.submitted_by_id} - {None}
    for event in events:
        if event.type in (E.APPROVED, E.APPROVAL_RECORDED, E.DECLINED):
            if event.actor_id is not None and event.actor_id in authors:
                out.append(f"{where}: {event.type} by the payable's own author {event.actor_id}")
            if event.business_id != payable.payer_id:
                out.append(f"{where}: {event.type} recorded for {event.business_id}, not the payer")

    counts = Counter(e.type for e in events)
    # One review round per submission, numbered 1..n; the last one says where the review is.
    if [r.round for r in requests] != list(range(1, len(requests) + 1)):
        out.append(f"{where}: review rounds {[r.round for r in requests]} are not 1..n")
    if len(requests) != counts[E.SUBMITTED]:
        out.append(f"{where}: {len(requests)} review rounds for {counts[E.SUBMITTED]} submissions")
    by_status = Counter(r.status for r in requests)
    if by_status[RS.APPROVED] != counts[E.APPROVED]:
        out.append(
            f"{where}: {by_status[RS.APPROVED]} approved rounds, {counts[E.APPROVED]} approvals"
        )
    if by_status[RS.DECLINED] != counts[E.DECLINED]:
        out.append(
            f"{where}: {by_status[RS.DECLINED]} declined rounds, {counts[E.DECLINED]} declines"
        )
    last = requests[-1].status if requests else None
    wanted = LAST_ROUND_BY_STATUS.get(payable.status)
    if wanted is not None and last not in wanted:
        out.append(f"{where}: its last review round is {last}")
    if by_status[RS.PENDING] > 1:
        out.append(f"{where}: {by_status[RS.PENDING]} review rounds pending")

    approved_rows = 0
    for request in requests:
        rows = approvals.get(request.id, [])
        yes = [a for a in rows if a.decision == AD.APPROVED]
        no = [a for a in rows if a.decision == AD.DECLINED]
        approved_rows += len(yes)
        label = f"{where} round {request.round} ({request.outcome}, {request.status})"
        people = Counter(a.user_id for a in yes)
        twice = [user for user, n in people.items() if n > 1]
        if twice:
            out.append(f"{label}: {twice} approved more than once")
        if authors & set(people):
            out.append(f"{label}: approved by the payable's own author")
        if len(no) != (1 if request.status == RS.DECLINED else 0):
            out.append(f"{label}: {len(no)} declines")
        per_step = Counter(a.step for a in yes)
        steps = request.steps or (
            [{"position": 0, "required_approvals": 1}]
            if request.outcome == RO.MANUAL_REVIEW
            else []
        )
        current = request.current_step or 0
        for step in steps:
            position, required = step["position"], step["required_approvals"]
            got = per_step.get(position, 0)
            if request.status == RS.APPROVED or (
                request.status == RS.PENDING and position < current
            ):
                if got != required:
                    out.append(f"{label}: step {position + 1} has {got} of {required} approvals")
            elif request.status == RS.PENDING and position == current and got >= required:
                out.append(f"{label}: step {position + 1} complete ({got}) but still current")
            elif request.status == RS.PENDING and position > current and got:
                out.append(f"{label}: step {position + 1} approved out of turn")
        if request.outcome == RO.AUTO_APPROVE and yes:
            out.append(f"{label}: approvals on an automatic approval")
    # Each approval is one event: approval.recorded on the way, payable.approved for the last.
    by_people = counts[E.APPROVAL_RECORDED] + sum(
        1 for e in events if e.type == E.APPROVED and e.actor_id is not None
    )
    if by_people != approved_rows:
        out.append(f"{where}: {approved_rows} approvals but {by_people} approval events")
    return out


def violations(payable_ids: Iterable[str] | None = None) -> list[str]:
    """Every broken promise over these payables (all of them when None)."""
    return _violations(_payables(payable_ids))


def _violations(payables) -> list[str]:
    ids = [p.id for p in payables]
    payments = _by_payable(Payment.objects.filter(payable_id__in=ids).order_by("created_at", "id"))
    events = _by_payable(PayableEvent.objects.filter(payable_id__in=ids).order_by("position", "id"))
    transfers = _by_payable(
        LedgerTransfer.objects.filter(payment__payable_id__in=ids), key="payment_id"
    )
    requests = _by_payable(ApprovalRequest.objects.filter(payable_id__in=ids).order_by("round"))
    approvals = _by_payable(
        Approval.objects.filter(request__payable_id__in=ids).order_by("decided_at", "id"),
        key="request_id",
    )
    out = []
    for payable in payables:
        out += payment_violations(payable, payments[payable.id], transfers)
        out += event_violations(payable, events[payable.id])
        out += completed_event_violations(payable, events[payable.id], payments[payable.id])
        out += approval_violations(payable, events[payable.id], requests[payable.id], approvals)
    return out


def assert_invariants(payable_ids: Iterable[str] | None = None) -> int:
    """Fail with every violation found; returns how many payables were checked."""
    checked = _payables(payable_ids)
    found = _violations(checked)
    assert not found, "money invariants broken:\n  " + "\n  ".join(found)
    return len(checked)


# --- responses --------------------------------------------------------------------------------------
def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield str(key)
            yield from _strings(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _strings(item)


def response_text(response) -> str:
    """The body of a Django test response as text (streamed bodies read in full)."""
    if getattr(response, "streaming", False):
        content = b"".join(response.streaming_content)
    else:
        content = response.content
    return content.decode("utf-8", errors="replace")


def response_leaks(response, forbidden: Iterable[str], *, sent: Iterable[str] = ()) -> set[str]:
    """IDs in ``forbidden`` that appear anywhere in the response (body and headers).

    IDs the request itself carried (``sent``) are left out: an error that names the caller's own
    input tells it nothing new. IDs are random 22-character strings, so a plain substring search
    is exact enough for JSON, CSV and HTML alike.
    """
    forbidden = set(forbidden) - set(sent)
    if not forbidden:
        return set()
    text = response_text(response)
    with contextlib.suppress(ValueError):
        text = "\n".join(_strings(json.loads(text)))
    headers = "\n".join(f"{k}: {v}" for k, v in response.items())
    return {item for item in forbidden if item in text or item in headers}
