from rest_framework import serializers

from cleopay.core.api.fields import StrictCharField
from cleopay.core.money import MoneySerializerField


class CreditCreateInput(serializers.Serializer):
    connectionId = StrictCharField(
        max_length=64, help_text="An active connection where this business is the payee."
    )
    amount = MoneySerializerField(help_text="The credit, in dollars (> 0, at most 2 decimals).")
    memo = StrictCharField(max_length=2000, required=False, allow_blank=True, default="")
    creditNumber = StrictCharField(max_length=100, required=False, allow_blank=True, default="")


class CreditApplyInput(serializers.Serializer):
    creditId = StrictCharField(
        max_length=64, help_text="An open credit of the payable's connection."
    )
    amount = MoneySerializerField(
        required=False,
        help_text="How much to apply; the smaller of the credit's remaining and the amount due "
        "when left out.",
    )


class CreditSerializer(serializers.Serializer):
    id = serializers.CharField()
    connectionId = serializers.CharField(source="connection_id")
    payeeBusinessId = serializers.CharField(source="payee_id")
    payerBusinessId = serializers.CharField(source="payer_id")
    amount = MoneySerializerField()
    remaining = MoneySerializerField(
        help_text="What may still be applied (0 once applied or void)."
    )
    status = serializers.CharField(help_text="open, applied or void.")
    memo = serializers.CharField()
    creditNumber = serializers.CharField(source="credit_number")
    createdAt = serializers.DateTimeField(source="created_at")
