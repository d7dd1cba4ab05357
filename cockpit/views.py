"""
The cockpit's pages: a business's home (``/b/<business_id>/``: what needs me, per side, and
recent activity) and its reports (aging and cash flow, either side, with an as-of date, charts
whose every bar links to the bills it counts, and CSV).
"""

from urllib.parse import urlencode

from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_safe
from rest_framework.exceptions import ValidationError

from cleopay.core.formats import format_money
from cleopay.core.web import business_page
from cockpit import charts, exports, params, reports, selectors
from payables.querysets import PAYEE, PAYER

SIDE_OF_REPORT = {reports.PAYABLES: PAYER, reports.RECEIVABLES: PAYEE}


def list_url(business_id: str, side: str, query: dict) -> str:
    """The payer's inbox or the payee's invoices, filtered by ``query`` (the lists' parameters)."""
    name = "inbox" if side == PAYER else "invoices"
    return f"{reverse(name, args=[business_id])}?{urlencode(query)}"


def _owed_query(as_of, today) -> dict:
    """The lists' filter of what a report as of ``as_of`` counts: still to be paid now, or, for
    a day in the past, on that day (``asOf``, the report's own predicate)."""
    if as_of >= today:
        return {"tab": "all", "open": "true"}
    return {"tab": "all", "asOf": as_of.isoformat()}


def _span_query(span: reports.BucketSpan, as_of, today) -> dict:
    query = _owed_query(as_of, today)
    if span.due_after is not None:
        query["dueAfter"] = span.due_after.isoformat()
    if span.due_before is not None:
        query["dueBefore"] = span.due_before.isoformat()
    return query


@require_safe
@business_page()
def home(request, business_id: str):
    """What needs the person looking, on one side of the business, and what happened lately."""
    today = timezone.now().date()
    side = selectors.home_side(business_id=business_id, asked=request.GET.get("side"))
    if side == PAYER:
        needs = selectors.payer_needs(business_id=business_id, user=request.user, today=today)
        if not request.can["approve"]:
            needs = [need for need in needs if need.key != "awaiting"]
    else:
        needs = selectors.payee_needs(business_id=business_id, today=today)
    for need in needs:
        need.url = list_url(business_id, side, need.params)
    context = {
        "side": side,
        "today": today,
        "needs": needs,
        "nothing_needed": not any(need.count for need in needs),
        "connected": selectors.has_connections(business_id=business_id, side=side),
        "events": selectors.recent_activity(business_id=business_id, side=side),
    }
    return render(request, "cockpit/home.html", context)


def _aging_chart(report: reports.Aging, business_id: str, today) -> dict:
    side = SIDE_OF_REPORT[report.side]
    return charts.bar_chart(
        title="Accounts payable by age"
        if report.side == reports.PAYABLES
        else "Accounts receivable by age",
        groups=[
            (bucket.label,
             [("late" if bucket.key != "current" else "", bucket.amount, "due",
               list_url(business_id, side, _span_query(bucket.span, report.as_of, today)))])
            for bucket in report.buckets
        ],
    )  # fmt: skip


def _flow_chart(report: reports.CashFlow, business_id: str) -> dict:
    side = PAYER if report.direction == reports.OUT else PAYEE
    groups = []
    for index, week in enumerate(report.weeks):
        due_query = {
            "tab": "all",
            "status": reports.DUE_STATUSES,
            "dueBefore": week.end.isoformat(),
        }
        if index:
            due_query["dueAfter"] = week.start.isoformat()
        # The first week takes what is late, as the report counts it.
        scheduled_query = {"tab": "all", "scheduledBefore": week.end.isoformat()}
        if index:
            scheduled_query["scheduledAfter"] = week.start.isoformat()
        groups.append(
            (week.label,
             [("", week.scheduled, "scheduled", list_url(business_id, side, scheduled_query)),
              ("due", week.due, "due, not scheduled", list_url(business_id, side, due_query))])
        )  # fmt: skip
    title = "Cash out by week" if report.direction == reports.OUT else "Cash in by week"
    return charts.bar_chart(title=title, groups=groups)


def _report_params(request, business_id: str):
    """(side, as-of day, problem message or None): a bad value falls back to its default."""
    today = timezone.now().date()
    default = (
        reports.PAYABLES
        if selectors.home_side(business_id=business_id, asked=None) == PAYER
        else reports.RECEIVABLES
    )
    try:
        side = params.aging_side(request.GET.get("side"), default)
    except ValidationError:
        return default, today, "Choose payables or receivables."
    try:
        return side, params.as_of(request.GET.get("asOf"), today), None
    except ValidationError:
        return side, today, "The as-of date must be a date such as 2026-05-15."


@business_page()
def reports_page(request, business_id: str):
    today = timezone.now().date()
    side, as_of, problem = _report_params(request, business_id)
    aging = reports.aging(business_id=business_id, side=side, as_of=as_of, today=today)
    direction = reports.OUT if side == reports.PAYABLES else reports.IN
    flow = reports.cash_flow(business_id=business_id, direction=direction, start=today)
    list_side = SIDE_OF_REPORT[side]
    for bucket in aging.buckets:
        bucket.url = list_url(business_id, list_side, _span_query(bucket.span, as_of, today))
    query = urlencode({"side": side, "asOf": as_of.isoformat()})
    context = {
        "side": side,
        "today": today,
        "as_of": as_of,
        "problem": problem,
        "aging": aging,
        "flow": flow,
        "aging_chart": _aging_chart(aging, business_id, today),
        "flow_chart": _flow_chart(flow, business_id),
        "aging_desc": "; ".join(f"{b.label}: {format_money(b.amount)}" for b in aging.buckets),
        "flow_desc": "; ".join(
            f"week of {w.label}: {format_money(w.scheduled)} scheduled, {format_money(w.due)} due"
            for w in flow.weeks
        ),
        "aging_csv": f"{reverse('reports-aging-csv', args=[business_id])}?{query}",
        "flow_csv": f"{reverse('reports-cash-flow-csv', args=[business_id])}?side={direction}",
        "list_url": list_url(business_id, list_side, _owed_query(as_of, today)),
    }
    return render(request, "cockpit/reports.html", context, status=400 if problem else 200)


@require_safe
@business_page()
def aging_csv(request, business_id: str):
    today = timezone.now().date()
    side, as_of, _problem = _report_params(request, business_id)
    return exports.aging_csv(
        reports.aging(business_id=business_id, side=side, as_of=as_of, today=today)
    )


@require_safe
@business_page()
def cash_flow_csv(request, business_id: str):
    direction = reports.IN if request.GET.get("side") == reports.IN else reports.OUT
    return exports.cash_flow_csv(
        reports.cash_flow(business_id=business_id, direction=direction, start=timezone.now().date())
    )
