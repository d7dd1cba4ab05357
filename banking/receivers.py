"""
The bank accounts a new payment names (CONTRACT §8: "a payment names the payer's funding
account and the payee's receiving account when the businesses have them").

Payables sits below banking and cannot ask for bank accounts, so banking listens: when an ACH
payment is created, this receiver records the payer's verified default for paying and the
payee's verified default for receiving (``PaymentAccounts``), in the payment's own transaction,
so a payment never exists without the row it should have. A payment made outside Cleo Pay
(check, wire, card, other) moves no money through a bank account and names none.

The accounts are locked while they are read (``select_for_update``): a deletion
(``banking.services.bank_account_delete``, which locks the account, then looks for payments
using it) either waits and then sees this payment, or has committed and the account is no
longer a default. Lock order: the payable (the service creating the payment holds it), then
the two businesses' default accounts in business ID order.
"""

from django.db import transaction

from banking.models import AccountPurpose, BankAccount, BankAccountStatus, PaymentAccounts


def _default(business_id: str, purpose: str) -> BankAccount | None:
    return (
        BankAccount.objects.select_for_update(of=("self",))
        .filter(
            business_id=business_id,
            deleted_at__isnull=True,
            default_for=purpose,
            status=BankAccountStatus.VERIFIED,
        )
        .first()
    )


def payment_created(sender, instance, created: bool, raw: bool = False, **kwargs) -> None:
    """``post_save`` of ``payables.Payment``: a new ACH payment names its bank accounts."""
    from payables.models import Payable, PaymentMethod

    if not created or raw or instance.method != PaymentMethod.ACH:
        return
    payer_id, payee_id = Payable.objects.values_list("payer_id", "payee_id").get(
        pk=instance.payable_id
    )
    with transaction.atomic():
        # The payer's and the payee's, in business ID order (one order for every payment).
        found = {}
        for business_id, purpose in sorted(
            [(payer_id, AccountPurpose.PAYING), (payee_id, AccountPurpose.RECEIVING)]
        ):
            found[purpose] = _default(business_id, purpose)
        if found[AccountPurpose.PAYING] or found[AccountPurpose.RECEIVING]:
            PaymentAccounts.objects.create(
                payment_id=instance.pk,
                funding_account=found[AccountPurpose.PAYING],
                receiving_account=found[AccountPurpose.RECEIVING],
            )
