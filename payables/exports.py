"""
CSV export of a business's payables, with the list's filters, streamed.

Rows come from the list's read path (``payables.listing``) as tuples, in chunks of
``EXPORT_CHUNK_SIZE`` (a server-side cursor on PostgreSQL), the viewing side's tags of each chunk
in one more query, and are written out as they come (``cleopay.csvexport``): memory stays flat
however many payables there are. Cells a user chose (invoice number, memo, the other business's
name, tag names) are neutralised, so a spreadsheet never runs them as formulas.
"""

from datetime import UTC, datetime

from django.http import StreamingHttpResponse
from django.utils import timezone

from cleopay import csvexport
from cleopay.csvexport import neutralise
from payables.listing import viewer_tags

EXPORT_CHUNK_SIZE = 2000
HEADER = [
    "id",
    "invoice_number",
    "status",
    "direction",
    "counterparty",
    "amount",
    "currency",
    "issue_date",
    "due_date",
    "memo",
    "tags",
    "connection_id",
    "created_at",
    "submitted_at",
]
# The columns each row is read with (``values_list``), in this order.
COLUMNS = (
    "id",
    "invoice_number",
    "status",
    "payee_id",
    "payee__name",
    "payer__name",
    "amount",
    "currency",
    "issue_date",
    "due_date",
    "memo",
    "connection_id",
    "created_at",
    "submitted_at",
)


def _timestamp(value: datetime | None) -> str:
    if value is None:
        return ""
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _chunks(queryset):
    """Lists of up to ``EXPORT_CHUNK_SIZE`` row tuples, streamed from the database."""
    chunk = []
    for row in queryset.iterator(chunk_size=EXPORT_CHUNK_SIZE):
        chunk.append(row)
        if len(chunk) == EXPORT_CHUNK_SIZE:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def python_lines(queryset, *, business_id: str):
    """The rows of ``queryset`` as lists of CSV cells."""
    rows = queryset.prefetch_related(None).values_list(*COLUMNS)
    for chunk in _chunks(rows):
        tags = viewer_tags([row[0] for row in chunk], business_id=business_id)
        for (
            payable_id, number, status, payee_id, payee_name, payer_name, amount, currency,
            issue_date, due_date, memo, connection_id, created_at, submitted_at,
        ) in chunk:  # fmt: skip
            outgoing = payee_id == business_id
            names = "; ".join(tag["name"] for tag in tags.get(payable_id, ()))
            yield [
                payable_id,
                neutralise(number),
                status,
                "outgoing" if outgoing else "incoming",
                neutralise(payer_name if outgoing else payee_name),
                str(amount),
                currency,
                issue_date.isoformat(),
                due_date.isoformat(),
                neutralise(memo),
                neutralise(names),
                connection_id,
                _timestamp(created_at),
                _timestamp(submitted_at),
            ]


def payable_csv_chunks(queryset, *, business_id: str):
    """The CSV of ``queryset`` (a filtered, ordered payables queryset), in pieces."""
    return csvexport.python_chunks(python_lines(queryset, business_id=business_id), HEADER)


def payables_csv_response(queryset, *, business_id: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(
        payable_csv_chunks(queryset, business_id=business_id),
        content_type="text/csv; charset=utf-8",
    )
    filename = f"payables-{timezone.now().astimezone(UTC):%Y-%m-%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
