"""
The validation pass: every invoice of the file checked as ``payables.services.payable_create``
would check it, every problem kept with its row and column, before anything is created.

The file is read as a stream and checked in batches of ``BATCH`` invoices: each batch costs a
few queries (the existing invoice numbers of its connections, the ones earlier in the file) and
is written out (``ImportRow``, ``ImportProblem``) before the next is read, so memory does not
grow with the file. The business's connections are read once, up front.
"""

import gc
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from django.db.models import Q
from rest_framework.exceptions import ValidationError

from cleopay.core.ids import is_public_id
from cleopay.core.invoice_numbers import invoice_number_key
from connections.models import Connection, ConnectionStatus
from imports.csvformat import Invoice, Record, invoices, records
from imports.models import Import, ImportMode, ImportProblem, ImportRow
from payables.inputs import MAX_LINE_ITEMS, PayableWriteInput
from payables.models import Payable
from payables.services.contents import clean_custom_fields, priced_lines, reconcile_amount

BATCH = 500
CURRENCY = "USD"

# The serializer's field → the file's column (line items: the line's own columns).
_COLUMN_OF = {
    "amount": "amount",
    "issueDate": "issueDate",
    "dueDate": "dueDate",
    "invoiceNumber": "invoiceNumber",
    "memo": "memo",
    "lineItems": "lineUnitPrice",
}
_LINE_COLUMN_OF = {
    "description": "lineDescription",
    "quantity": "lineQuantity",
    "unitPrice": "lineUnitPrice",
    "accountingCategory": "lineAccountingCategory",
}
# Cells of the invoice that its later rows may repeat (or leave blank), never change.
_SHARED = ("issueDate", "dueDate", "amount", "currency", "memo")


@dataclass
class Problem:
    row: int
    column: str
    message: str


@dataclass
class Checked:
    """One invoice after its own checks: the payable to create, or its problems."""

    invoice: Invoice
    connection: Connection | None = None
    invoice_key: str = ""
    fields: dict | None = None
    problems: list[Problem] = field(default_factory=list)

    def add(self, row: int, column: str, message) -> None:
        self.problems.append(Problem(row, column, str(message)[:500]))


def messages_of(detail) -> Iterator[str]:
    if isinstance(detail, dict):
        for value in detail.values():
            yield from messages_of(value)
    elif isinstance(detail, list):
        for value in detail:
            yield from messages_of(value)
    else:
        yield str(detail)


class Connections:
    """The business's connections as a payee, by ID, by the customer's name and by alias."""

    def __init__(self, business_id: str):
        self.business_id = business_id
        self.by_id: dict[str, Connection] = {}
        self.by_name: dict[str, list[Connection]] = {}
        for connection in Connection.objects.filter(payee_id=business_id).select_related("payer"):
            self.by_id[connection.pk] = connection
            names = {connection.payee_alias.casefold()}
            if connection.payer is not None:
                names.add(connection.payer.name.casefold())
            for name in names - {""}:
                self.by_name.setdefault(name, []).append(connection)

    def resolve(self, cell: str) -> tuple[Connection | None, str]:
        """The connection a cell names, or why none."""
        if not cell:
            return None, "Required: the connection's ID or the customer's name."
        if is_public_id(cell, "conn"):
            connection = self.by_id.get(cell)
            if connection is None:
                return None, "No connection with this ID where your business is the payee."
        else:
            matches = self.by_name.get(cell.casefold(), [])
            active = [c for c in matches if c.status == ConnectionStatus.ACTIVE]
            if not matches:
                return None, (
                    f"No customer named {cell!r} (by its name or your alias for it); "
                    "use the connection's ID."
                )
            if len(active) > 1 or (not active and len(matches) > 1):
                return None, f"Several connections are named {cell!r}; use the connection's ID."
            connection = (active or matches)[0]
        if connection.status != ConnectionStatus.ACTIVE or connection.payer_id is None:
            return None, (
                f"This connection is {connection.status}: only an active connection takes payables."
            )
        return connection, ""


class Validator:
    def __init__(self, batch: Import):
        self.batch = batch
        self.submit = batch.mode == ImportMode.SUBMIT
        self.connections = Connections(batch.business_id)
        # (payer, number of lines) → the custom field problem of a payable without values.
        self._custom_fields: dict[tuple[str, int], str] = {}

    # --- one invoice ---------------------------------------------------------------------------
    def check(self, invoice: Invoice) -> Checked:
        checked = Checked(invoice=invoice)
        first = invoice.first
        checked.connection, problem = self.connections.resolve(first.get("connection"))
        if problem:
            checked.add(first.row, "connection", problem)
        number = first.get("invoiceNumber")
        if not number:
            checked.add(first.row, "invoiceNumber", "Required: every row names its invoice.")
        else:
            checked.invoice_key = invoice_number_key(number)
        for record in invoice.records[1:]:
            for column in _SHARED:
                value = record.get(column)
                if value and value != first.get(column):
                    checked.add(
                        record.row,
                        column,
                        f"Differs from row {first.row}, where this invoice starts "
                        "(leave it blank or repeat it).",
                    )
        currency = first.get("currency")
        if currency and currency.upper() != CURRENCY:
            checked.add(first.row, "currency", f"Only {CURRENCY} is supported, not {currency!r}.")
        self._check_fields(checked, invoice)
        return checked

    def _line_records(self, checked: Checked, invoice: Invoice) -> list[Record]:
        lines = [record for record in invoice.records if record.has_line]
        if len(invoice.records) > 1:
            for record in invoice.records:
                if not record.has_line:
                    checked.add(
                        record.row,
                        "lineDescription",
                        "An invoice over several rows needs a line item on each.",
                    )
        if len(lines) > MAX_LINE_ITEMS:
            checked.add(invoice.row, "lineDescription", f"At most {MAX_LINE_ITEMS} line items.")
        return lines

    def _check_fields(self, checked: Checked, invoice: Invoice) -> None:
        first = invoice.first
        lines = self._line_records(checked, invoice)
        data = {
            name: first.get(name)
            for name in ("amount", "issueDate", "dueDate", "invoiceNumber", "memo")
            if first.get(name)
        }
        if lines:
            data["lineItems"] = [
                {
                    name: record.get(column)
                    for name, column in _LINE_COLUMN_OF.items()
                    if record.get(column)
                }
                for record in lines
            ]
        serializer = PayableWriteInput(data=data)
        if not serializer.is_valid():
            self._serializer_problems(checked, serializer.errors, first, lines)
            return
        values = serializer.validated_data
        line_items = values.get("line_items") or []
        try:
            amount = reconcile_amount(amount=values.get("amount"), lines=priced_lines(line_items))
        except ValidationError as exc:
            for message in messages_of(exc.detail):
                column = "amount" if "amount" in first.cells else "lineUnitPrice"
                checked.add(first.row, column, message)
            return
        if checked.connection is not None and self.submit:
            problem = self._custom_field_problem(checked.connection, len(line_items))
            if problem:
                checked.add(first.row, "", problem)
        checked.fields = {
            "amount": amount,
            "issue_date": values["issue_date"].isoformat() if "issue_date" in values else None,
            "due_date": values["due_date"].isoformat() if "due_date" in values else None,
            "invoice_number": values.get("invoice_number", ""),
            "memo": values.get("memo", ""),
            "line_items": [
                {
                    "description": line["description"],
                    "quantity": line["quantity"],
                    "unit_price": line["unit_price"],
                    "accounting_category": line.get("accounting_category", ""),
                }
                for line in line_items
            ],
        }

    def _serializer_problems(self, checked, errors, first: Record, lines: list[Record]) -> None:
        for name, detail in errors.items():
            if (
                name == "lineItems"
                and isinstance(detail, list)
                and any(isinstance(item, dict) for item in detail)
            ):
                for record, item in zip(lines, detail, strict=False):
                    for line_name, messages in (item or {}).items():
                        column = _LINE_COLUMN_OF.get(line_name, "lineDescription")
                        for message in messages_of(messages):
                            checked.add(record.row, column, message)
                continue
            column = _COLUMN_OF.get(name, "")
            for message in messages_of(detail):
                checked.add(first.row, column, message)

    def _custom_field_problem(self, connection: Connection, line_count: int) -> str:
        """What the payer's required custom fields say of a payable submitted without values."""
        key = (connection.payer_id, line_count)
        if key not in self._custom_fields:
            try:
                clean_custom_fields(
                    payer_id=connection.payer_id,
                    custom_fields=None,
                    line_items=[{"custom_fields": None}] * line_count,
                    require=True,
                )
                self._custom_fields[key] = ""
            except ValidationError as exc:
                self._custom_fields[key] = (
                    "The customer requires custom fields a file cannot fill ("
                    + "; ".join(messages_of(exc.detail))
                    + "): import as drafts and complete them in the editor."
                )[:500]
        return self._custom_fields[key]

    # --- duplicates, a batch at a time ----------------------------------------------------------
    def duplicates(self, batch: list[Checked]) -> None:
        keyed = [c for c in batch if c.connection is not None and c.invoice_key]
        if not keyed:
            return
        wanted = Q()
        for checked in keyed:
            wanted |= Q(connection_id=checked.connection.pk, invoice_key=checked.invoice_key)
        taken = set(Payable.objects.filter(wanted).values_list("connection_id", "invoice_key"))
        earlier = {
            (connection_id, key): line
            for connection_id, key, line in ImportRow.objects.filter(wanted, batch=self.batch)
            .order_by("-line")
            .values_list("connection_id", "invoice_key", "line")
        }
        for checked in keyed:
            key = (checked.connection.pk, checked.invoice_key)
            number = checked.invoice.first.get("invoiceNumber")
            if key in taken:
                checked.add(
                    checked.invoice.row,
                    "invoiceNumber",
                    f"Invoice number {number} is already used on this connection.",
                )
            elif key in earlier:
                checked.add(
                    checked.invoice.row,
                    "invoiceNumber",
                    f"Invoice number {number} appears again (first at row {earlier[key]}); the "
                    "rows of one invoice must be consecutive.",
                )
            else:
                earlier[key] = checked.invoice.row


def collect_garbage() -> None:
    """Free what a batch left in reference cycles. DRF serializers and their fields point at
    each other (``field.parent``), so each row's input leaves a cycle that only the cyclic
    collector frees, and objects that live through a batch are collected rarely: without this,
    a pass's memory would grow with the file until a full collection happens to run."""
    gc.collect()


def validate(batch: Import, binary, *, progress: Callable[[int], None]) -> tuple[int, int]:
    """Check every invoice of ``binary``; keep each one's row and problems. Returns
    (payables to create, problems found). Runs in the caller's transaction."""
    ImportProblem.objects.filter(batch=batch).delete()
    ImportRow.objects.filter(batch=batch).delete()
    validator = Validator(batch)
    payables = problems = processed = 0
    pending: list[Checked] = []

    def flush() -> None:
        nonlocal payables, problems, processed
        validator.duplicates(pending)
        ImportRow.objects.bulk_create(
            ImportRow(
                batch=batch,
                line=c.invoice.row,
                row_count=len(c.invoice.records),
                connection=c.connection,
                invoice_key=c.invoice_key,
                fields=(c.fields or {}) if not c.problems else {},
            )
            for c in pending
        )
        found = [p for c in pending for p in c.problems]
        ImportProblem.objects.bulk_create(
            ImportProblem(batch=batch, row=p.row, column=p.column, message=p.message) for p in found
        )
        payables += len(pending)
        problems += len(found)
        processed += sum(len(c.invoice.records) for c in pending)
        progress(processed)
        pending.clear()
        collect_garbage()

    for invoice in invoices(records(binary)):
        pending.append(validator.check(invoice))
        if len(pending) >= BATCH:
            flush()
    if pending:
        flush()
    return payables, problems
