"""A payable's contents as the drafting services write them: line items and the amount they
make, invoice numbers, tags, attachments and custom field values."""

from datetime import date, timedelta
from decimal import Decimal

from django.db import IntegrityError

from approvals.field_values import payable_custom_fields_validate
from cleopay.core.errors import Conflict, ConflictCode, field_error
from cleopay.core.invoice_numbers import invoice_number_key
from cleopay.core.money import MAX_AMOUNT, quantize
from connections.models import Connection, Tag
from files.models import File
from payables.models import (
    LineItem,
    Payable,
    PayableAttachment,
    PayableTag,
)
from payables.services.base import INVOICE_NUMBER_CONSTRAINT


# --- line items, amounts, references ---------------------------------------------------------------
def priced_lines(line_items: list[dict]) -> list[LineItem]:
    """Unsaved line items with their totals (quantity x unit price, half-up to the cent)."""
    priced = []
    for index, line in enumerate(line_items):
        total = quantize(line["quantity"] * line["unit_price"])
        if total > MAX_AMOUNT:
            raise field_error(f"lineItems[{index}]", f"The line total may not exceed {MAX_AMOUNT}.")
        priced.append(
            LineItem(
                position=index + 1,
                description=line["description"],
                quantity=line["quantity"],
                unit_price=line["unit_price"],
                total=total,
                accounting_category=line.get("accounting_category", ""),
                custom_fields=line.get("custom_fields") or {},
            )
        )
    return priced


def reconcile_amount(*, amount: Decimal | None, lines: list[LineItem] | None) -> Decimal:
    """The payable's amount: given, or the lines' sum; both given, they must agree to the cent."""
    if lines:
        total = sum((line.total for line in lines), Decimal("0.00"))
        if total <= 0:
            raise field_error("lineItems", "The line items must add up to more than zero.")
        if total > MAX_AMOUNT:
            raise field_error("amount", f"The line items add up to more than {MAX_AMOUNT}.")
        if amount is not None and amount != total:
            raise field_error(
                "amount", f"Must equal the sum of the line items' totals ({total}), not {amount}."
            )
        return total
    if amount is None:
        raise field_error("amount", "This field is required when there are no line items.")
    return amount


def tags_of(*, business_id: str, tag_ids: list[str]) -> list[Tag]:
    """The business's own tags with these IDs, in the order a payable shows them (by name, as
    the database orders names); 400 naming any other."""
    wanted = list(dict.fromkeys(tag_ids))
    tags = list(Tag.objects.filter(business_id=business_id, pk__in=wanted).order_by("name", "id"))
    found = {tag.pk for tag in tags}
    missing = [tag_id for tag_id in wanted if tag_id not in found]
    if missing:
        raise field_error("tagIds", f"No tag of this business with ID {', '.join(missing)}.")
    return tags


def files_of(*, business_id: str, file_ids: list[str]) -> list[File]:
    """Files this business uploaded, in the order given; 400 naming any other."""
    wanted = list(dict.fromkeys(file_ids))
    found = {f.pk: f for f in File.objects.filter(business_id=business_id, pk__in=wanted)}
    missing = [file_id for file_id in wanted if file_id not in found]
    if missing:
        raise field_error(
            "attachments", f"No file uploaded by this business with ID {', '.join(missing)}."
        )
    return [found[file_id] for file_id in wanted]


def default_due_date(*, issue_date: date, net_terms: int | None) -> date:
    try:
        return issue_date + timedelta(days=net_terms or 0)
    except OverflowError:
        raise field_error("dueDate", "The connection's net terms give no valid due date.") from None


def is_invoice_number_clash(exc: IntegrityError) -> bool:
    # PostgreSQL names the constraint; SQLite names the columns of a plain unique constraint.
    message = str(exc)
    return INVOICE_NUMBER_CONSTRAINT in message or "payables_payable.invoice_key" in message


def duplicate_invoice_number(number: str) -> Conflict:
    return Conflict(
        f"Invoice number {number} is already used on this connection.",
        code=ConflictCode.DUPLICATE,
        field="invoiceNumber",
    )


def _format_invoice_number(n: int) -> str:
    return f"INV-{n:06d}"


def next_invoice_number(connection: Connection, *, after: int | None = None) -> tuple[str, int]:
    """The next free ``INV-000123`` of the connection (called under the connection's lock)."""
    n = (
        after + 1
        if after is not None
        else Payable.objects.filter(connection=connection).count() + 1
    )
    while Payable.objects.filter(
        connection=connection, invoice_key=invoice_number_key(_format_invoice_number(n))
    ).exists():
        n += 1
    return _format_invoice_number(n), n


# A new payable's lines, attachments and tags are added; an edit replaces them (the ``_replace``
# functions), which costs a delete first.
def add_lines(payable: Payable, lines: list[LineItem]) -> None:
    for line in lines:
        line.payable = payable
    LineItem.objects.bulk_create(lines)


def add_attachments(payable: Payable, files: list[File]) -> list[PayableAttachment]:
    return PayableAttachment.objects.bulk_create(
        [
            PayableAttachment(payable=payable, file=f, position=index + 1)
            for index, f in enumerate(files)
        ]
    )


def add_tags(payable: Payable, tags: list[Tag]) -> list[PayableTag]:
    return PayableTag.objects.bulk_create([PayableTag(payable=payable, tag=tag) for tag in tags])


def replace_lines(payable: Payable, lines: list[LineItem]) -> None:
    payable.line_items.all().delete()
    add_lines(payable, lines)


def replace_attachments(payable: Payable, files: list[File]) -> None:
    payable.attachment_links.all().delete()
    add_attachments(payable, files)


def replace_tags(payable: Payable, *, business_id: str, tags: list[Tag]) -> None:
    """Replace one side's tags; the other side's stay untouched."""
    PayableTag.objects.filter(payable=payable, tag__business_id=business_id).delete()
    add_tags(payable, tags)


def clean_custom_fields(
    *,
    payer_id: str,
    custom_fields: dict | None,
    line_items: list[dict] | None,
    require: bool,
) -> tuple[dict, list[dict] | None]:
    """The payable's and its lines' custom fields checked against the payer's definitions
    (types always; required fields with ``require``, i.e. on submit): the cleaned values, or a
    400 naming each bad field (``customFields.po``, ``lineItems[1].customFields.cost_center``)."""
    cleaned = payable_custom_fields_validate(
        payer_business_id=payer_id,
        custom_fields=custom_fields,
        line_items_custom_fields=[line.get("custom_fields") for line in line_items or []],
        require=require,
    )
    if line_items is None:
        return cleaned.payable, None
    lines = [
        {**line, "custom_fields": values}
        for line, values in zip(line_items, cleaned.line_items, strict=True)
    ]
    return cleaned.payable, lines


def require_custom_fields(payable: Payable) -> None:
    """Submit: the stored values must satisfy the payer's definitions, required ones included."""
    payable_custom_fields_validate(
        payer_business_id=payable.payer_id,
        custom_fields=payable.custom_fields,
        line_items_custom_fields=list(
            payable.line_items.order_by("position").values_list("custom_fields", flat=True)
        ),
        require=True,
    )
