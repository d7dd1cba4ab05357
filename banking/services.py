"""
Writes of bank accounts: add, rename / set as default, verify, delete. Owners and admins only
(``Capability.ADMINISTER``), checked here for every write.

Each write is one transaction that locks what it changes and appends a ``BankAccountEvent``.
Setting a default locks the business's live accounts in ID order (the one lock order), so two
requests making two accounts the default for paying end with one default, never two.

Verification counts wrong answers in its own committed transaction before answering 400, so
neither a retry with an ``Idempotency-Key`` nor an error page can roll the count back.
"""

from decimal import Decimal

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django_fsm import can_proceed
from rest_framework.exceptions import NotFound

from accounts.permissions import Capability, require, roles_of
from banking import crypto
from banking.models import (
    SANDBOX_MICRO_DEPOSITS,
    AccountPurpose,
    BankAccount,
    BankAccountEvent,
    BankAccountEventType,
    BankAccountStatus,
    PaymentAccounts,
    PaymentRunItem,
)
from banking.routing import routing_number_valid
from cleopay.core import ids
from cleopay.core.errors import Conflict, ConflictCode, InvalidTransition, field_error
from payables.models import OPEN_PAYMENT_STATUSES

E = BankAccountEventType


def _event(account: BankAccount, type: str, actor, note: str = "") -> None:
    BankAccountEvent.objects.create(
        business_id=account.business_id, bank_account=account, type=type, actor=actor, note=note
    )


def _digits(value: str, field: str, *, low: int, high: int, what: str) -> str:
    value = (value or "").strip()
    if not (value.isascii() and value.isdigit() and low <= len(value) <= high):
        raise field_error(field, f"{what}: {low} to {high} digits." if low != high else what)
    return value


@transaction.atomic
def bank_account_create(
    *,
    business_id: str,
    actor,
    name: str,
    routing_number: str,
    account_number: str,
    account_type: str,
) -> BankAccount:
    """A new account of ``business_id``, pending verification; the sandbox rail sends the two
    micro-deposits at once."""
    require(actor, business_id, Capability.ADMINISTER)
    name = (name or "").strip()
    if not name:
        raise field_error("name", "A name is required.")
    routing_number = _digits(
        routing_number, "routingNumber", low=9, high=9, what="A routing number has 9 digits."
    )
    if not routing_number_valid(routing_number):
        raise field_error("routingNumber", "Not a valid ABA routing number (checksum).")
    account_number = _digits(
        account_number, "accountNumber", low=4, high=17, what="An account number has"
    )
    first, second = SANDBOX_MICRO_DEPOSITS
    account = BankAccount(
        business_id=business_id,
        name=name,
        routing_number=routing_number,
        account_number_encrypted=crypto.encrypt(account_number),
        account_number_last4=crypto.last4(account_number),
        account_type=account_type,
        micro_deposit_1=first,
        micro_deposit_2=second,
        created_by=actor,
    )
    account.save()
    _event(account, E.CREATED, actor, f"{account.name}, ending {account.account_number_last4}")
    return account


def _lock_account(*, bank_account_id: str, actor, with_siblings: bool = False) -> BankAccount:
    """The live account, row-locked, if the actor is an owner or admin of its business.

    ``with_siblings``: every live account of the business is locked first, in ID order (the one
    lock order), for a change that moves a default from one account to another.
    """
    if not ids.is_public_id(bank_account_id, "bank"):
        raise NotFound("Not found.")
    visible = BankAccount.objects.live().filter(
        pk=bank_account_id, business_id__in=roles_of(actor).keys()
    )
    business_id = visible.values_list("business_id", flat=True).first()
    if business_id is None:
        raise NotFound("Not found.")
    require(actor, business_id, Capability.ADMINISTER)
    if with_siblings:
        list(
            BankAccount.objects.select_for_update()
            .of_business(business_id)
            .order_by("id")
            .values_list("id", flat=True)
        )
    account = visible.select_for_update().first()
    if account is None:  # deleted meanwhile
        raise NotFound("Not found.")
    return account


def _set_default(account: BankAccount, purpose: str | None, actor) -> None:
    if purpose == account.default_for:
        return
    if purpose is not None and account.status != BankAccountStatus.VERIFIED:
        raise field_error("defaultFor", "Only a verified account can be a default.")
    # Every live account of the business is locked (``_lock_account(with_siblings=True)``).
    others = list(
        BankAccount.objects.of_business(account.business_id)
        .order_by("id")
        .values_list("id", "default_for")
    )
    for other_id, other_purpose in others:
        if other_id != account.id and purpose is not None and other_purpose == purpose:
            BankAccount.objects.filter(pk=other_id).update(
                default_for=None, updated_at=timezone.now()
            )
            _event(
                BankAccount.objects.get(pk=other_id),
                E.DEFAULT_CHANGED,
                actor,
                f"no longer the default for {purpose}",
            )
    account.default_for = purpose
    note = f"default for {purpose}" if purpose else "no longer a default"
    account.save(update_fields=["default_for", "updated_at"])
    _event(account, E.DEFAULT_CHANGED, actor, note)


@transaction.atomic
def bank_account_update(*, bank_account_id: str, actor, changes: dict) -> BankAccount:
    """Rename, or make the default for paying / receiving (``None``: no longer a default)."""
    account = _lock_account(
        bank_account_id=bank_account_id, actor=actor, with_siblings="defaultFor" in changes
    )
    if "name" in changes:
        name = (changes["name"] or "").strip()
        if not name:
            raise field_error("name", "A name is required.")
        if name != account.name:
            old, account.name = account.name, name
            account.save(update_fields=["name", "updated_at"])
            _event(account, E.RENAMED, actor, f"{old} → {name}")
    if "defaultFor" in changes:
        purpose = changes["defaultFor"]
        if purpose is not None and purpose not in AccountPurpose.values:
            raise field_error("defaultFor", "paying, receiving or null.")
        _set_default(account, purpose, actor)
    return account


def _amounts_match(account: BankAccount, amounts: list[Decimal]) -> bool:
    return sorted(amounts) == sorted([account.micro_deposit_1, account.micro_deposit_2])


def bank_account_verify(*, bank_account_id: str, actor, amounts: list[Decimal]) -> BankAccount:
    """pending_verification → verified when ``amounts`` are the two micro-deposits (any order).

    A wrong pair is counted (committed) and answered 400 naming ``amounts``; the last allowed
    wrong pair locks the account (409 from then on).
    """
    with transaction.atomic():
        account = _lock_account(bank_account_id=bank_account_id, actor=actor)
        if not can_proceed(account.verify):
            raise InvalidTransition(
                action="verify", current_status=account.status, noun="bank account"
            )
        if _amounts_match(account, amounts):
            account.verify()
            account.save(update_fields=["status", "verified_at", "updated_at"])
            _event(account, E.VERIFIED, actor)
            return account
        account.verification_attempts += 1
        fields = ["verification_attempts", "updated_at"]
        _event(account, E.VERIFICATION_FAILED, actor, f"attempt {account.verification_attempts}")
        if account.attempts_left == 0:
            account.lock()
            fields.append("status")
            _event(account, E.LOCKED, actor, "too many wrong amounts")
        account.save(update_fields=fields)
    if account.status == BankAccountStatus.LOCKED:
        raise Conflict(
            "Those are not the amounts deposited, and no tries are left: the account is locked. "
            "Add it again to receive new micro-deposits.",
            code=ConflictCode.STATE,
            currentStatus=account.status,
        )
    raise field_error(
        "amounts",
        f"These are not the two amounts deposited; {account.attempts_left} tries left.",
    )


def _in_use(account: BankAccount) -> bool:
    """A payment on its way (pending or processing) names this account: the payer's funding or
    a payee's receiving, on the payment itself or in its run."""
    return (
        PaymentAccounts.objects.filter(
            Q(funding_account=account) | Q(receiving_account=account),
            payment__status__in=OPEN_PAYMENT_STATUSES,
        ).exists()
        or PaymentRunItem.objects.filter(
            Q(receiving_account=account) | Q(run__funding_account=account),
            payment__status__in=OPEN_PAYMENT_STATUSES,
        ).exists()
    )


@transaction.atomic
def bank_account_delete(*, bank_account_id: str, actor) -> None:
    """Delete (softly: past runs still name it); 409 while a payment on its way uses it."""
    account = _lock_account(bank_account_id=bank_account_id, actor=actor)
    if _in_use(account):
        raise Conflict(
            "A scheduled or processing payment uses this bank account: cancel or complete it first.",
            code=ConflictCode.IN_USE,
        )
    account.deleted_at = timezone.now()
    account.default_for = None
    account.save(update_fields=["deleted_at", "default_for", "updated_at"])
    _event(account, E.DELETED, actor)
