"""
CSV export of connections, streamed: rows are read in chunks (``iterator(chunk_size=...)``, the
tags of each chunk in one more query) and written out as they come, so memory stays flat however
many connections there are.

Spreadsheet programs run a cell that starts with ``=``, ``+``, ``-`` or ``@`` (or a tab or
carriage return before one) as a formula; such cells get a leading apostrophe, which makes them
plain text. Names, aliases, tags and e-mails are all chosen by users, some by the other business.
"""

import csv
import io
from datetime import UTC

from django.http import StreamingHttpResponse
from django.utils import timezone

from connections.models import Connection
from connections.selectors import acting_business_id

EXPORT_CHUNK_SIZE = 500
# Bytes gathered before a piece of the body is handed to the server.
FLUSH_BYTES = 64 * 1024
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
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value) -> str:
    """The cell as text a spreadsheet shows rather than evaluates."""
    text = "" if value is None else str(value)
    if text.startswith(_FORMULA_STARTS):
        return "'" + text
    return text


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


def connection_csv_chunks(queryset, *, business_ids, prefer: str | None = None):
    """The CSV text, in pieces of about ``FLUSH_BYTES``."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADER)
    for connection in queryset.iterator(chunk_size=EXPORT_CHUNK_SIZE):
        side = acting_business_id(connection, business_ids, prefer)
        writer.writerow([neutralise(cell) for cell in connection_row(connection, side)])
        if buffer.tell() >= FLUSH_BYTES:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def connections_csv_response(queryset, *, business_ids, prefer: str | None = None):
    response = StreamingHttpResponse(
        connection_csv_chunks(queryset, business_ids=business_ids, prefer=prefer),
        content_type="text/csv; charset=utf-8",
    )
    filename = f"connections-{timezone.now().astimezone(UTC):%Y-%m-%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
