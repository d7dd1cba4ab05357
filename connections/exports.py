"""
CSV export of connections, streamed, each row as the caller's acting side sees it: rows are read
in chunks (``iterator(chunk_size=...)``, the tags of each chunk in one more query) and written
out as they come (``cleopay.csvexport``), so memory stays flat however many connections there
are.

Names, aliases, tags and e-mails are all chosen by users, some by the other business: they are
neutralised, so a spreadsheet never runs them as formulas.
"""

from datetime import UTC

from django.http import StreamingHttpResponse
from django.utils import timezone

from cleopay import csvexport
from cleopay.csvexport import neutralise
from connections.models import Connection
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


def _timestamp(value) -> str:
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


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
        _timestamp(connection.created_at),
    ]


def python_lines(queryset, *, business_ids, prefer: str | None = None):
    """The rows of ``queryset`` as lists of CSV cells."""
    for connection in queryset.iterator(chunk_size=EXPORT_CHUNK_SIZE):
        side = acting_business_id(connection, business_ids, prefer)
        yield [neutralise(cell) for cell in connection_row(connection, side)]


def connection_csv_chunks(queryset, *, business_ids, prefer: str | None = None):
    """The CSV text, in pieces of about ``csvexport.FLUSH_BYTES``."""
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
