"""
Bank accounts and payment runs (docs/api/banking.md).

A ``BankAccount`` belongs to one business: a funding account it pays from, a receiving account
it is paid into, or both. The account number is kept only as a Fernet token
(``banking.crypto``) beside its last four digits; nothing but ``account_number_last4`` leaves
the server, except inside a run's NACHA file, which is the instruction to the bank. ``status``
is a protected fsm field: ``pending_verification`` → ``verified`` when the two micro-deposits
are confirmed, → ``locked`` after ``MAX_VERIFICATION_ATTEMPTS`` wrong answers. An account is
deleted softly (``deleted_at``): past runs still name it. At most one live account per business
is the default for paying, and one for receiving (a conditional unique constraint).

Every change is a ``BankAccountEvent``, readable by the business's members.

A ``PaymentRun`` is a payer's payables scheduled together for one date; each
``PaymentRunItem`` links one payable and the payment the run scheduled for it, with the
payee's receiving account when it had a verified default. ``settlement`` says how the run's
payments complete: ``rail`` (the configured payment rail, like any scheduled payment) or
``bank_file`` (the payer uploads the NACHA file to its bank; the payments complete when the
run is marked sent).

A ``PaymentAccounts`` row names the bank accounts of one ACH payment (``banking.receivers``
writes it as the payment is created: payables, below this app, knows nothing of bank accounts).

Lock order (``banking.services``, ``banking.runs``): a business's bank accounts in ID order;
a run, then its payables in ID order, then their payments.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils import timezone
from django_fsm import FSMField, FSMModelMixin, transition

from accounts.models import Business
from cleopay.core.ids import PublicIdField
from cleopay.core.money import MoneyField

MAX_VERIFICATION_ATTEMPTS = 3
# What the built-in sandbox rail deposits into a new account, to be confirmed by its owner.
SANDBOX_MICRO_DEPOSITS = (Decimal("0.32"), Decimal("0.45"))


class AccountType(models.TextChoices):
    CHECKING = "checking", "Checking"
    SAVINGS = "savings", "Savings"


class AccountPurpose(models.TextChoices):
    PAYING = "paying", "Paying"
    RECEIVING = "receiving", "Receiving"


class BankAccountStatus(models.TextChoices):
    PENDING_VERIFICATION = "pending_verification", "Pending verification"
    VERIFIED = "verified", "Verified"
    LOCKED = "locked", "Locked"


class BankAccountQuerySet(models.QuerySet):
    def live(self):
        return self.filter(deleted_at__isnull=True)

    def of_business(self, business_id: str):
        return self.filter(business_id=business_id, deleted_at__isnull=True)

    def default_for(self, business_id: str, purpose: str):
        """The business's verified default account for ``purpose``, if any."""
        return (
            self.of_business(business_id)
            .filter(default_for=purpose, status=BankAccountStatus.VERIFIED)
            .first()
        )


class BankAccount(FSMModelMixin, models.Model):
    id = PublicIdField(prefix="bank")
    business = models.ForeignKey(Business, on_delete=models.PROTECT, related_name="bank_accounts")
    name = models.CharField(max_length=100)
    routing_number = models.CharField(max_length=9)
    account_number_encrypted = models.TextField()
    account_number_last4 = models.CharField(max_length=4)
    account_type = models.CharField(max_length=10, choices=AccountType.choices)
    status = FSMField(
        max_length=30,
        choices=BankAccountStatus.choices,
        default=BankAccountStatus.PENDING_VERIFICATION,
        protected=True,
    )
    default_for = models.CharField(
        max_length=10, choices=AccountPurpose.choices, null=True, blank=True
    )
    micro_deposit_1 = MoneyField()
    micro_deposit_2 = MoneyField()
    verification_attempts = models.PositiveSmallIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    verified_at = models.DateTimeField(null=True, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)

    objects = BankAccountQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["business", "default_for"],
                condition=models.Q(default_for__isnull=False, deleted_at__isnull=True),
                name="bank_account_one_default_per_purpose",
            ),
            models.CheckConstraint(
                condition=models.Q(account_type__in=AccountType.values),
                name="bank_account_type_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=BankAccountStatus.values),
                name="bank_account_status_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(default_for__isnull=True)
                | models.Q(default_for__in=AccountPurpose.values),
                name="bank_account_default_for_valid",
            ),
        ]
        indexes = [models.Index(fields=["business", "created_at"], name="bank_account_biz_idx")]
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.name} ••••{self.account_number_last4}"

    @property
    def attempts_left(self) -> int:
        return max(0, MAX_VERIFICATION_ATTEMPTS - self.verification_attempts)

    @transition(
        field=status,
        source=BankAccountStatus.PENDING_VERIFICATION,
        target=BankAccountStatus.VERIFIED,
    )
    def verify(self):
        self.verified_at = timezone.now()

    @transition(
        field=status, source=BankAccountStatus.PENDING_VERIFICATION, target=BankAccountStatus.LOCKED
    )
    def lock(self):
        """Too many wrong micro-deposit amounts: only a new account can be verified."""


class BankAccountEventType(models.TextChoices):
    CREATED = "created", "Added"
    RENAMED = "renamed", "Renamed"
    DEFAULT_CHANGED = "default_changed", "Default changed"
    VERIFIED = "verified", "Verified"
    VERIFICATION_FAILED = "verification_failed", "Wrong micro-deposit amounts"
    LOCKED = "locked", "Locked"
    DELETED = "deleted", "Deleted"


class BankAccountEvent(models.Model):
    """One change to a bank account, for its business's eyes (never the account number)."""

    business = models.ForeignKey(Business, on_delete=models.CASCADE, related_name="+")
    bank_account = models.ForeignKey(BankAccount, on_delete=models.CASCADE, related_name="events")
    type = models.CharField(max_length=30, choices=BankAccountEventType.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.CharField(max_length=300, blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["business", "-created_at"], name="bank_event_biz_idx")]
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.type} on {self.bank_account_id}"


class RunSettlement(models.TextChoices):
    RAIL = "rail", "Through the payment rail"
    BANK_FILE = "bank_file", "By the NACHA file, when marked sent"


class RunStatus(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    SENT = "sent", "Sent to the bank"


class PaymentRun(FSMModelMixin, models.Model):
    id = PublicIdField(prefix="run")
    payer = models.ForeignKey(Business, on_delete=models.PROTECT, related_name="payment_runs")
    scheduled_for = models.DateField()
    total = MoneyField()
    settlement = models.CharField(max_length=10, choices=RunSettlement.choices)
    status = FSMField(
        max_length=10, choices=RunStatus.choices, default=RunStatus.SCHEDULED, protected=True
    )
    funding_account = models.ForeignKey(
        BankAccount, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [
            models.CheckConstraint(condition=models.Q(total__gt=0), name="run_total_positive"),
            models.CheckConstraint(
                condition=models.Q(status__in=RunStatus.values), name="run_status_valid"
            ),
        ]
        indexes = [models.Index(fields=["payer", "-created_at"], name="run_payer_created_idx")]
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.id} ({self.total} on {self.scheduled_for})"

    @transition(field=status, source=RunStatus.SCHEDULED, target=RunStatus.SENT)
    def mark_sent(self, *, actor):
        self.sent_at = timezone.now()
        self.sent_by = actor


class PaymentRunItem(models.Model):
    run = models.ForeignKey(PaymentRun, on_delete=models.CASCADE, related_name="items")
    payable = models.ForeignKey("payables.Payable", on_delete=models.PROTECT, related_name="+")
    payment = models.OneToOneField(
        "payables.Payment", on_delete=models.PROTECT, related_name="run_item"
    )
    amount = MoneyField()
    receiving_account = models.ForeignKey(
        BankAccount, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["run", "payable"], name="run_item_payable_once"),
            models.CheckConstraint(
                condition=models.Q(amount__gt=0), name="run_item_amount_positive"
            ),
        ]
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.run_id}: {self.payable_id} {self.amount}"


class PaymentAccounts(models.Model):
    """The bank accounts an ACH payment names: the payer's funding account and the payee's
    receiving account, each the business's verified default when the payment was made (a run's
    own choices where it made one). Written by ``banking.receivers`` as the payment is created,
    in its transaction; while the payment is on its way neither account may be deleted."""

    payment = models.OneToOneField(
        "payables.Payment",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="bank_accounts",
    )
    funding_account = models.ForeignKey(
        BankAccount, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    receiving_account = models.ForeignKey(
        BankAccount, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(funding_account__isnull=False)
                | models.Q(receiving_account__isnull=False),
                name="payment_accounts_name_one",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.payment_id}: {self.funding_account_id} → {self.receiving_account_id}"
