"""JSON out of the payables endpoints (camelCase names with ``source=`` snake_case); the request
bodies are ``payables.inputs``."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.serializers import UserRefSerializer
from approvals.selectors import approval_overview
from approvals.serializers import ApprovalOverviewSerializer
from cleopay.core.money import MoneySerializerField
from payables.inputs import CustomFieldsField, QuantityField
from payables.models import (
    EventType,
    PayableStatus,
    PaymentMethod,
    PaymentStatus,
)


class BulkResultSerializer(serializers.Serializer):
    payableId = serializers.CharField()
    ok = serializers.BooleanField()
    status = serializers.CharField(required=False, help_text="The payable's status after it.")
    error = serializers.DictField(
        required=False,
        help_text="The error the single request would answer (type, message, errors, code).",
    )


class TagRefSerializer(serializers.Serializer):
    id = serializers.CharField()
    name = serializers.CharField()


class LineItemSerializer(serializers.Serializer):
    id = serializers.CharField()
    description = serializers.CharField()
    quantity = QuantityField()
    unitPrice = MoneySerializerField(source="unit_price")
    accountingCategory = serializers.CharField(source="accounting_category")
    customFields = CustomFieldsField(source="custom_fields")
    total = MoneySerializerField()


class AttachmentSerializer(serializers.Serializer):
    id = serializers.CharField(source="file.id")
    filename = serializers.CharField(source="file.original_filename")
    size = serializers.IntegerField(source="file.size")
    contentType = serializers.CharField(source="file.content_type")


class PaymentSerializer(serializers.Serializer):
    id = serializers.CharField()
    amount = MoneySerializerField()
    method = serializers.ChoiceField(choices=PaymentMethod.choices)
    reference = serializers.CharField(
        source="rail_reference",
        allow_null=True,
        help_text="The rail's reference, or the payer's for a payment made outside.",
    )
    date = serializers.DateField(source="scheduled_for", help_text="The payment's date.")
    scheduledFor = serializers.DateField(source="scheduled_for")
    status = serializers.ChoiceField(choices=PaymentStatus.choices)
    completedAt = serializers.DateTimeField(source="completed_at", allow_null=True)
    failureReason = serializers.CharField(source="failure_reason", allow_null=True)
    createdAt = serializers.DateTimeField(source="created_at")

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["failureReason"] = data["failureReason"] or None
        data["reference"] = data["reference"] or None
        return data


AMOUNT_PAID_HELP = "The sum of the completed payments."
AMOUNT_CREDITED_HELP = "The sum of the credits applied to it."
AMOUNT_DUE_HELP = "What is left to pay: amount - amountPaid - amountCredited."


def _viewer(serializer) -> str:
    return serializer.context["business_id"]


class PossibleDuplicateSerializer(serializers.Serializer):
    payableId = serializers.CharField(help_text="The other bill of the same connection.")
    invoiceNumber = serializers.CharField(help_text="Its invoice number.")
    reason = serializers.ChoiceField(
        choices=["invoice_number", "amount_and_due_date", "attachment"],
        help_text="invoice_number: the same letters and digits (leading zeros aside); "
        "amount_and_due_date: the same amount and due date, submitted in the last 90 days; "
        "attachment: an attached file with the same content.",
    )


class PayableSerializer(serializers.Serializer):
    """A payable as one side sees it (``context["business_id"]``): its tags, and the approval
    for the payer only."""

    id = serializers.CharField()
    status = serializers.ChoiceField(choices=PayableStatus.choices)
    createdAt = serializers.DateTimeField(source="created_at")
    connectionId = serializers.CharField(source="connection_id")
    payeeBusinessId = serializers.CharField(source="payee_id")
    payerBusinessId = serializers.CharField(source="payer_id")
    amount = MoneySerializerField()
    amountPaid = MoneySerializerField(source="amount_paid", help_text=AMOUNT_PAID_HELP)
    amountCredited = MoneySerializerField(source="amount_credited", help_text=AMOUNT_CREDITED_HELP)
    amountDue = MoneySerializerField(source="amount_due", help_text=AMOUNT_DUE_HELP)
    currency = serializers.CharField()
    issueDate = serializers.DateField(source="issue_date")
    dueDate = serializers.DateField(source="due_date")
    invoiceNumber = serializers.CharField(source="invoice_number")
    memo = serializers.CharField()
    lineItems = LineItemSerializer(source="line_items.all", many=True)
    attachments = AttachmentSerializer(source="attachment_links.all", many=True)
    tags = serializers.SerializerMethodField()
    customFields = CustomFieldsField(source="custom_fields")
    approval = serializers.SerializerMethodField()
    possibleDuplicates = PossibleDuplicateSerializer(
        source="possible_duplicates",
        many=True,
        required=False,
        help_text="The payer's only (the key is absent for the payee): other bills of the "
        "connection this one may repeat; empty once cleared (POST .../not-duplicate).",
    )
    payments = PaymentSerializer(source="payments.all", many=True)
    declineReason = serializers.CharField(source="decline_reason", allow_null=True)
    cancelReason = serializers.CharField(source="cancel_reason", allow_null=True)
    submittedAt = serializers.DateTimeField(source="submitted_at", allow_null=True)
    updatedAt = serializers.DateTimeField(source="updated_at")

    def get_tags(self, obj) -> list[dict]:
        links = getattr(obj, "viewer_tag_links", None)
        if links is None:
            links = [link for link in obj.tag_links.all() if link.tag.business_id == _viewer(self)]
        return TagRefSerializer([link.tag for link in links], many=True).data

    @extend_schema_field(ApprovalOverviewSerializer(allow_null=True))
    def get_approval(self, obj) -> dict | None:
        """The payer's review (null for the payee, who does not see it, and before submission)."""
        if _viewer(self) != obj.payer_id or not obj.approval_status:
            return None
        return ApprovalOverviewSerializer(approval_overview(payable=obj)).data

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["declineReason"] = data["declineReason"] or None
        data["cancelReason"] = data["cancelReason"] or None
        if _viewer(self) != instance.payer_id:
            del data["possibleDuplicates"]  # the payer's warning: the payee never sees it
        return data


class PayableListItemSerializer(serializers.Serializer):
    """A lighter row for lists: no line items, attachments or payments."""

    id = serializers.CharField()
    status = serializers.ChoiceField(choices=PayableStatus.choices)
    direction = serializers.SerializerMethodField()
    amount = MoneySerializerField()
    amountPaid = MoneySerializerField(source="amount_paid", help_text=AMOUNT_PAID_HELP)
    amountCredited = MoneySerializerField(source="amount_credited", help_text=AMOUNT_CREDITED_HELP)
    amountDue = MoneySerializerField(source="amount_due", help_text=AMOUNT_DUE_HELP)
    currency = serializers.CharField()
    issueDate = serializers.DateField(source="issue_date")
    dueDate = serializers.DateField(source="due_date")
    invoiceNumber = serializers.CharField(source="invoice_number")
    memo = serializers.CharField()
    connectionId = serializers.CharField(source="connection_id")
    payeeBusinessId = serializers.CharField(source="payee_id")
    payeeBusinessName = serializers.CharField(source="payee.name")
    payerBusinessId = serializers.CharField(source="payer_id")
    payerBusinessName = serializers.CharField(source="payer.name")
    tags = serializers.SerializerMethodField()
    createdAt = serializers.DateTimeField(source="created_at")
    submittedAt = serializers.DateTimeField(source="submitted_at", allow_null=True)
    updatedAt = serializers.DateTimeField(source="updated_at")

    def get_direction(self, obj) -> str:
        """``outgoing`` when the listing business is the payee, ``incoming`` when it pays."""
        return "outgoing" if obj.payee_id == _viewer(self) else "incoming"

    def get_tags(self, obj) -> list[dict]:
        return TagRefSerializer([link.tag for link in obj.viewer_tag_links], many=True).data


@extend_schema_field(
    {
        "type": "array",
        "nullable": True,
        "items": {
            "type": "object",
            "required": ["field", "from", "to"],
            "properties": {
                "field": {"type": "string", "example": "amount"},
                "from": {"nullable": True, "example": 100.00},
                "to": {"nullable": True, "example": 120.00},
            },
        },
    }
)
class EventChangesField(serializers.Field):
    """``[{"field", "from", "to"}]`` as the event stored it (output only)."""

    def to_representation(self, value):
        return value


class PayableEventSerializer(serializers.Serializer):
    id = serializers.CharField()
    type = serializers.ChoiceField(choices=EventType.choices)
    actor = UserRefSerializer(
        source="shown_actor",
        allow_null=True,
        help_text="Who did it; null for the system, and for the other side's people when the "
        "payee reads the payer's events.",
    )
    businessId = serializers.CharField(source="business_id")
    fromStatus = serializers.CharField(source="from_status", allow_null=True)
    toStatus = serializers.CharField(source="to_status")
    note = serializers.CharField(source="shown_note")
    changes = EventChangesField(
        allow_null=True,
        help_text="An edit's fields with their old and new values; null for other events.",
    )
    createdAt = serializers.DateTimeField(source="created_at")
