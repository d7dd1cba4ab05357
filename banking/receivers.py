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
from django.db.models import Q

from banking.models import AccountPurpose, BankAccount, BankAccountStatus, PaymentAccounts


def _defaults(*, payer_id: str, payee_id: str) -> dict[str, BankAccount]:
    """The payer's default for paying and the payee's for receiving, locked, in one statement.

    PostgreSQL locks the rows as the ORDER BY hands them over, so the locks are taken in
    business ID order (one order for every payment), as two statements would take them.
    """
    rows = (
        BankAccount.objects.select_for_update(of=("self",))
        .filter(
            Q(business_id=payer_id, default_for=AccountPurpose.PAYING)
            | Q(business_id=payee_id, default_for=AccountPurpose.RECEIVING),
            deleted_at__isnull=True,
            status=BankAccountStatus.VERIFIED,
        )
        .order_by("business_id", "pk")
    )
    return {account.default_for: account for account in rows}


def payment_created(sender, instance, created: bool, raw: bool = False, **kwargs) -> None:
    """``post_save`` of ``payables.Payment``: a new ACH payment names its bank accounts."""
    from payables.models import Payable, PaymentMethod

    if not created or raw or instance.method != PaymentMethod.ACH:
        return
    if type(instance).payable.is_cached(instance):  # the service's locked payable, in hand
        payer_id, payee_id = instance.payable.payer_id, instance.payable.payee_id
    else:
        payer_id, payee_id = Payable.objects.values_list("payer_id", "payee_id").get(
            pk=instance.payable_id
        )
    # The payment's own transaction (no savepoint: a failure here fails the payment's creation).
    with transaction.atomic(savepoint=False):
        found = _defaults(payer_id=payer_id, payee_id=payee_id)
        if found:
            PaymentAccounts.objects.create(
                payment_id=instance.pk,
                funding_account=found.get(AccountPurpose.PAYING),
                receiving_account=found.get(AccountPurpose.RECEIVING),
            )
