from rest_framework import serializers

from banking.models import AccountPurpose, AccountType
from cleopay.core.api.fields import DateInputField, PublicIdField, StrictCharField
from cleopay.core.money import MoneySerializerField

MAX_RUN_ITEMS = 200


class BankAccountCreateInput(serializers.Serializer):
    name = StrictCharField(max_length=100)
    routingNumber = StrictCharField(max_length=9, help_text="9 digits passing the ABA checksum.")
    accountNumber = StrictCharField(
        max_length=17, help_text="4 to 17 digits; stored encrypted, never returned."
    )
    accountType = serializers.ChoiceField(choices=AccountType.choices)


class BankAccountUpdateInput(serializers.Serializer):
    name = StrictCharField(max_length=100, required=False)
    defaultFor = serializers.ChoiceField(
        choices=AccountPurpose.choices,
        required=False,
        allow_null=True,
        help_text="Make this verified account the default for paying or receiving (null: none).",
    )


class BankAccountVerifyInput(serializers.Serializer):
    amounts = serializers.ListField(
        child=MoneySerializerField(),
        min_length=2,
        max_length=2,
        help_text="The two micro-deposits, in dollars (the sandbox rail sends 0.32 and 0.45).",
    )


class BankAccountSerializer(serializers.Serializer):
    id = serializers.CharField()
    businessId = serializers.CharField(source="business_id")
    name = serializers.CharField()
    routingNumber = serializers.CharField(source="routing_number")
    accountNumberLast4 = serializers.CharField(source="account_number_last4")
    accountType = serializers.CharField(source="account_type")
    status = serializers.CharField(help_text="pending_verification, verified or locked.")
    defaultFor = serializers.CharField(source="default_for", allow_null=True)
    verificationAttemptsLeft = serializers.IntegerField(source="attempts_left")
    createdAt = serializers.DateTimeField(source="created_at")
    verifiedAt = serializers.DateTimeField(source="verified_at")


class BankAccountEventSerializer(serializers.Serializer):
    bankAccountId = serializers.CharField(source="bank_account_id")
    type = serializers.CharField()
    note = serializers.CharField()
    actorId = serializers.CharField(source="actor_id", allow_null=True)
    createdAt = serializers.DateTimeField(source="created_at")


class PaymentRunCreateInput(serializers.Serializer):
    payableIds = serializers.ListField(
        child=PublicIdField(prefix="pay"), min_length=1, max_length=MAX_RUN_ITEMS
    )
    date = DateInputField(help_text="When the run's payments are made (today or later).")
    fundingAccountId = PublicIdField(
        prefix="bank",
        required=False,
        help_text="A verified account of the payer (its default for paying when left out).",
    )


class AccountRefSerializer(serializers.Serializer):
    id = serializers.CharField()
    name = serializers.CharField()
    accountNumberLast4 = serializers.CharField(source="account_number_last4")


class ReceivingAccountSerializer(serializers.Serializer):
    """The payee's account as the payer sees it: its last four digits, nothing else."""

    accountNumberLast4 = serializers.CharField(source="account_number_last4")


class PaymentRunItemSerializer(serializers.Serializer):
    payableId = serializers.CharField(source="payable_id")
    paymentId = serializers.CharField(source="payment_id")
    invoiceNumber = serializers.CharField(source="payable.invoice_number")
    payeeBusinessId = serializers.CharField(source="payable.payee_id")
    payeeName = serializers.CharField(source="payable.payee.name")
    amount = MoneySerializerField()
    paymentStatus = serializers.CharField(source="payment.status")
    receivingAccount = ReceivingAccountSerializer(source="receiving_account", allow_null=True)


class PaymentRunSerializer(serializers.Serializer):
    id = serializers.CharField()
    payerBusinessId = serializers.CharField(source="payer_id")
    date = serializers.DateField(source="scheduled_for")
    total = MoneySerializerField()
    itemCount = serializers.IntegerField(source="item_count")
    settlement = serializers.CharField(help_text="rail or bank_file.")
    status = serializers.CharField(help_text="scheduled or sent.")
    fundingAccount = AccountRefSerializer(source="funding_account", allow_null=True)
    createdAt = serializers.DateTimeField(source="created_at")
    sentAt = serializers.DateTimeField(source="sent_at")


class PaymentRunDetailSerializer(PaymentRunSerializer):
    items = PaymentRunItemSerializer(many=True, source="item_list")


def payment_bank_accounts_body(named) -> dict:
    """``selectors.payment_bank_accounts`` as the API answers it: the viewer's own account with
    its ID and name, the other business's by its last four digits only."""

    def account(found):
        if found is None:
            return None
        if found.business_id == named.viewer_business_id:
            return AccountRefSerializer(found).data
        return ReceivingAccountSerializer(found).data

    return {
        "paymentId": named.payment_id,
        "payableId": named.payable_id,
        "fundingAccount": account(named.funding_account),
        "receivingAccount": account(named.receiving_account),
    }


class PaymentBankAccountsSerializer(serializers.Serializer):
    """For the schema: ``payment_bank_accounts_body`` writes the response."""

    paymentId = serializers.CharField()
    payableId = serializers.CharField()
    fundingAccount = AccountRefSerializer(
        allow_null=True,
        help_text="The payer's account paid from: id, name and accountNumberLast4 for the "
        "payer, accountNumberLast4 alone for the payee.",
    )
    receivingAccount = AccountRefSerializer(
        allow_null=True,
        help_text="The payee's account paid into: id, name and accountNumberLast4 for the "
        "payee, accountNumberLast4 alone for the payer.",
    )
