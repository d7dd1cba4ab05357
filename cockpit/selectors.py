"""
Reads of the cockpit: a connection's balance, and what a business's home shows (what needs the
person looking, recent activity), each in a fixed number of queries whatever the data.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q

from cockpit.reports import DUE, cents, money_sum
from connections.models import Connection
from credits.models import CreditStatus
from payables.models import OPEN_STATUSES, Payable, PayableEvent, PayableStatus
from payables.querysets import FAILED_PAYMENT_DAYS, PAYEE, PAYER

S = PayableStatus
RECENT_EVENTS = 10


# --- a connection's balance ------------------------------------------------------------------------


@dataclass
class Balance:
    billed: Decimal  # invoices submitted and not declined or cancelled
    paid: Decimal  # completed payments on them
    credits: Decimal  # credits applied to them
    outstanding: Decimal  # billed - paid - credits: still to be paid
    overdue: Decimal  # the part of outstanding past its due date
    open_credits: Decimal  # credits issued on the connection and not applied yet


def connection_balance(*, connection: Connection, today: datetime.date) -> Balance:
    """What has been billed, paid, credited and is still owed on ``connection`` (two queries).

    Both sides see the same figures: only submitted payables count, never the payee's drafts.
    """
    billed = Q(status__in=(*OPEN_STATUSES, S.PAID))
    open_ = Q(status__in=OPEN_STATUSES)
    row = Payable.objects.filter(connection=connection, submitted_at__isnull=False).aggregate(
        billed=money_sum("amount", billed),
        paid=money_sum("amount_paid", billed),
        credits=money_sum("amount_credited", billed),
        outstanding=money_sum(DUE, open_),
        overdue=money_sum(DUE, open_ & Q(due_date__lt=today)),
    )
    credits = connection.credits.filter(status=CreditStatus.OPEN).aggregate(
        remaining=money_sum("amount") - money_sum("amount_applied")
    )
    return Balance(
        **{key: cents(value) for key, value in row.items()},
        open_credits=cents(credits["remaining"]),
    )


@dataclass
class ListedBalances:
    """What the listed connections add up to, each side apart: what ``business`` owes on those
    it pays, and what it is owed on those that pay it."""

    owes_outstanding: Decimal
    owes_overdue: Decimal
    owed_outstanding: Decimal
    owed_overdue: Decimal


def connections_balance(*, connections, business_id: str, today: datetime.date) -> ListedBalances:
    """``connection_balance``'s outstanding and overdue, summed over ``connections`` (a filtered
    queryset of ``business_id``'s connections), in one query whatever their number."""
    open_ = Q(status__in=OPEN_STATUSES)
    late = Q(due_date__lt=today)
    pays, paid = Q(payer_id=business_id), Q(payee_id=business_id)
    row = Payable.objects.filter(
        connection__in=connections.order_by().values("pk"), submitted_at__isnull=False
    ).aggregate(
        owes_outstanding=money_sum(DUE, open_ & pays),
        owes_overdue=money_sum(DUE, open_ & pays & late),
        owed_outstanding=money_sum(DUE, open_ & paid),
        owed_overdue=money_sum(DUE, open_ & paid & late),
    )
    return ListedBalances(**{key: cents(value) for key, value in row.items()})


# --- the home -------------------------------------------------------------------------------------


@dataclass
class Need:
    """One line of "needs me": how many payables, their total, and the list that shows them."""

    key: str
    title: str
    count: int
    amount: Decimal
    list_name: str  # the page ("inbox" or "invoices")
    params: dict  # its query (the lists' own tab and filter parameters)
    hint: str


def home_side(*, business_id: str, asked: str | None) -> str:
    """The side the home opens on: ``asked`` when valid; else paying when the business receives
    bills, getting paid when it only sends invoices (two short index probes at most)."""
    if asked in (PAYER, PAYEE):
        return asked
    if Payable.objects.incoming(business_id).exists():
        return PAYER
    return PAYEE if Payable.objects.outgoing(business_id).exists() else PAYER


def payer_needs(*, business_id: str, user, today: datetime.date) -> list[Need]:
    """What awaits the payer (three queries): bills awaiting my approval, due this week,
    overdue, and failed payments of bills still to pay."""
    week_end = today + datetime.timedelta(days=6)
    awaiting = Payable.objects.awaiting_approval_by(user, business_id).aggregate(
        count=Count("pk"), amount=money_sum(DUE)
    )
    due_week = Q(due_date__gte=today, due_date__lte=week_end)
    overdue = Q(due_date__lt=today)
    row = (
        Payable.objects.incoming(business_id)
        .filter(status__in=OPEN_STATUSES)
        .aggregate(
            week_count=Count("pk", filter=due_week),
            week_amount=money_sum(DUE, due_week),
            overdue_count=Count("pk", filter=overdue),
            overdue_amount=money_sum(DUE, overdue),
        )
    )
    # The inbox's ``paymentFailed`` filter's own predicate, so the card and its list agree.
    failed = (
        Payable.objects.incoming(business_id)
        .payment_failed_since(today - datetime.timedelta(days=FAILED_PAYMENT_DAYS))
        .aggregate(count=Count("pk"), amount=money_sum(DUE))
    )
    yesterday = (today - datetime.timedelta(days=1)).isoformat()
    return [
        Need("awaiting", "Awaiting my approval", awaiting["count"], cents(awaiting["amount"]),
             "inbox", {"tab": "awaiting"}, "Bills whose current approval step is yours."),
        Need("due_week", "Due this week", row["week_count"], cents(row["week_amount"]),
             "inbox", {"tab": "all", "open": "true", "dueAfter": today.isoformat(),
                       "dueBefore": week_end.isoformat()},
             "Still to pay, due in the next seven days."),
        Need("overdue", "Overdue", row["overdue_count"], cents(row["overdue_amount"]),
             "inbox", {"tab": "all", "open": "true", "dueBefore": yesterday},
             "Still to pay, past their due date."),
        Need("failed", "Failed payments", failed["count"], cents(failed["amount"]),
             "inbox", {"tab": "all", "paymentFailed": "true"},
             f"Payments that failed in the last {FAILED_PAYMENT_DAYS} days: pay these bills again."),
    ]  # fmt: skip


def payee_needs(*, business_id: str, today: datetime.date) -> list[Need]:
    """What awaits the payee (one query): declined invoices to fix, drafts, invoices overdue
    at customers, payments on the way."""
    declined, drafts = Q(status=S.DECLINED), Q(status=S.DRAFT)
    overdue = Q(status__in=OPEN_STATUSES, due_date__lt=today)
    coming = Q(status=S.SCHEDULED)
    row = Payable.objects.outgoing(business_id).aggregate(
        declined_count=Count("pk", filter=declined),
        declined_amount=money_sum("amount", declined),
        draft_count=Count("pk", filter=drafts),
        draft_amount=money_sum("amount", drafts),
        overdue_count=Count("pk", filter=overdue),
        overdue_amount=money_sum(DUE, overdue),
        coming_count=Count("pk", filter=coming),
        coming_amount=money_sum(DUE, coming),
    )
    yesterday = (today - datetime.timedelta(days=1)).isoformat()
    return [
        Need("declined", "Declined, to fix", row["declined_count"], cents(row["declined_amount"]),
             "invoices", {"tab": "declined"}, "Correct them and submit again."),
        Need("drafts", "Drafts", row["draft_count"], cents(row["draft_amount"]),
             "invoices", {"tab": "draft"}, "Not sent yet: finish and submit them."),
        Need("overdue", "Overdue at customers", row["overdue_count"], cents(row["overdue_amount"]),
             "invoices", {"tab": "all", "open": "true", "dueBefore": yesterday},
             "Submitted to customers and past their due date."),
        Need("coming", "Payments on the way", row["coming_count"], cents(row["coming_amount"]),
             "invoices", {"tab": "scheduled"}, "Your customers have scheduled these payments."),
    ]  # fmt: skip


def has_connections(*, business_id: str, side: str) -> bool:
    """Whether ``business_id`` has a connection on ``side`` (pays someone / is paid by someone)."""
    column = "payer_id" if side == PAYER else "payee_id"
    return Connection.objects.filter(**{column: business_id}).exists()


def recent_activity(*, business_id: str, side: str, limit: int = RECENT_EVENTS) -> list:
    """The latest timeline events of the payables ``business_id`` sees from ``side``, as that
    side may read them (``PayableEvent.objects.seen_by``, docs/trust.md): one query."""
    payables = (
        Q(payable__payer_id=business_id, payable__submitted_at__isnull=False)
        if side == PAYER
        else Q(payable__payee_id=business_id)
    )
    return list(
        PayableEvent.objects.seen_by(side=side, viewer_business_id=business_id)
        .filter(payables)
        .select_related(
            "payable", "payable__payee", "payable__payer", "payable__connection", "actor"
        )
        .order_by("-created_at", "-id")[:limit]
    )
