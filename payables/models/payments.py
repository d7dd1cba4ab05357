"""Payments: each attempt to pay a payable, and the ledger rail's transfers."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django_fsm import FSMField, FSMModelMixin, transition

from accounts.models import Business
from cleopay.core.ids import PublicIdField
from cleopay.core.money import MoneyField
from payables.models.payable import Payable


class PaymentStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    PROCESSING = "processing", "Processing"
    COMPLETED = "completed", "Completed"
    FAILED = "failed", "Failed"
    CANCELLED = "cancelled", "Cancelled"


P = PaymentStatus
OPEN_PAYMENT_STATUSES = (P.PENDING, P.PROCESSING)


class PaymentMethod(models.TextChoices):
    """ACH moves money through the configured rail; the others record a payment made outside
    Cleo Pay (completed at once, with the payer's reference)."""

    ACH = "ach", "ACH"
    CHECK = "check", "Check"
    WIRE = "wire", "Wire"
    CARD = "card", "Card"
    OTHER = "other", "Other"


OUTSIDE_METHODS = (PaymentMethod.CHECK, PaymentMethod.WIRE, PaymentMethod.CARD, PaymentMethod.OTHER)
# The rail name of a payment recorded as made outside Cleo Pay: no money moves here.
OUTSIDE_RAIL = "outside"
# Payments a bank file settles (a payment run's, ``banking.runs``): the sweep leaves them to the run.
BANK_FILE_RAIL = "bank_file"


class Payment(FSMModelMixin, models.Model):
    """One attempt to pay a payable, on a date: pending → processing → completed | failed."""

    id = PublicIdField(prefix="pmt")
    payable = models.ForeignKey(Payable, on_delete=models.PROTECT, related_name="payments")
    amount = MoneyField()
    method = models.CharField(
        max_length=10, choices=PaymentMethod.choices, default=PaymentMethod.ACH
    )
    scheduled_for = models.DateField()
    status = FSMField(
        max_length=20, choices=PaymentStatus.choices, default=P.PENDING, protected=True
    )
    # The rail that moves the money, and its reference for the transfer.
    rail = models.CharField(max_length=50)
    rail_reference = models.CharField(max_length=200, blank=True, default="")
    failure_reason = models.TextField(blank=True, default="")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    processing_started_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    failed_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__gt=0), name="payment_amount_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=PaymentStatus.values), name="payment_status_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(method__in=PaymentMethod.values), name="payment_method_valid"
            ),
            # Several payments may complete (parts of the amount; the payable's own constraints
            # cap their sum), but at most one is on its way at any time.
            models.UniqueConstraint(
                fields=["payable"],
                condition=models.Q(status__in=OPEN_PAYMENT_STATUSES),
                name="payment_one_open_per_payable",
            ),
        ]
        indexes = [
            # The sweep: due pending payments, and processing ones left behind by a crash.
            models.Index(
                fields=["scheduled_for"],
                condition=models.Q(status=P.PENDING),
                name="payment_pending_due_idx",
            ),
            models.Index(
                fields=["processing_started_at"],
                condition=models.Q(status=P.PROCESSING),
                name="payment_processing_idx",
            ),
        ]
        ordering = ["payable", "created_at", "id"]

    def __str__(self) -> str:
        return f"{self.id}: {self.amount} on {self.scheduled_for} ({self.status})"

    @transition(field=status, source=P.PENDING, target=P.PROCESSING)
    def start(self):
        self.processing_started_at = timezone.now()

    @transition(field=status, source=P.PROCESSING, target=P.COMPLETED)
    def complete(self, *, reference: str):
        self.rail_reference = reference
        self.completed_at = timezone.now()

    @transition(field=status, source=P.PROCESSING, target=P.FAILED)
    def fail(self, *, reason: str):
        self.failure_reason = reason
        self.failed_at = timezone.now()

    @transition(field=status, source=P.PENDING, target=P.CANCELLED)
    def cancel(self):
        self.cancelled_at = timezone.now()


class LedgerTransfer(models.Model):
    """The built-in rail's record of money moved from payer to payee: one per payment."""

    payment = models.OneToOneField(
        Payment, on_delete=models.PROTECT, related_name="ledger_transfer"
    )
    payer = models.ForeignKey(Business, on_delete=models.PROTECT, related_name="+")
    payee = models.ForeignKey(Business, on_delete=models.PROTECT, related_name="+")
    amount = MoneyField()
    reference = models.CharField(max_length=40, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__gt=0), name="ledger_transfer_amount_positive"
            ),
        ]
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.reference}: {self.amount} {self.payer_id} → {self.payee_id}"
