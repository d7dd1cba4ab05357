"""
The import file's format: UTF-8 CSV (with or without a byte-order mark), a header row naming
the columns, one row per line item; the rows of one invoice are consecutive and repeat its
connection and invoice number (docs/api/imports.md).

The file is read as a stream of records, never held whole: ``records`` decodes and parses it
lazily, ``invoices`` groups consecutive records of one invoice. Rows are numbered as a
spreadsheet shows them: the header is row 1, the first record row 2.
"""

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass

# The columns, as the header names them (any case; spaces, dashes and underscores ignored).
INVOICE_COLUMNS = (
    "connection",
    "invoiceNumber",
    "issueDate",
    "dueDate",
    "amount",
    "currency",
    "memo",
)
LINE_COLUMNS = ("lineDescription", "lineQuantity", "lineUnitPrice", "lineAccountingCategory")
COLUMNS = INVOICE_COLUMNS + LINE_COLUMNS
REQUIRED_COLUMNS = ("connection", "invoiceNumber")
# Other spellings a header may use for a column.
_ALIASES = {"connectionid": "connection", "counterparty": "connection", "customer": "connection"}
_CANONICAL = {name.lower(): name for name in COLUMNS} | _ALIASES

TEMPLATE_ROWS = (
    ("Globex Corporation", "INV-1001", "2026-05-01", "2026-05-31", "1250.00", "USD", "May retainer",
     "Consulting hours", "10", "125.00", "Services"),
    ("conn_REPLACEwithYOURconnID", "INV-1002", "2026-05-03", "", "", "USD", "",
     "Laptops", "2", "900.00", "Hardware"),
    ("conn_REPLACEwithYOURconnID", "INV-1002", "", "", "", "", "", "Docking stations", "2", "150.00",
     "Hardware"),
)  # fmt: skip


class FileProblem(Exception):
    """The file as a whole cannot be read (encoding, header, CSV syntax, size)."""

    def __init__(self, message: str, *, row: int = 0):
        super().__init__(message)
        self.message = message
        self.row = row


@dataclass(frozen=True)
class Record:
    row: int
    cells: dict[str, str]

    def get(self, column: str) -> str:
        return self.cells.get(column, "")

    @property
    def has_line(self) -> bool:
        return any(self.get(column) for column in LINE_COLUMNS)


@dataclass
class Invoice:
    """Consecutive records sharing a connection and an invoice number."""

    records: list[Record]

    @property
    def row(self) -> int:
        return self.records[0].row

    @property
    def first(self) -> Record:
        return self.records[0]


def _key(name: str) -> str:
    return "".join(c for c in name.strip().lower() if c not in " _-")


def header_columns(cells: list[str]) -> list[str]:
    """The column of each header cell; ``FileProblem`` for an unknown, repeated or missing one."""
    columns = []
    for cell in cells:
        name = _CANONICAL.get(_key(cell))
        if name is None:
            shown = cell.strip()[:60] or "(blank)"
            raise FileProblem(
                f"Unknown column {shown!r} in the header row. The columns are: {', '.join(COLUMNS)}.",
                row=1,
            )
        if name in columns:
            raise FileProblem(f"The column {name} appears twice in the header row.", row=1)
        columns.append(name)
    missing = [name for name in REQUIRED_COLUMNS if name not in columns]
    if missing:
        raise FileProblem(f"The header row lacks the column(s) {', '.join(missing)}.", row=1)
    if "amount" not in columns and "lineUnitPrice" not in columns:
        raise FileProblem("The header row needs an amount column or the line columns.", row=1)
    return columns


def records(binary) -> Iterator[Record]:
    """The data records of ``binary`` (a file open in binary mode), blank ones skipped.

    Raises ``FileProblem`` for text that is not UTF-8, a CSV syntax error, a cell beyond the
    csv module's field limit, or a row with more cells than the header.
    """
    text = io.TextIOWrapper(binary, encoding="utf-8-sig", newline="")
    reader = csv.reader(text, strict=True)
    row = 0
    columns = None
    try:
        for cells in reader:
            row += 1
            if columns is None:
                if not any(cell.strip() for cell in cells):
                    raise FileProblem("The first row must be the header row.", row=1)
                columns = header_columns(cells)
                continue
            if not any(cell.strip() for cell in cells):
                continue
            if len(cells) > len(columns) and any(c.strip() for c in cells[len(columns) :]):
                raise FileProblem(
                    f"Row {row} has {len(cells)} cells; the header names {len(columns)} columns.",
                    row=row,
                )
            yield Record(
                row=row,
                cells={
                    name: cell.strip() for name, cell in zip(columns, cells, strict=False) if cell
                },
            )
    except UnicodeDecodeError:
        raise FileProblem(
            f"The file is not UTF-8 text (after row {row}). Save it as CSV UTF-8 and upload it "
            "again.",
            row=row + 1,
        ) from None
    except csv.Error as exc:
        raise FileProblem(f"Row {row + 1} is not valid CSV ({exc}).", row=row + 1) from None
    finally:
        text.detach()
    if columns is None:
        raise FileProblem("The file is empty: it needs a header row and at least one row.")


def count_records(binary, *, max_rows: int) -> int:
    """How many data records ``binary`` holds, checking the whole file as ``records`` does;
    ``FileProblem`` past ``max_rows`` (read no further) or for a file without any."""
    count = 0
    for _record in records(binary):
        count += 1
        if count > max_rows:
            raise FileProblem(
                f"The file has more than {max_rows:,} rows; split it into files of at most "
                f"{max_rows:,} rows."
            )
    if count == 0:
        raise FileProblem("The file has a header row but no rows to import.")
    return count


def _invoice_key(record: Record) -> tuple[str, str]:
    return (record.get("connection").casefold(), record.get("invoiceNumber"))


def invoices(stream: Iterator[Record]) -> Iterator[Invoice]:
    """Consecutive records of one invoice, grouped (a record without an invoice number stands
    alone)."""
    current: Invoice | None = None
    for record in stream:
        if (
            current is not None
            and record.get("invoiceNumber")
            and _invoice_key(record) == _invoice_key(current.first)
        ):
            current.records.append(record)
            continue
        if current is not None:
            yield current
        current = Invoice(records=[record])
    if current is not None:
        yield current


def template_lines() -> Iterator[list[str]]:
    yield from (list(row) for row in TEMPLATE_ROWS)
