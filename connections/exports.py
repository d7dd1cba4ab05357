"""
CSV export of connections, streamed, each row as the caller's acting side sees it.

On PostgreSQL the list's queryset (``selectors.connection_list``) becomes one
``COPY (SELECT ...) TO STDOUT`` whose cells, the acting side included, are computed in SQL
(``copy_select``); elsewhere rows are read in chunks (``iterator(chunk_size=...)``, the tags of
each chunk in one more query) and written in Python (``python_lines``). Both give the same
bytes (see ``cleopay.core.csvexport``) and keep memory flat however many connections there are.

Names, aliases, tags and e-mails are all chosen by users, some by the other business: they are
neutralised, so a spreadsheet never runs them as formulas.
"""

from datetime import UTC

from django.contrib.postgres.aggregates import StringAgg
from django.db.models import Case, F, Q, TextField, Value, When
from django.db.models.functions import Coalesce
from django.http import StreamingHttpResponse
from django.utils import timezone

from cleopay.core import csvexport
from cleopay.core.csvexport import IsoTimestamp, Neutralised, iso_timestamp, neutralise
from cleopay.core.expressions import AnyOf
from connections.models import Connection, ConnectionTag
from connections.selectors import acting_business_id

EXPORT_CHUNK_SIZE = 500
HEADER = [
    "id",
    "business",
    "connected_business",
    "role",
    "alias",
    "tags",
    "status",
    "net_terms",
    "auto_approve",
    "created_at",
]


def connection_row(connection: Connection, side: str) -> list:
    """One connection as ``side`` (a business ID) sees it, in ``HEADER``'s order."""
    business = connection.payer if side == connection.payer_id else connection.payee
    other_id = connection.counterparty_id(side)
    if other_id is None:
        other_name = connection.invited_email
    else:
        other_name = (
            connection.payer if other_id == connection.payer_id else connection.payee
        ).name
    tags = [tag.name for tag in connection.visible_tags if tag.business_id == side]
    return [
        connection.id,
        business.name,
        other_name,
        connection.role_of(side),
        connection.alias_of(side),
        "; ".join(tags),
        connection.status,
        "" if connection.net_terms is None else connection.net_terms,
        "true" if connection.auto_approve else "false",
        iso_timestamp(connection.created_at),
    ]


def python_lines(queryset, *, business_ids, prefer: str | None = None):
    """The rows of ``queryset`` as lists of CSV cells, computed in Python."""
    for connection in queryset.iterator(chunk_size=EXPORT_CHUNK_SIZE):
        side = acting_business_id(connection, business_ids, prefer)
        yield [neutralise(cell) for cell in connection_row(connection, side)]


def _acts_as_payer(business_ids, prefer: str | None) -> Q:
    """``acting_business_id`` in SQL: whether the caller speaks for the payer side."""
    payer_is_mine = Q(AnyOf("payer_id", business_ids))
    if prefer is None or prefer not in business_ids:
        return payer_is_mine
    return Q(payer_id=prefer) | (~Q(payee_id=prefer) & payer_is_mine)


# The cells of a row on the COPY path, by the names ``copy_select`` gives them, in HEADER's order.
CELLS = (
    "id",
    "csv_business",
    "csv_connected",
    "csv_role",
    "csv_alias",
    "csv_tags",
    "status",
    "net_terms",
    "csv_auto_approve",
    "csv_created_at",
)


def copy_select(queryset, *, business_ids, prefer: str | None = None) -> csvexport.Select:
    """``queryset`` as a SELECT of CSV cells computed in SQL, the cells of ``python_lines``."""
    as_payer = _acts_as_payer(business_ids, prefer)

    def by_side(payer_side, payee_side):
        # One test of the side per cell: with many businesses it is a long IN list.
        return Case(When(as_payer, then=payer_side), default=payee_side)

    rows = queryset.prefetch_related(None).annotate(
        csv_side=by_side(F("payer_id"), F("payee_id")),
        csv_business=by_side(Neutralised(F("payer__name")), Neutralised(F("payee__name"))),
        # The other side's name, or the invited e-mail while that side has no business.
        csv_connected=by_side(
            Neutralised(Coalesce("payee__name", "invited_email", output_field=TextField())),
            Neutralised(Coalesce("payer__name", "invited_email", output_field=TextField())),
        ),
        csv_role=by_side(Value("payer"), Value("payee")),
        csv_alias=by_side(Neutralised(F("payer_alias")), Neutralised(F("payee_alias"))),
        csv_auto_approve=Case(When(auto_approve=True, then=Value("true")), default=Value("false")),
        csv_created_at=IsoTimestamp("created_at"),
    )
    # Each side's tag names of each connection, in the order of ``_with_visible_tags``.
    tags = (
        ConnectionTag.objects.filter(AnyOf("tag__business_id", business_ids))
        .values("connection_id", "tag__business_id")
        .annotate(names=Neutralised(StringAgg("tag__name", "; ", order_by=("tag__name", "tag_id"))))
        .values_list("connection_id", "tag__business_id", "names")
    )
    return csvexport.select(rows, CELLS, joined={"csv_tags": (tags, ["id", "csv_side"])})


def connection_csv_chunks(queryset, *, business_ids, prefer: str | None = None):
    """The CSV text, in pieces of about ``csvexport.FLUSH_BYTES``."""
    if csvexport.uses_copy(queryset):
        rows = copy_select(queryset, business_ids=business_ids, prefer=prefer)
        return csvexport.copy_chunks(rows, HEADER)
    lines = python_lines(queryset, business_ids=business_ids, prefer=prefer)
    return csvexport.python_chunks(lines, HEADER)


def connections_csv_response(queryset, *, business_ids, prefer: str | None = None):
    response = StreamingHttpResponse(
        connection_csv_chunks(queryset, business_ids=business_ids, prefer=prefer),
        content_type="text/csv; charset=utf-8",
    )
    filename = f"connections-{timezone.now().astimezone(UTC):%Y-%m-%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
