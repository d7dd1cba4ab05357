"""
Reports of either side (CONTRACT §11, docs/api/reports.md): what is owed by age (aging: the
payer's accounts payable, the payee's receivables) and what moves in each coming week (cash
flow: out for the payer, in for the payee).

Every figure is computed in the database: one aggregate query per report (conditional sums, one
per bucket or week), never a loop over payables in Python, so a report costs the same for ten
payables or a million. Amounts are ``amountDue``: the amount less completed payments and
applied credits.

- Aging: payables still to be paid (submitted, approved, scheduled) by days past their due date
  on the as-of day: current (due that day or later), 1-30, 31-60, 61-90, 90+. For a day in the
  past, a payable counts if it was open at the end of that day (submitted by then, not yet paid,
  cancelled or declined), for what was due then (payments completed and credits applied after
  that day added back).
- Cash flow: pending payments by their date, and the submitted or approved payables not
  scheduled yet by their due date; anything already late counts in the first week.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q, Sum, Value
from django.db.models.functions import Coalesce

from cleopay.core.money import quantize
from payables.models import Payable, PayableStatus, Payment, PaymentStatus
from payables.querysets import AMOUNT_DUE, MONEY_SUM

ZERO = Decimal("0.00")
PAYABLES, RECEIVABLES = "payables", "receivables"
OUT, IN = "out", "in"
WEEKS_DEFAULT, WEEKS_MAX = 8, 26
DUE = AMOUNT_DUE
# What the cash flow's "due" counts: not scheduled yet (the lists' ``status`` filter spelling).
DUE_STATUSES = f"{PayableStatus.SUBMITTED},{PayableStatus.APPROVED}"


def cents(value) -> Decimal:
    """An aggregate as money: SQLite's sums of decimals lose their trailing zeros."""
    return quantize(value or ZERO)


def money_sum(value, condition: Q | None = None):
    """``SUM(value)`` (where ``condition``), 0.00 rather than NULL over no rows."""
    return Coalesce(Sum(value, filter=condition), Value(ZERO), output_field=MONEY_SUM)


# --- aging ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BucketSpan:
    """One age bucket on an as-of day: the due dates it takes, both ends inclusive."""

    key: str  # the API's label: current, 1-30, 31-60, 61-90, 90+
    title: str  # what a person reads (en dashes, as a range is written)
    due_after: datetime.date | None
    due_before: datetime.date | None

    @property
    def condition(self) -> Q:
        condition = Q()
        if self.due_after is not None:
            condition &= Q(due_date__gte=self.due_after)
        if self.due_before is not None:
            condition &= Q(due_date__lte=self.due_before)
        return condition


def bucket_spans(as_of: datetime.date) -> list[BucketSpan]:
    """Current: due on ``as_of`` or later; then 1-30, 31-60, 61-90 and over 90 days past due."""

    def ago(days: int) -> datetime.date:
        return as_of - datetime.timedelta(days=days)

    return [
        BucketSpan("current", "Current", as_of, None),
        BucketSpan("1-30", "1\u201330 days", ago(30), ago(1)),
        BucketSpan("31-60", "31\u201360 days", ago(60), ago(31)),
        BucketSpan("61-90", "61\u201390 days", ago(90), ago(61)),
        BucketSpan("90+", "90+ days", None, ago(91)),
    ]


@dataclass
class Bucket:
    span: BucketSpan
    amount: Decimal
    count: int

    @property
    def key(self) -> str:
        return self.span.key

    @property
    def label(self) -> str:
        return self.span.title


@dataclass
class CounterpartyAging:
    connection_id: str
    name: str
    buckets: list[Bucket]

    @property
    def total(self) -> Decimal:
        return sum((b.amount for b in self.buckets), ZERO)


@dataclass
class Aging:
    side: str
    as_of: datetime.date
    buckets: list[Bucket]
    counterparties: list[CounterpartyAging] = field(default_factory=list)

    @property
    def total(self) -> Decimal:
        return sum((b.amount for b in self.buckets), ZERO)

    @property
    def count(self) -> int:
        return sum(b.count for b in self.buckets)


def owed(*, business_id: str, side: str, as_of: datetime.date, today: datetime.date):
    """The payables ``business_id`` owes (``payables``) or is owed (``receivables``) at the end
    of ``as_of``, each annotated with ``owed``: what was due on it then (``owed_on``, the
    predicate the lists' ``asOf`` filter shares)."""
    if side == PAYABLES:
        rows = Payable.objects.incoming(business_id)
    else:
        rows = Payable.objects.outgoing(business_id).filter(submitted_at__isnull=False)
    return rows.owed_on(as_of, today=today)


def _bucket_aggregates(spans: list[BucketSpan]) -> dict:
    aggregates = {}
    for index, span in enumerate(spans):
        aggregates[f"b{index}_amount"] = money_sum("owed", span.condition)
        aggregates[f"b{index}_count"] = Count("pk", filter=span.condition)
    return aggregates


def _buckets(row: dict, spans: list[BucketSpan]) -> list[Bucket]:
    return [
        Bucket(span, cents(row[f"b{i}_amount"]), row[f"b{i}_count"] or 0)
        for i, span in enumerate(spans)
    ]


def aging(
    *,
    business_id: str,
    side: str,
    as_of: datetime.date,
    today: datetime.date,
    by_counterparty: bool = True,
) -> Aging:
    """What ``business_id`` owes or is owed on ``as_of``, by age, in total (one query) and per
    connection (one more)."""
    spans = bucket_spans(as_of)
    rows = owed(business_id=business_id, side=side, as_of=as_of, today=today)
    report = Aging(side, as_of, _buckets(rows.aggregate(**_bucket_aggregates(spans)), spans))
    if not by_counterparty:
        return report
    other, alias = ("payee", "payer_alias") if side == PAYABLES else ("payer", "payee_alias")
    per_connection = (
        rows.order_by()
        .values("connection_id", f"{other}__name", f"connection__{alias}")
        .annotate(**_bucket_aggregates(spans))
        .order_by(f"{other}__name", "connection_id")
    )
    report.counterparties = [
        CounterpartyAging(
            connection_id=row["connection_id"],
            name=row[f"connection__{alias}"] or row[f"{other}__name"] or "",
            buckets=_buckets(row, spans),
        )
        for row in per_connection
    ]
    return report


# --- cash flow by week --------------------------------------------------------------------------------


@dataclass
class Week:
    start: datetime.date
    end: datetime.date
    scheduled: Decimal
    due: Decimal

    @property
    def total(self) -> Decimal:
        return self.scheduled + self.due

    @property
    def label(self) -> str:
        return self.start.strftime("%b %-d")


@dataclass
class CashFlow:
    direction: str
    start: datetime.date
    weeks: list[Week]

    @property
    def total(self) -> Decimal:
        return sum((w.total for w in self.weeks), ZERO)


def week_bounds(start: datetime.date, weeks: int) -> list[tuple[datetime.date, datetime.date]]:
    return [
        (start + datetime.timedelta(days=7 * i), start + datetime.timedelta(days=7 * i + 6))
        for i in range(weeks)
    ]


def _weekly(date_field: str, bounds, value) -> dict:
    """One conditional sum of ``value`` per week of ``date_field``; the first week takes the late."""
    aggregates = {}
    for index, (start, end) in enumerate(bounds):
        condition = Q(**{f"{date_field}__lte": end})
        if index:
            condition &= Q(**{f"{date_field}__gte": start})
        aggregates[f"w{index}"] = money_sum(value, condition)
    return aggregates


def cash_flow(
    *, business_id: str, direction: str, start: datetime.date, weeks: int = WEEKS_DEFAULT
) -> CashFlow:
    """Money leaving (``out``, the payer's) or reaching (``in``, the payee's) ``business_id`` in
    each of ``weeks`` weeks from ``start`` (two queries)."""
    bounds = week_bounds(start, weeks)
    side = "payable__payer_id" if direction == OUT else "payable__payee_id"
    scheduled = Payment.objects.filter(
        **{side: business_id},
        payable__submitted_at__isnull=False,
        status=PaymentStatus.PENDING,
    ).aggregate(**_weekly("scheduled_for", bounds, "amount"))
    if direction == OUT:
        payables = Payable.objects.incoming(business_id)
    else:
        payables = Payable.objects.outgoing(business_id).filter(submitted_at__isnull=False)
    due = payables.filter(status__in=DUE_STATUSES.split(",")).aggregate(
        **_weekly("due_date", bounds, DUE)
    )
    return CashFlow(
        direction,
        start,
        [
            Week(s, e, cents(scheduled[f"w{i}"]), cents(due[f"w{i}"]))
            for i, (s, e) in enumerate(bounds)
        ],
    )
