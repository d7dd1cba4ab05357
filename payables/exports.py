"""
CSV export of a business's payables, with the list's filters, streamed.

On PostgreSQL the list's queryset (``selectors.payable_filter``) becomes one
``COPY (SELECT ...) TO STDOUT`` whose cells are computed in SQL (``copy_select``); elsewhere rows
come as tuples in chunks of ``EXPORT_CHUNK_SIZE``, the viewing side's tags of each chunk in one
more query, and are written in Python (``python_lines``). Both give the same bytes (see
``cleopay.core.csvexport``) and keep memory flat however many payables there are. Cells a user chose
(invoice number, memo, the other business's name, tag names) are neutralised, so a spreadsheet
never runs them as formulas.
"""

from datetime import UTC

from django.contrib.postgres.aggregates import StringAgg
from django.db.models import Case, F, Q, Value, When
from django.http import StreamingHttpResponse
from django.utils import timezone

from cleopay.core import csvexport
from cleopay.core.csvexport import IsoDate, IsoTimestamp, Neutralised, iso_timestamp, neutralise
from payables.listing import viewer_tags
from payables.models import PayableTag
from payables.querysets import AMOUNT_DUE

EXPORT_CHUNK_SIZE = 2000
HEADER = [
    "id",
    "invoice_number",
    "status",
    "direction",
    "counterparty",
    "amount",
    "amount_paid",
    "amount_credited",
    "amount_due",
    "currency",
    "issue_date",
    "due_date",
    "memo",
    "tags",
    "connection_id",
    "created_at",
    "submitted_at",
]
# The columns each row is read with on the Python path (``values_list``), in this order.
COLUMNS = (
    "id",
    "invoice_number",
    "status",
    "payee_id",
    "payee__name",
    "payer__name",
    "amount",
    "amount_paid",
    "amount_credited",
    "currency",
    "issue_date",
    "due_date",
    "memo",
    "connection_id",
    "created_at",
    "submitted_at",
)


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
    """The rows of ``queryset`` as lists of CSV cells, computed in Python."""
    rows = queryset.prefetch_related(None).values_list(*COLUMNS)
    for chunk in _chunks(rows):
        tags = viewer_tags([row[0] for row in chunk], business_id=business_id)
        for (
            payable_id, number, status, payee_id, payee_name, payer_name, amount, amount_paid,
            amount_credited, currency, issue_date, due_date, memo, connection_id, created_at, submitted_at,
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
                str(amount_paid),
                str(amount_credited),
                str(amount - amount_paid - amount_credited),
                currency,
                issue_date.isoformat(),
                due_date.isoformat(),
                neutralise(memo),
                neutralise(names),
                connection_id,
                iso_timestamp(created_at),
                iso_timestamp(submitted_at),
            ]


# The cells of a row on the COPY path, by the names ``copy_select`` gives them, in HEADER's order.
CELLS = (
    "id",
    "csv_number",
    "status",
    "csv_direction",
    "csv_counterparty",
    "amount",
    "amount_paid",
    "amount_credited",
    "csv_amount_due",
    "currency",
    "csv_issue_date",
    "csv_due_date",
    "csv_memo",
    "csv_tags",
    "connection_id",
    "csv_created_at",
    "csv_submitted_at",
)


def copy_select(queryset, *, business_id: str) -> csvexport.Select:
    """``queryset`` as a SELECT of CSV cells computed in SQL, the cells of ``python_lines``."""
    outgoing = Q(payee_id=business_id)
    rows = queryset.prefetch_related(None).annotate(
        csv_number=Neutralised(F("invoice_number")),
        csv_direction=Case(When(outgoing, then=Value("outgoing")), default=Value("incoming")),
        csv_counterparty=Neutralised(
            Case(When(outgoing, then=F("payer__name")), default=F("payee__name"))
        ),
        csv_amount_due=AMOUNT_DUE,
        csv_issue_date=IsoDate("issue_date"),
        csv_due_date=IsoDate("due_date"),
        csv_memo=Neutralised(F("memo")),
        csv_created_at=IsoTimestamp("created_at"),
        csv_submitted_at=IsoTimestamp("submitted_at"),
    )
    # The viewing side's tag names of each payable, in the order of ``viewer_tags``: those of
    # all the business's tagged payables, joined to the rows by hash. A subquery per row cost as
    # much as the rest of a whole-list export; the price is that a narrow export of a business
    # with many tagged payables still gathers all their tags (about 60 ms per 20,000).
    tags = (
        PayableTag.objects.filter(tag__business_id=business_id)
        .values("payable_id")
        .annotate(names=Neutralised(StringAgg("tag__name", "; ", order_by=("tag__name", "tag_id"))))
        .values_list("payable_id", "names")
    )
    return csvexport.select(rows, CELLS, joined={"csv_tags": (tags, ["id"])})


def payable_csv_chunks(queryset, *, business_id: str):
    """The CSV of ``queryset`` (a filtered, ordered payables queryset), in pieces."""
    if csvexport.uses_copy(queryset):
        return csvexport.copy_chunks(copy_select(queryset, business_id=business_id), HEADER)
    return csvexport.python_chunks(python_lines(queryset, business_id=business_id), HEADER)


def payables_csv_response(queryset, *, business_id: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(
        payable_csv_chunks(queryset, business_id=business_id),
        content_type="text/csv; charset=utf-8",
    )
    filename = f"payables-{timezone.now().astimezone(UTC):%Y-%m-%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
