"""Sortable lists: ``?sort=name`` or ``?sort=-name`` (descending), each list naming its orders
and the expression each sorts by; rows that tie keep one order from page to page by their ID.
The pages' column headers (``templates/_sort_header.html``) read ``Column``s."""

from dataclasses import dataclass

from django.db.models import F, QuerySet


def sort_key(value: str, sorts, default: str) -> str:
    """``value`` if it names one of ``sorts`` (with or without "-"), else ``default``."""
    return value if value.removeprefix("-") in sorts else default


def sorted_by(queryset: QuerySet, sort: str, expressions: dict) -> QuerySet:
    """``queryset`` in the order ``sort`` (a checked ``sort_key``) names, by its expression in
    ``expressions`` (a column name or an expression), ties broken by the ID."""
    descending = sort.startswith("-")
    expression = expressions[sort.removeprefix("-")]
    if isinstance(expression, str):
        expression = F(expression)
    first = expression.desc() if descending else expression.asc()
    return queryset.order_by(first, F("id").desc() if descending else F("id").asc())


@dataclass(frozen=True)
class Column:
    """A sortable column's header: the sort its link asks for and how the list is sorted by it."""

    key: str
    label: str
    next_sort: str
    aria_sort: str  # "ascending", "descending" or "" (not sorted by this column)


def columns(sort: str, labels: dict[str, str], *, names: tuple = ()) -> dict[str, Column]:
    """The headers of ``labels``' columns (key → label) for a list sorted by ``sort``. A click
    on a column sorts it the other way; on another, money and dates come largest or latest
    first, the columns in ``names`` (words) from A."""
    result = {}
    for key, label in labels.items():
        if sort == key:
            result[key] = Column(key, label, f"-{key}", "ascending")
        elif sort == f"-{key}":
            result[key] = Column(key, label, key, "descending")
        else:
            result[key] = Column(key, label, key if key in names else f"-{key}", "")
    return result
