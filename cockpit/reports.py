"""
Reports of the payer side: what the business owes by age (AP aging) and what leaves its account
in each of the next eight weeks (cash out), each a table and a bar chart drawn as SVG by the
server.

Both are computed in the database: one aggregate query each (conditional sums, one per bucket),
never a loop over payables in Python, so they cost the same for ten payables or a million.

- AP aging: incoming payables still to be paid (submitted, approved, scheduled) by days past
  their due date: current (not yet due), 1-30, 31-60, 61-90, over 90.
- Cash out: scheduled payments by their date, and the approved or submitted payables not
  scheduled yet by their due date; anything already late counts in the first week.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, DecimalField, Q, Sum, Value
from django.db.models.functions import Coalesce
from django.shortcuts import render
from django.utils import timezone

from cleopay.core.formats import format_money
from cleopay.core.web import business_page
from payables.models import OPEN_STATUSES, Payable, PayableStatus, Payment, PaymentStatus

ZERO = Decimal("0.00")
WEEKS = 8
MONEY = DecimalField(max_digits=14, decimal_places=2)


def _sum(field: str, condition: Q):
    return Coalesce(Sum(field, filter=condition), Value(ZERO), output_field=MONEY)


# --- AP aging ---------------------------------------------------------------------------------------


@dataclass
class Bucket:
    key: str
    label: str
    amount: Decimal
    count: int


def _aging_conditions(today: date) -> list[tuple[str, str, Q]]:
    # Labels use an en dash (\u2013), as a range is written.
    def days(n: int) -> date:
        return today - timedelta(days=n)

    return [
        ("current", "Current", Q(due_date__gte=today)),
        ("d1_30", "1\u201330 days", Q(due_date__lt=today, due_date__gte=days(30))),
        ("d31_60", "31\u201360 days", Q(due_date__lt=days(30), due_date__gte=days(60))),
        ("d61_90", "61\u201390 days", Q(due_date__lt=days(60), due_date__gte=days(90))),
        ("d90_plus", "90+ days", Q(due_date__lt=days(90))),
    ]


def ap_aging(*, business_id: str, today: date) -> list[Bucket]:
    """What ``business_id`` owes, by days past due (one query)."""
    conditions = _aging_conditions(today)
    aggregates = {}
    for key, _label, condition in conditions:
        aggregates[f"{key}_amount"] = _sum("amount", condition)
        aggregates[f"{key}_count"] = Count("pk", filter=condition)
    row = (
        Payable.objects.incoming(business_id)
        .filter(status__in=OPEN_STATUSES)
        .aggregate(**aggregates)
    )
    return [
        Bucket(key, label, row[f"{key}_amount"], row[f"{key}_count"])
        for key, label, _condition in conditions
    ]


# --- cash out by week --------------------------------------------------------------------------------


@dataclass
class Week:
    start: date
    end: date
    scheduled: Decimal
    due: Decimal

    @property
    def total(self) -> Decimal:
        return self.scheduled + self.due

    @property
    def label(self) -> str:
        return self.start.strftime("%b %-d")


def _week_bounds(today: date) -> list[tuple[date, date]]:
    return [
        (today + timedelta(days=7 * i), today + timedelta(days=7 * i + 6)) for i in range(WEEKS)
    ]


def _weekly(field: str, bounds: list[tuple[date, date]], value: str) -> dict:
    """One conditional sum of ``value`` per week of ``field``; the first week takes the late."""
    aggregates = {}
    for index, (start, end) in enumerate(bounds):
        condition = Q(**{f"{field}__lte": end})
        if index:
            condition &= Q(**{f"{field}__gte": start})
        aggregates[f"w{index}"] = _sum(value, condition)
    return aggregates


def cash_out(*, business_id: str, today: date) -> list[Week]:
    """Money leaving ``business_id`` in each of the next 8 weeks (two queries)."""
    bounds = _week_bounds(today)
    scheduled = Payment.objects.filter(
        payable__payer_id=business_id,
        payable__status=PayableStatus.SCHEDULED,
        status=PaymentStatus.PENDING,
    ).aggregate(**_weekly("scheduled_for", bounds, "amount"))
    due = (
        Payable.objects.incoming(business_id)
        .filter(status__in=(PayableStatus.SUBMITTED, PayableStatus.APPROVED))
        .aggregate(**_weekly("due_date", bounds, "amount"))
    )
    return [
        Week(start, end, scheduled[f"w{i}"], due[f"w{i}"]) for i, (start, end) in enumerate(bounds)
    ]


# --- charts -----------------------------------------------------------------------------------------


def _px(value: Decimal) -> int:
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _nice_ceiling(value: Decimal) -> Decimal:
    """A round top for the axis: 1, 2, 2.5 or 5 times a power of ten, at least ``value``."""
    if value <= 0:
        return Decimal(100)
    exponent = value.adjusted()
    base = Decimal(10) ** exponent
    for step in (1, 2, Decimal("2.5"), 5, 10):
        top = base * step
        if top >= value:
            return top
    return base * 10


def bar_chart(*, groups: list[tuple[str, list[tuple[str, Decimal, str]]]], title: str) -> dict:
    """Geometry of a (stacked) bar chart, for the template to draw.

    ``groups``: ``[(label, [(series css class, amount, series name), ...]), ...]``. Pixel
    positions are computed from the amounts with Decimal and rounded to whole pixels.
    """
    width, height = 720, 280
    left, right, top, bottom = 72, 12, 16, 44
    plot_w, plot_h = width - left - right, height - top - bottom
    top_value = _nice_ceiling(
        max((sum(v for _c, v, _n in series) for _l, series in groups), default=ZERO)
    )
    slot = Decimal(plot_w) / Decimal(max(len(groups), 1))
    bar_w = _px(slot * Decimal("0.6"))
    bars, labels = [], []
    for index, (label, series) in enumerate(groups):
        x = _px(Decimal(left) + slot * index + (slot - bar_w) / 2)
        y_base = Decimal(top + plot_h)
        for css, amount, name in series:
            if amount <= 0:
                continue
            h = Decimal(plot_h) * amount / top_value
            y_base -= h
            bars.append(
                {"x": x, "y": _px(y_base), "w": bar_w, "h": max(1, _px(h)), "css": css,
                 "title": f"{label}, {name}: {format_money(amount)}"}
            )  # fmt: skip
        total = sum((amount for _c, amount, _n in series), ZERO)
        labels.append(
            {"x": x + bar_w // 2, "label": label, "total": total,
             "total_y": _px(Decimal(top + plot_h) - Decimal(plot_h) * total / top_value) - 4}
        )  # fmt: skip
    ticks = [
        {"y": _px(Decimal(top + plot_h) - Decimal(plot_h) * Decimal(i) / 4), "value": top_value * Decimal(i) / 4}
        for i in range(5)
    ]  # fmt: skip
    return {
        "width": width,
        "height": height,
        "left": left,
        "right": width - right,
        "baseline": top + plot_h,
        "label_y": top + plot_h + 18,
        "bars": bars,
        "labels": labels,
        "ticks": ticks,
        "title": title,
    }


@business_page()
def reports_page(request, business_id: str):
    today = timezone.now().date()
    aging = ap_aging(business_id=business_id, today=today)
    weeks = cash_out(business_id=business_id, today=today)
    aging_chart = bar_chart(
        title="Accounts payable by age",
        groups=[
            (b.label, [("late" if b.key != "current" else "", b.amount, "owed")]) for b in aging
        ],
    )
    cash_chart = bar_chart(
        title="Cash out by week",
        groups=[
            (w.label, [("", w.scheduled, "scheduled"), ("due", w.due, "due, not scheduled")])
            for w in weeks
        ],
    )
    context = {
        "today": today,
        "aging": aging,
        "aging_total": sum((b.amount for b in aging), ZERO),
        "aging_count": sum(b.count for b in aging),
        "weeks": weeks,
        "cash_total": sum((w.total for w in weeks), ZERO),
        "aging_chart": aging_chart,
        "cash_chart": cash_chart,
        "aging_desc": "; ".join(f"{b.label}: {format_money(b.amount)}" for b in aging),
        "cash_desc": "; ".join(
            f"week of {w.label}: {format_money(w.scheduled)} scheduled, {format_money(w.due)} due"
            for w in weeks
        ),
    }
    return render(request, "payables/reports.html", context)
