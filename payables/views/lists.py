"""
The lists of payables: the payer's inbox and the payee's invoices, by status tab, with filters,
sorted by a column (``payables.listing.SORTS``), with the total of every row the filters leave,
each row with the actions it offers in place (``payables.views.actions``) and, for a bill under
review, whom it waits on; and the CSV export of exactly what a list shows, all pages of it.
"""

import datetime
from dataclasses import dataclass, field

from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET
from rest_framework.exceptions import ValidationError

from approvals.models import ApprovalStatus
from approvals.selectors import waiting_on
from cleopay.core import sorting
from cleopay.core.web import business_page, option_tags, page_offset, service_errors
from connections.selectors import connection_choices, tag_list
from payables import exports, listing, selectors
from payables.models import Payable, PayableStatus
from payables.views.actions import Action, offered

S = PayableStatus
PAGE_SIZE = 50
# Filters the reports and the home link to, kept as they are by the list's form.
REPORT_FILTERS = ("open", "status", "asOf", "scheduledAfter", "scheduledBefore")
FILTERS = (
    "connectionId", "dueAfter", "dueBefore", "amountMin", "amountMax", "tag", "search",
    "paymentFailed", *REPORT_FILTERS,
)  # fmt: skip


@dataclass(frozen=True)
class Tab:
    key: str
    label: str
    params: dict


def _status_tab(status: PayableStatus) -> Tab:
    return Tab(status.value.lower(), status.label, {"status": status.value})


INBOX_TABS = [
    Tab("awaiting", "Awaiting my approval", {"awaitingMyApproval": "true"}),
    *(_status_tab(s) for s in (S.SUBMITTED, S.APPROVED, S.SCHEDULED, S.DECLINED, S.PAID)),
    _status_tab(S.CANCELLED),
    Tab("all", "All", {}),
]
OUTGOING_TABS = [
    Tab("all", "All", {}),
    Tab("draft", "Drafts", {"status": S.DRAFT.value}),
    *(_status_tab(s) for s in (S.SUBMITTED, S.APPROVED, S.SCHEDULED, S.DECLINED, S.PAID)),
    _status_tab(S.CANCELLED),
]
# What an empty tab says, by direction and tab.
EMPTY_TEXT = {
    "incoming": {
        "awaiting": "Nothing awaits your approval.",
        "submitted": "No bills are waiting for approval.",
        "approved": "No approved bills are waiting to be paid.",
        "scheduled": "No payments are scheduled.",
        "declined": "No declined bills.",
        "paid": "No paid bills yet.",
        "cancelled": "No cancelled bills.",
        "all": "No bills yet. Invoices your suppliers send you appear here.",
        "filtered": "No bills match these filters.",
    },
    "outgoing": {
        "all": "No invoices yet. Write one with New invoice.",
        "draft": "No drafts.",
        "submitted": "No invoices are waiting for your customers' approval.",
        "approved": "No approved invoices are waiting to be paid.",
        "scheduled": "No invoices have a payment scheduled.",
        "declined": "No declined invoices: nothing to correct.",
        "paid": "No paid invoices yet.",
        "cancelled": "No cancelled invoices.",
        "filtered": "No invoices match these filters.",
    },
}


# Rows a bulk action may apply to: awaiting approval, approved, scheduled.
BULK_STATUSES = {S.SUBMITTED, S.APPROVED, S.SCHEDULED}


def _bulk_actions(request) -> list[str]:
    actions = ["approve"] if request.can["approve"] else []
    return actions + (["schedule", "pay"] if request.can["pay"] else [])


@dataclass
class Row:
    payable: Payable
    counterparty: str
    actions: list[Action]  # those it offers in place (``Action.in_rows``)
    waiting_on: list[str] = field(default_factory=list)  # a bill under review: whom it waits on


def _columns(sort: str, counterparty_label: str) -> dict[str, sorting.Column]:
    labels = {"due": "Due", "amount": "Amount", "counterparty": counterparty_label}
    labels["created"] = "Created"
    return sorting.columns(sort, labels, names=("counterparty",))


@dataclass(frozen=True)
class ListQuery:
    """What a list shows, read from its query string: the tab, the filters and the sort."""

    tab: Tab
    tabs: list[Tab]
    filters: dict
    params: dict
    sort: str
    may_approve: bool


def _list_query(request, *, direction: str, tabs: list[Tab]) -> ListQuery:
    may_approve = direction == "incoming" and request.can["approve"]
    if direction == "incoming" and not may_approve:
        tabs = [t for t in tabs if t.key != "awaiting"]
    tab_keys = {tab.key: tab for tab in tabs}
    default = "all" if direction == "incoming" and not may_approve else tabs[0].key
    tab = tab_keys.get(request.GET.get("tab", ""), tab_keys[default])
    filters = {name: request.GET.get(name, "").strip() for name in FILTERS}
    if tab.key != "all":
        filters["status"] = ""  # a status tab is its own status (the tabs' links drop this one)
    params = {"direction": direction, **tab.params, **{k: v for k, v in filters.items() if v}}
    sort = listing.sort_key(request.GET.get("sort", "").strip())
    return ListQuery(tab, tabs, filters, params, sort, may_approve)


def _list_page(request, business_id: str, *, direction: str, tabs: list[Tab], template: str):
    """A page of the business's payables in one direction: tabs, filters, rows, their actions."""
    query = _list_query(request, direction=direction, tabs=tabs)
    tab, tabs, filters, params = query.tab, query.tabs, query.filters, query.params
    may_approve = query.may_approve
    offset = page_offset(request)

    statuses = [t.params["status"] for t in tabs if "status" in t.params]
    page: list[Payable] = []
    counts: dict[str, int] = {}
    totals = None
    with service_errors() as problems:
        queryset = selectors.payable_list(
            business_id=business_id, user=request.user, params=params
        ).select_related("connection")
        page = list(
            listing.sorted_by(queryset, query.sort, direction=direction)[
                offset : offset + PAGE_SIZE + 1
            ]
        )
        totals = listing.list_totals(queryset)
        # The tabs count what the filters leave, each tab's status in place of the current one.
        counts = selectors.payable_tab_counts(
            business_id=business_id,
            user=request.user,
            params={k: v for k, v in params.items() if k not in ("status", "awaitingMyApproval")},
            statuses=statuses,
            awaiting=may_approve,
        )
    has_next = len(page) > PAGE_SIZE
    page = page[:PAGE_SIZE]

    awaiting, waiting = set(), {}
    if direction == "incoming" and page:
        awaiting = selectors.awaiting_ids(
            user=request.user, business_id=business_id, payable_ids=[p.pk for p in page]
        )
        # Asked for every row, so that a page costs the same whatever its rows' statuses.
        waiting = waiting_on(payable_ids=[p.pk for p in page])
    rows = []
    for payable in page:
        other = payable.payee if direction == "incoming" else payable.payer
        actions = offered(
            user=request.user,
            payable=payable,
            business_id=business_id,
            awaiting=payable.pk in awaiting,
        )
        rows.append(
            Row(
                payable=payable,
                counterparty=payable.connection.alias_of(business_id) or other.name,
                actions=[action for action in actions if action.in_rows],
                waiting_on=_waiting_text(payable, waiting),
            )
        )

    connections = connection_choices(
        business_id=business_id, side="payer" if direction == "incoming" else "payee"
    )
    context = {
        "direction": direction,
        "tabs": tabs,
        "tab": tab,
        "sort": query.sort,
        "sort_options": _sort_options(direction),
        "columns": _columns(query.sort, "From" if direction == "incoming" else "To"),
        "totals": totals,
        "export_url": reverse(
            "inbox-export" if direction == "incoming" else "invoices-export", args=[business_id]
        ),
        "tab_counts": [(t, counts.get(t.params.get("status", t.key), 0)) for t in tabs],
        "rows": rows,
        "filters": filters,
        "filtered": any(filters.values()),
        "empty_text": EMPTY_TEXT[direction]["filtered" if any(filters.values()) else tab.key],
        "problems": problems,
        "connection_options": option_tags(connections, filters["connectionId"]),
        "tags": tag_list(business_id=business_id),
        "offset": offset,
        "previous_offset": max(0, offset - PAGE_SIZE) if offset else None,
        "next_offset": offset + PAGE_SIZE if has_next else None,
        "today": timezone.now().date(),
        "report_filters": REPORT_FILTERS,
        "report_notes": _report_notes(filters),
        "as_of_day": _day(filters["asOf"]),
        # The inbox's bulk actions the viewer's role allows (each bill's service checks again).
        "bulk_actions": _bulk_actions(request) if direction == "incoming" else [],
        "bulk_statuses": BULK_STATUSES,
    }
    if may_approve and not context["filtered"] and "awaiting" in counts:
        # Read once, shown by the tab and the menu's badge alike (the badge counts everything
        # awaiting, so with filters on it is read on its own).
        context["awaiting_count"] = counts["awaiting"]
    return render(request, template, context, status=problems.status if problems else 200)


def _day(value: str) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(value) if value else None
    except ValueError:
        return None  # the filter set names the parameter


def _report_notes(filters: dict) -> list[str]:
    """What the filters a report or the home link to select, in words (they have no field)."""
    notes = []
    as_of = _day(filters["asOf"])
    if as_of:
        notes.append(f"Still to be paid at the end of {as_of:%b} {as_of.day}, {as_of.year}")
    elif filters["open"] == "true":
        notes.append("Still to be paid")
    if filters["status"]:
        statuses = [
            S(v.strip().upper()).label
            for v in filters["status"].split(",")
            if v.strip().upper() in S.values
        ]
        notes.append(" or ".join(statuses))
    after, before = _day(filters["scheduledAfter"]), _day(filters["scheduledBefore"])
    if after or before:
        span = " \u2013 ".join(
            f"{day:%b} {day.day}, {day.year}" if day else "any date" for day in (after, before)
        )
        notes.append(f"With a payment scheduled {span}")
    return notes


def _sort_options(direction: str) -> list[tuple[str, str]]:
    other = "supplier" if direction == "incoming" else "customer"
    return [
        ("-created", "Newest first"),
        ("created", "Oldest first"),
        ("due", "Due soonest"),
        ("-due", "Due latest"),
        ("-amount", "Largest amount"),
        ("amount", "Smallest amount"),
        ("counterparty", f"{other.capitalize()}, A to Z"),
        ("-counterparty", f"{other.capitalize()}, Z to A"),
    ]


def _waiting_text(payable: Payable, waiting: dict[str, list[str]]) -> list[str]:
    """Whom a bill under review waits on: the people or roles its current step names, or any
    approver under manual review."""
    if payable.status != PayableStatus.SUBMITTED:
        return []
    if payable.approval_status == ApprovalStatus.MANUAL_REVIEW:
        return ["any approver"]
    return waiting.get(payable.pk, [])


def _export(request, business_id: str, *, direction: str, tabs: list[Tab], list_name: str):
    """The CSV of every row the list shows with these filters, in its order, all pages of it.
    Filters the list refuses send the user back to it, where they are named."""
    query = _list_query(request, direction=direction, tabs=tabs)
    try:
        queryset = selectors.payable_filter(
            business_id=business_id, user=request.user, params=query.params
        )
    except ValidationError:
        return redirect(reverse(list_name, args=[business_id]) + "?" + request.GET.urlencode())
    queryset = listing.sorted_by(queryset, query.sort, direction=direction)
    return exports.payables_csv_response(queryset, business_id=business_id)


@business_page()
def inbox(request, business_id: str):
    """The payer's inbox: incoming payables by status, what awaits my approval first."""
    return _list_page(
        request,
        business_id,
        direction="incoming",
        tabs=INBOX_TABS,
        template="payables/inbox.html",
    )


@business_page()
def invoices(request, business_id: str):
    """The payee's invoices: outgoing payables by status, drafts included."""
    return _list_page(
        request,
        business_id,
        direction="outgoing",
        tabs=OUTGOING_TABS,
        template="payables/invoices.html",
    )


@require_GET
@business_page()
def inbox_export(request, business_id: str):
    """The inbox's bills as CSV: the tab, filters and sort of the page it is asked from."""
    return _export(request, business_id, direction="incoming", tabs=INBOX_TABS, list_name="inbox")


@require_GET
@business_page()
def invoices_export(request, business_id: str):
    """The invoices as CSV: the tab, filters and sort of the page it is asked from."""
    return _export(
        request, business_id, direction="outgoing", tabs=OUTGOING_TABS, list_name="invoices"
    )
