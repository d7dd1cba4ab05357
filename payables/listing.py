"""
The payables lists' read path: plain rows instead of model instances and serializers.

A list is what a finance team opens hundreds of times a day, so its page costs one query for
the rows (their columns and both businesses' names, through ``values()``) and one for the
viewing side's tags of those rows, and no Python object per row beyond the dict that is
rendered. The rows are exactly ``PayableListItemSerializer``'s output (that serializer still
documents the schema, and a test holds the two to the same JSON); dates and timestamps are
left to the JSON renderer, which writes them as the serializer would (``2026-05-15``,
``...Z``).

The same rows feed the CSV export (``payables.exports``). The pages sort their lists by the
orders of ``SORTS`` and show the total of every row the filters leave (``list_totals``).
"""

from decimal import Decimal

from django.db import connection
from django.db.models import Count, F, OuterRef, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce, Lower, NullIf

from accounts.models import Business
from cleopay.core import sorting
from cleopay.core.money import quantize
from payables.querysets import AMOUNT_DUE

# Columns of a list row, by the name ``values()`` gives them.
ROW_FIELDS = (
    "id",
    "status",
    "amount",
    "amount_paid",
    "amount_credited",
    "currency",
    "issue_date",
    "due_date",
    "invoice_number",
    "memo",
    "connection_id",
    "payee_id",
    "payee_name",
    "payer_id",
    "payer_name",
    "created_at",
    "submitted_at",
    "updated_at",
)


def _business_name(column: str) -> Subquery:
    return Subquery(Business.objects.filter(pk=OuterRef(column)).order_by().values("name"))


def payable_rows(queryset: QuerySet) -> QuerySet:
    """``queryset`` (filtered and ordered: ``selectors.payable_filter``) as plain rows.

    The businesses' names are read by subqueries rather than joins, so that the keys of a
    deep page (``LimitOffsetPagination``) are found from the payables' index alone.
    """
    return queryset.annotate(
        payee_name=_business_name("payee_id"), payer_name=_business_name("payer_id")
    ).values(*ROW_FIELDS)


# A list's first page whose query string holds only these (a direction, statuses, a limit: the
# inbox a finance team refreshes all day) is one SQL statement for a business, whoever asks: none
# of them reads the clock or a row to build its filter. ``first_page_key`` names it for
# ``cleopay.core.sqlcache``.
FIRST_PAGE_PARAMS = frozenset({"direction", "status", "limit"})


def first_page_key(business_id: str, params) -> tuple | None:
    """The key of the list's first page SQL for these ``params`` (a ``QueryDict``), or None
    when they ask for more than ``FIRST_PAGE_PARAMS`` or name no direction (both sides are
    read in two parts, see ``selectors.payable_sides``)."""
    if not params.get("direction") or not FIRST_PAGE_PARAMS.issuperset(params.keys()):
        return None
    values = sorted((name, tuple(given)) for name, given in params.lists())
    return ("payables:first-page", business_id, tuple(values))


# The viewing side's tags of some payables. Plain SQL: it runs on every list page and export
# chunk, and building it with the ORM cost five times what running it does. Both sides' tags
# are read and the other side's dropped in Python: filtered on the tag's business, PostgreSQL
# probes the payables once per tag of the business, which for an export's chunk of 2,000
# payables costs a hundred times more than one probe per payable.
_TAGS_OF_PAYABLES = """
    SELECT link.payable_id, tag.id, tag.name, tag.business_id
    FROM payables_payabletag AS link
    JOIN connections_tag AS tag ON tag.id = link.tag_id
    WHERE link.payable_id IN ({placeholders})
    ORDER BY tag.name, tag.id
"""


def viewer_tags(payable_ids: list[str], *, business_id: str) -> dict[str, list[dict]]:
    """The tags ``business_id`` put on each of these payables, by name (one query)."""
    tags: dict[str, list[dict]] = {}
    if not payable_ids:
        return tags
    sql = _TAGS_OF_PAYABLES.format(placeholders=", ".join(["%s"] * len(payable_ids)))
    with connection.cursor() as cursor:
        cursor.execute(sql, payable_ids)
        for payable_id, tag_id, name, owner in cursor.fetchall():
            if owner == business_id:
                tags.setdefault(payable_id, []).append({"id": tag_id, "name": name})
    return tags


def list_items(rows: list[dict], *, business_id: str) -> list[dict]:
    """Rows of ``payable_rows`` as the list's JSON objects, seen from ``business_id``."""
    tags = viewer_tags([row["id"] for row in rows], business_id=business_id)
    return [
        {
            "id": row["id"],
            "status": row["status"],
            "direction": "outgoing" if row["payee_id"] == business_id else "incoming",
            "amount": row["amount"],
            "amountPaid": row["amount_paid"],
            "amountCredited": row["amount_credited"],
            "amountDue": row["amount"] - row["amount_paid"] - row["amount_credited"],
            "currency": row["currency"],
            "issueDate": row["issue_date"],
            "dueDate": row["due_date"],
            "invoiceNumber": row["invoice_number"],
            "memo": row["memo"],
            "connectionId": row["connection_id"],
            "payeeBusinessId": row["payee_id"],
            "payeeBusinessName": row["payee_name"],
            "payerBusinessId": row["payer_id"],
            "payerBusinessName": row["payer_name"],
            "tags": tags.get(row["id"], []),
            "createdAt": row["created_at"],
            "submittedAt": row["submitted_at"],
            "updatedAt": row["updated_at"],
        }
        for row in rows
    ]


# The orders a page's list may be sorted in (``?sort=``, a leading "-" for descending), each
# ending in the ID so that rows that tie keep one order from page to page.
SORTS = ("due", "amount", "counterparty", "created")
DEFAULT_SORT = "-created"


def sort_key(value: str) -> str:
    """``value`` if it names one of ``SORTS`` (with or without "-"), else ``DEFAULT_SORT``."""
    return sorting.sort_key(value, SORTS, DEFAULT_SORT)


def _counterparty(direction: str):
    """The name the list shows for the other business: the viewing side's alias, else its name."""
    if direction == "incoming":
        alias, name = "connection__payer_alias", "payee__name"
    else:
        alias, name = "connection__payee_alias", "payer__name"
    return Lower(Coalesce(NullIf(F(alias), Value("")), F(name)))


def sorted_by(queryset: QuerySet, sort: str, *, direction: str) -> QuerySet:
    """``queryset`` in the order ``sort`` (``sort_key``) names, ties broken by the ID."""
    expressions = {
        "due": "due_date",
        "amount": "amount",
        "created": "created_at",
        "counterparty": _counterparty(direction),
    }
    return sorting.sorted_by(queryset, sort_key(sort), expressions)


def list_totals(queryset: QuerySet) -> dict:
    """How many rows ``queryset`` (a filtered list) holds, their amount and what is due on them,
    summed by the database in one query. Filtered by ``asOf``, what was due on that day (the
    ``owed`` its filter annotates); by a scheduled date, also the payments on their way."""
    annotations = queryset.query.annotations
    due = F("owed") if "owed" in annotations else AMOUNT_DUE
    sums = {"total_count": Count("pk"), "total_amount": Sum("amount"), "total_due": Sum(due)}
    if "scheduled" in annotations:
        sums["total_scheduled"] = Sum("scheduled")
    totals = queryset.order_by().aggregate(**sums)
    zero = Decimal("0.00")
    result = {
        "count": totals["total_count"],
        "amount": quantize(totals["total_amount"] or zero),
        "due": quantize(totals["total_due"] or zero),
    }
    if "scheduled" in annotations:
        result["scheduled"] = quantize(totals["total_scheduled"] or zero)
    return result
