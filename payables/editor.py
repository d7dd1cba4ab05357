"""
The invoice editor's form: what the page shows and posts, and its translation to the API's body.

The editor is a form around ``payable_create`` / ``payable_update``. Its inputs carry the API's
names (``invoiceNumber``, ``dueDate``, ``customFields.po_number``), and line items are parallel
lists (``description``, ``quantity``, ``unitPrice``, ``accountingCategory``,
``lineItems.customFields.<key>``), one entry per row in page order, so rows can be added and
removed in the browser without renumbering anything. ``payload()`` builds the body the API
would receive and the views run it through the API's own input serializer, so an error comes
back named like the API names it (``lineItems[2].unitPrice``) and lands beside its input.

Nothing here decides what is valid: quantities, prices, required custom fields and totals are
checked by the serializer and the services. The editor only drops rows left entirely blank, and
asks for at least one line: it has no amount input, the amount is the lines' total.
"""

import re
import secrets
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from approvals.models import CustomFieldScope, CustomFieldType
from cleopay.core.money import quantize
from cleopay.core.web import Problems

LINE_FIELDS = ("description", "quantity", "unitPrice", "accountingCategory")
LINE_CUSTOM_PREFIX = "lineItems.customFields."
CUSTOM_PREFIX = "customFields."
BOOLEAN_CHOICES = [("", "—"), ("true", "Yes"), ("false", "No")]


def _text(value, *, separator: str = "\n") -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):  # a multi_select's choices: one per line, or "a, b" in a cell
        return separator.join(str(v) for v in value)
    return str(value)


def _quantity_text(quantity: Decimal) -> str:
    """12.5000 → "12.5", 10.0000 → "10" (as the API renders a quantity)."""
    if quantity == quantity.to_integral_value():
        return str(quantity.quantize(Decimal(1)))
    return str(quantity.normalize())


# "1,234.56": a number as people type it, grouped by thousands with commas.
_GROUPED_NUMBER = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d*)?")


def typed_number(text: str) -> str:
    """A number typed in the editor as the API takes it: "1,234.56" → "1234.56". Only well
    grouped commas are dropped ("1,23" stays, and is refused); the API itself stays strict."""
    text = (text or "").strip()
    if _GROUPED_NUMBER.fullmatch(text):
        return text.replace(",", "")
    return text


def _line_total(quantity: str, unit_price: str) -> Decimal | None:
    """The line's total for display, rounded as the services round it (None if not numbers)."""
    try:
        return quantize(Decimal(typed_number(quantity)) * Decimal(typed_number(unit_price)))
    except (InvalidOperation, ValueError, AttributeError):
        return None


def custom_value(definition, raw: str):
    """A custom field's input as the API takes it: booleans as JSON booleans, the rest as text
    (numbers and dates too: the API parses them). None for an empty input (not sent)."""
    raw = (raw or "").strip()
    if not raw:
        return None
    if definition.type == CustomFieldType.BOOLEAN:
        return {"true": True, "false": False}.get(raw, raw)
    if definition.type == CustomFieldType.MULTI_SELECT:
        return [part.strip() for part in re.split(r"[\n,]", raw) if part.strip()]
    return raw


@dataclass
class LineRow:
    description: str = ""
    quantity: str = "1"
    unitPrice: str = ""
    accountingCategory: str = ""
    custom: dict[str, str] = field(default_factory=dict)
    errors: dict[str, list[str]] = field(default_factory=dict)
    key: str = field(default_factory=lambda: secrets.token_hex(4))

    @property
    def total(self) -> Decimal | None:
        return _line_total(self.quantity, self.unitPrice)

    def is_blank(self) -> bool:
        return not any(
            value.strip() for value in (self.description, self.unitPrice, self.accountingCategory)
        ) and not any(value.strip() for value in self.custom.values())


@dataclass
class EditorForm:
    connectionId: str = ""
    invoiceNumber: str = ""
    dueDate: str = ""
    memo: str = ""
    # The prefilled values the page showed: left as they are, the service computes them.
    suggestedNumber: str = ""
    suggestedDueDate: str = ""
    lines: list[LineRow] = field(default_factory=list)
    custom: dict[str, str] = field(default_factory=dict)
    attachment_ids: list[str] = field(default_factory=list)
    # Custom field values the page does not show (retired definitions), kept as they are.
    hidden_custom: dict = field(default_factory=dict)

    @property
    def total(self) -> Decimal:
        """The lines' total as far as they are numbers (display only; the service computes)."""
        return sum((line.total for line in self.lines if line.total is not None), Decimal("0.00"))

    # --- building -----------------------------------------------------------------------------
    @classmethod
    def blank(cls, *, connection_id: str = "", defaults: dict | None = None) -> "EditorForm":
        form = cls(connectionId=connection_id, lines=[LineRow()])
        if defaults:
            form.apply_defaults(defaults)
        return form

    def apply_defaults(self, defaults: dict) -> None:
        """Prefill number and due date, unless the user typed their own."""
        number, due = defaults["invoice_number"], defaults["due_date"].isoformat()
        if self.invoiceNumber.strip() in ("", self.suggestedNumber):
            self.invoiceNumber = number
        if self.dueDate.strip() in ("", self.suggestedDueDate):
            self.dueDate = due
        self.suggestedNumber, self.suggestedDueDate = number, due

    @classmethod
    def from_payable(cls, payable, *, shown_keys: set[str]) -> "EditorForm":
        lines = [
            LineRow(
                description=line.description,
                quantity=_quantity_text(line.quantity),
                unitPrice=_text(line.unit_price),
                accountingCategory=line.accounting_category,
                custom={
                    key: _text(value, separator=", ")
                    for key, value in (line.custom_fields or {}).items()
                },
            )
            for line in payable.line_items.all()
        ]
        values = payable.custom_fields or {}
        return cls(
            connectionId=payable.connection_id,
            invoiceNumber=payable.invoice_number,
            dueDate=payable.due_date.isoformat(),
            memo=payable.memo,
            lines=lines or [LineRow()],
            custom={key: _text(value) for key, value in values.items() if key in shown_keys},
            hidden_custom={key: value for key, value in values.items() if key not in shown_keys},
            attachment_ids=[link.file_id for link in payable.attachment_links.all()],
        )

    @classmethod
    def from_post(cls, post, *, line_keys: list[str], payable_keys: list[str]) -> "EditorForm":
        columns = {name: post.getlist(name) for name in LINE_FIELDS}
        custom_columns = {key: post.getlist(LINE_CUSTOM_PREFIX + key) for key in line_keys}
        count = max((len(values) for values in columns.values()), default=0)

        def cell(values: list[str], index: int) -> str:
            return values[index] if index < len(values) else ""

        lines = [
            LineRow(
                description=cell(columns["description"], i),
                quantity=cell(columns["quantity"], i),
                unitPrice=cell(columns["unitPrice"], i),
                accountingCategory=cell(columns["accountingCategory"], i),
                custom={key: cell(values, i) for key, values in custom_columns.items()},
            )
            for i in range(count)
        ]
        return cls(
            connectionId=post.get("connectionId", ""),
            invoiceNumber=post.get("invoiceNumber", ""),
            dueDate=post.get("dueDate", ""),
            memo=post.get("memo", ""),
            suggestedNumber=post.get("suggestedNumber", ""),
            suggestedDueDate=post.get("suggestedDueDate", ""),
            lines=lines,
            # getlist: a multi_select posts one value per chosen option.
            custom={key: "\n".join(post.getlist(CUSTOM_PREFIX + key)) for key in payable_keys},
            attachment_ids=list(dict.fromkeys(post.getlist("attachments"))),
        )

    # --- the API body -------------------------------------------------------------------------
    def payload(self, *, definitions, creating: bool, problems: Problems) -> dict:
        """The API's body for this form; blank rows dropped (``self.lines`` keeps the rest, in
        the order sent, so errors by index land on the right row)."""
        by_key = {d.key: d for d in definitions}
        self.lines = [line for line in self.lines if not line.is_blank()]
        if not self.lines:
            problems.add("lineItems", "Add at least one line item.")
        line_items = []
        for line in self.lines:
            item = {
                "description": line.description.strip(),
                "quantity": typed_number(line.quantity),
                "unitPrice": typed_number(line.unitPrice),
                "accountingCategory": line.accountingCategory.strip(),
            }
            values = {
                key: custom_value(by_key[key], raw)
                for key, raw in line.custom.items()
                if key in by_key
            }
            values = {key: value for key, value in values.items() if value is not None}
            if values:
                item["customFields"] = values
            line_items.append(item)

        custom = dict(self.hidden_custom)
        for key, raw in self.custom.items():
            value = custom_value(by_key[key], raw) if key in by_key else raw or None
            if value is not None:
                custom[key] = value

        body = {
            "memo": self.memo,
            "lineItems": line_items,
            "attachments": self.attachment_ids,
            "customFields": custom,
        }
        number = self.invoiceNumber.strip()
        if number and not (creating and number == self.suggestedNumber):
            body["invoiceNumber"] = number
        due = self.dueDate.strip()
        if due and not (creating and due == self.suggestedDueDate):
            body["dueDate"] = due
        if creating:
            body["connectionId"] = self.connectionId
        return body

    def spread_errors(self, problems: Problems, *, known_custom: set[str]) -> None:
        """Give each row its errors; anything the page has no place for goes to the top."""
        for index, line in enumerate(self.lines):
            line.errors = problems.under(f"lineItems[{index}].")
            for message in problems.of(f"lineItems[{index}]"):
                line.errors.setdefault("", []).append(message)

        def shown(name: str) -> bool:
            if name in ("connectionId", "invoiceNumber", "dueDate", "memo", "lineItems"):
                return True
            if name in ("amount", "attachments", "file", "customFields"):
                return True
            if name.startswith("attachments["):
                return True
            if name.startswith(CUSTOM_PREFIX):
                return name[len(CUSTOM_PREFIX) :] in known_custom
            if name.startswith("lineItems["):
                index = name[len("lineItems[") :].split("]", 1)[0]
                return index.isdigit() and int(index) < len(self.lines)
            return False

        problems.move_unknown_to_general(shown)


def split_definitions(definitions):
    """The payer's active custom fields: (on the payable, on each line item)."""
    payable = [d for d in definitions if d.scope == CustomFieldScope.PAYABLE]
    line = [d for d in definitions if d.scope == CustomFieldScope.LINE_ITEM]
    return payable, line
