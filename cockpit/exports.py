"""The reports as CSV (``cleopay.core.csvexport``'s rules): a handful of rows each, written in
Python; names a user chose are neutralised so a spreadsheet never runs them as formulas."""

from django.http import HttpResponse

from cleopay.core.csvexport import csv_line, neutralise
from cockpit.reports import Aging, CashFlow
from cockpit.selectors import Balance


def _response(lines: list[list[str]], filename: str) -> HttpResponse:
    response = HttpResponse(
        "".join(csv_line(cells) for cells in lines), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def aging_csv(report: Aging) -> HttpResponse:
    """One row per counterparty, then the total: the amount due in each age bucket."""
    header = ["connection_id", "counterparty", *(b.key for b in report.buckets), "total"]
    lines = [header]
    for party in report.counterparties:
        lines.append(
            [party.connection_id, neutralise(party.name), *(str(b.amount) for b in party.buckets),
             str(party.total)]
        )  # fmt: skip
    lines.append(["", "Total", *(str(b.amount) for b in report.buckets), str(report.total)])
    return _response(lines, f"aging-{report.side}-{report.as_of.isoformat()}.csv")


def cash_flow_csv(report: CashFlow) -> HttpResponse:
    """One row per week: scheduled payments, what is due and not scheduled, their total."""
    lines = [["week_start", "week_end", "scheduled", "due", "total"]]
    for week in report.weeks:
        lines.append(
            [week.start.isoformat(), week.end.isoformat(), str(week.scheduled), str(week.due),
             str(week.total)]
        )  # fmt: skip
    return _response(lines, f"cash-flow-{report.direction}-{report.start.isoformat()}.csv")


def balance_csv(balance: Balance, *, connection_id: str) -> HttpResponse:
    header = [
        "connection_id",
        "billed",
        "paid",
        "credits",
        "outstanding",
        "overdue",
        "open_credits",
    ]
    row = [connection_id, *(str(v) for v in balance_values(balance))]
    return _response([header, row], f"balance-{connection_id}.csv")


def balance_values(balance: Balance) -> list:
    return [
        balance.billed,
        balance.paid,
        balance.credits,
        balance.outstanding,
        balance.overdue,
        balance.open_credits,
    ]
