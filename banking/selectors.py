from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from rest_framework.exceptions import NotFound

from accounts.permissions import Capability, require, roles_of
from banking.models import BankAccount, BankAccountEvent, PaymentAccounts
from cleopay.core import ids


def bank_account_list(*, business_id: str) -> QuerySet[BankAccount]:
    return BankAccount.objects.of_business(business_id).order_by("created_at", "id")


def bank_account_get(*, bank_account_id: str, actor) -> BankAccount:
    """A live account of one of the actor's businesses where the actor is an owner or admin."""
    if not ids.is_public_id(bank_account_id, "bank"):
        raise NotFound("Not found.")
    account = (
        BankAccount.objects.live()
        .filter(pk=bank_account_id, business_id__in=roles_of(actor).keys())
        .first()
    )
    if account is None:
        raise NotFound("Not found.")
    require(actor, account.business_id, Capability.ADMINISTER)
    return account


def bank_account_payments_on_their_way(*, business_id: str) -> dict[str, int]:
    """How many pending or processing payments name each of the business's accounts (as the
    funding or the receiving account): what keeps an account from being deleted."""
    from payables.models import OPEN_PAYMENT_STATUSES

    named = PaymentAccounts.objects.filter(payment__status__in=OPEN_PAYMENT_STATUSES)
    counts: dict[str, int] = {}
    for field in ("funding_account", "receiving_account"):
        rows = (
            named.filter(**{f"{field}__business_id": business_id})
            .values_list(field)
            .annotate(n=Count("pk"))
        )
        for account_id, n in rows:
            counts[account_id] = counts.get(account_id, 0) + n
    return counts


def bank_account_events(*, business_id: str) -> QuerySet[BankAccountEvent]:
    return (
        BankAccountEvent.objects.filter(business_id=business_id)
        .select_related("bank_account", "actor")
        .order_by("-created_at", "-id")
    )


def run_candidates(*, business_id: str):
    """The payer's APPROVED payables, soonest due first: what a new run may take."""
    from payables.models import Payable, PayableStatus

    return (
        Payable.objects.filter(payer_id=business_id, status=PayableStatus.APPROVED)
        .select_related("payee")
        .order_by("due_date", "id")[:200]
    )


@dataclass
class PaymentBankAccounts:
    payment_id: str
    payable_id: str
    viewer_business_id: str  # the side the caller sees the payment from
    funding_account: BankAccount | None
    receiving_account: BankAccount | None


def payment_bank_accounts(*, payment_id: str, actor) -> PaymentBankAccounts:
    """The bank accounts a payment names, for a member of its payer or its payee (404 for
    anyone else, as for a payment that does not exist)."""
    from payables.models import Payment

    if not ids.is_public_id(payment_id, "pmt"):
        raise NotFound("Not found.")
    businesses = roles_of(actor).keys()
    payment = (
        Payment.objects.filter(pk=payment_id)
        .filter(Q(payable__payer_id__in=businesses) | Q(payable__payee_id__in=businesses))
        .values("pk", "payable_id", "payable__payer_id", "payable__payee_id")
        .first()
    )
    if payment is None:
        raise NotFound("Not found.")
    payer_id = payment["payable__payer_id"]
    viewer = payer_id if payer_id in businesses else payment["payable__payee_id"]
    require(actor, viewer, Capability.READ)
    named = (
        PaymentAccounts.objects.filter(payment_id=payment_id)
        .select_related("funding_account", "receiving_account")
        .first()
    )
    return PaymentBankAccounts(
        payment_id=payment["pk"],
        payable_id=payment["payable_id"],
        viewer_business_id=viewer,
        funding_account=named.funding_account if named else None,
        receiving_account=named.receiving_account if named else None,
    )
