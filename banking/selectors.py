from django.db.models import QuerySet
from rest_framework.exceptions import NotFound

from accounts.permissions import Capability, require, roles_of
from banking.models import BankAccount, BankAccountEvent
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
