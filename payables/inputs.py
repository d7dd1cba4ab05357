"""Request bodies of the payables endpoints and pages (camelCase names with ``source=``
snake_case), the limits they hold and the fields they share with ``payables.serializers``."""

from decimal import Decimal

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from cleopay.core.api.fields import (
    PlausibleDateField,
    PublicIdField,
    StrictBooleanField,
    StrictCharField,
)
from cleopay.core.invoice_numbers import invoice_number_problem
from cleopay.core.money import ExactDecimalField, MoneySerializerField
from payables.models import (
    QUANTITY_DECIMAL_PLACES,
    QUANTITY_MAX_DIGITS,
    PaymentMethod,
)

MAX_LINE_ITEMS = 500
MAX_ATTACHMENTS = 20
MAX_TAGS = 50
MAX_CUSTOM_FIELDS = 50
MAX_CUSTOM_KEY_LENGTH = 100
MAX_CUSTOM_TEXT_LENGTH = 2000
MAX_CUSTOM_CHOICES = 200
MAX_MEMO_LENGTH = 5000
MAX_REASON_LENGTH = 2000
MAX_PAYMENT_REFERENCE_LENGTH = 200
# Custom field numbers: 64-bit integers, decimals within 30 orders of magnitude.
MAX_CUSTOM_INT = 2**63 - 1
MAX_CUSTOM_EXPONENT = 30
DUE_BEFORE_ISSUE = "Must be on or after the issue date."


# --- fields ----------------------------------------------------------------------------------------


class QuantityField(ExactDecimalField):
    """A positive quantity with at most 4 decimals; rendered without trailing zeros (12.5, 10)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_digits", QUANTITY_MAX_DIGITS)
        kwargs.setdefault("decimal_places", QUANTITY_DECIMAL_PLACES)
        kwargs.setdefault("min_value", Decimal("0.0001"))
        kwargs["error_messages"] = {
            "min_value": "Enter a quantity greater than 0.",
            **kwargs.get("error_messages", {}),
        }
        super().__init__(**kwargs)

    def to_representation(self, value):
        value = Decimal(value)
        if value == value.to_integral_value():
            return value.quantize(Decimal(1))
        return value.normalize()


@extend_schema_field(
    {
        "type": "object",
        "additionalProperties": {
            "nullable": True,
            "oneOf": [
                {"type": "string"},
                {"type": "number"},
                {"type": "boolean"},
                {"type": "array", "items": {"type": "string"}, "maxItems": MAX_CUSTOM_CHOICES},
            ],
        },
        "example": {"poNumber": "PO-1042", "costCenter": 310, "regions": ["EU", "US"]},
    }
)
class CustomFieldsField(serializers.Field):
    """A JSON object of key → string, number, boolean, list of strings (a ``multi_select``) or
    null: the shape only. The payables services check the values against the payer's
    definitions (``approvals.field_values``)."""

    default_error_messages = {
        "not_object": "Must be a JSON object of key → value.",
        "too_many": f"At most {MAX_CUSTOM_FIELDS} custom fields.",
        "bad_key": f"Keys must be 1 to {MAX_CUSTOM_KEY_LENGTH} characters.",
        "bad_value": "{name}: a value must be a string, number, boolean, list of strings or null.",
        "too_long": f"{{name}}: text may not exceed {MAX_CUSTOM_TEXT_LENGTH} characters.",
        "nul": "{name}: text may not contain NUL characters.",
        "number_range": "{name}: the number is out of range.",
    }

    def to_internal_value(self, data):
        if not isinstance(data, dict):
            self.fail("not_object")
        if len(data) > MAX_CUSTOM_FIELDS:
            self.fail("too_many")
        for key, value in data.items():
            if not key or len(key) > MAX_CUSTOM_KEY_LENGTH or "\x00" in key:
                self.fail("bad_key")
            if isinstance(value, str):
                if len(value) > MAX_CUSTOM_TEXT_LENGTH:
                    self.fail("too_long", name=key)
                if "\x00" in value:
                    self.fail("nul", name=key)
            elif isinstance(value, bool) or value is None:
                continue
            elif isinstance(value, list):
                if len(value) > MAX_CUSTOM_CHOICES or not all(
                    isinstance(v, str) and len(v) <= MAX_CUSTOM_TEXT_LENGTH and "\x00" not in v
                    for v in value
                ):
                    self.fail("bad_value", name=key)
            elif isinstance(value, int):
                if abs(value) > MAX_CUSTOM_INT:
                    self.fail("number_range", name=key)
            elif isinstance(value, Decimal):
                if not value.is_finite() or (value and abs(value.adjusted()) > MAX_CUSTOM_EXPONENT):
                    self.fail("number_range", name=key)
            else:
                self.fail("bad_value", name=key)
        return data

    def to_representation(self, value):
        return value or {}


def _id_list(prefix: str, max_length: int, **kwargs) -> serializers.ListField:
    return serializers.ListField(
        child=PublicIdField(prefix=prefix), required=False, max_length=max_length, **kwargs
    )


# --- input -----------------------------------------------------------------------------------------
class LineItemInput(serializers.Serializer):
    description = StrictCharField(max_length=500)
    quantity = QuantityField()
    unitPrice = MoneySerializerField(source="unit_price", min_value=Decimal("0.00"))
    accountingCategory = StrictCharField(
        source="accounting_category", max_length=100, required=False, allow_blank=True
    )
    customFields = CustomFieldsField(source="custom_fields", required=False)


class InvoiceNumberField(StrictCharField):
    """An invoice number: no control or format characters (``cleopay.core.invoice_numbers``)."""

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        problem = invoice_number_problem(value)
        if problem:
            raise serializers.ValidationError(problem)
        return value


class PayableWriteInput(serializers.Serializer):
    """What the payee may set on a payable (all optional; create adds its own requirements)."""

    amount = MoneySerializerField(min_value=Decimal("0.01"), required=False)
    issueDate = PlausibleDateField(source="issue_date", required=False)
    dueDate = PlausibleDateField(
        source="due_date",
        required=False,
        help_text="On or after issueDate when both are given; a past date is accepted.",
    )
    invoiceNumber = InvoiceNumberField(source="invoice_number", max_length=64, required=False)
    memo = StrictCharField(max_length=MAX_MEMO_LENGTH, required=False, allow_blank=True)
    lineItems = LineItemInput(
        many=True, required=False, source="line_items", max_length=MAX_LINE_ITEMS
    )
    attachments = _id_list("file", MAX_ATTACHMENTS)
    tagIds = _id_list("tag", MAX_TAGS, source="tag_ids")
    customFields = CustomFieldsField(source="custom_fields", required=False)

    def validate(self, attrs):
        issue, due = attrs.get("issue_date"), attrs.get("due_date")
        if issue is not None and due is not None and due < issue:
            raise serializers.ValidationError({"dueDate": DUE_BEFORE_ISSUE})
        return attrs


class PayableCreateInput(PayableWriteInput):
    connectionId = PublicIdField(prefix="conn", source="connection_id")
    submit = StrictBooleanField(
        required=False,
        default=False,
        error_messages={"invalid": "Must be a JSON boolean (true or false)."},
    )


class PayableUpdateInput(PayableWriteInput):
    # Accepted so a client may send back what it read; changing it is refused.
    connectionId = PublicIdField(prefix="conn", source="connection_id", required=False)


class DeclineInput(serializers.Serializer):
    reason = StrictCharField(max_length=MAX_REASON_LENGTH)


class CancelInput(serializers.Serializer):
    reason = StrictCharField(max_length=MAX_REASON_LENGTH, required=False, allow_blank=True)
    businessId = PublicIdField(
        prefix="biz",
        source="business_id",
        required=False,
        help_text="For a member of both sides: the business to cancel for.",
    )


class ScheduleInput(serializers.Serializer):
    date = PlausibleDateField(
        help_text="The payment date (today or later, UTC; at most 2100-12-31)."
    )
    amount = MoneySerializerField(
        required=False,
        help_text="Part of the amount due to schedule (0 < amount ≤ amountDue); all of it when "
        "left out.",
    )


class BulkInput(serializers.Serializer):
    action = serializers.ChoiceField(choices=["approve", "schedule", "pay"])
    payableIds = serializers.ListField(
        child=StrictCharField(max_length=64),
        allow_empty=False,
        max_length=200,
        help_text="At most 200 payables of this business (it pays them).",
    )
    date = PlausibleDateField(
        required=False, help_text="The payment date: required to schedule, unused otherwise."
    )

    def validate(self, attrs):
        if attrs["action"] == "schedule" and attrs.get("date") is None:
            raise serializers.ValidationError({"date": "Required to schedule."})
        return attrs


class PayInput(serializers.Serializer):
    amount = MoneySerializerField(
        required=False,
        help_text="How much to pay (0 < amount ≤ amountDue); all that is due when left out.",
    )
    method = serializers.ChoiceField(
        choices=PaymentMethod.choices,
        default=PaymentMethod.ACH,
        help_text="`ach` pays through Cleo Pay's rail now; `check`, `wire`, `card` and `other` "
        "record a payment made outside Cleo Pay, completed at once.",
    )
    reference = StrictCharField(
        max_length=MAX_PAYMENT_REFERENCE_LENGTH,
        required=False,
        allow_blank=True,
        default="",
        help_text="The check number or wire reference (payments made outside only).",
    )
    date = PlausibleDateField(
        required=False,
        help_text="When a payment made outside was paid (today or earlier; today when left "
        "out). An ACH payment is made today.",
    )


class PayableTagsInput(serializers.Serializer):
    tagIds = serializers.ListField(
        child=PublicIdField(prefix="tag"), max_length=MAX_TAGS, source="tag_ids"
    )
    businessId = PublicIdField(
        prefix="biz",
        source="business_id",
        required=False,
        help_text="For a member of both sides: whose tags these are.",
    )
