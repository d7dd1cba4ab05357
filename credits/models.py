"""
Credits: money a payee owes back to a payer, netted against the payer's payables (docs/api/credits.md).

The payee issues a ``Credit`` on an active connection; the payer applies it, whole or in parts,
to its ``APPROVED`` or ``SCHEDULED`` payables of the same connection. Each application is a
``CreditApplication`` row; ``Credit.amount_applied`` and ``Payable.amount_credited`` are
recounted from those rows under the row locks (never incremented blindly).

Money is never created, in the database as well as in code: a credit's applied total lies
between 0 and its amount (``credit_applied_within_amount``), and the payable's own constraints
keep paid + credited within its amount. ``status`` is a protected fsm field: ``open`` →
``applied`` once nothing remains, ``open`` → ``void`` while nothing was applied.

Lock order (``credits.services``): the payable, then the credit. Every service that locks both
takes them in that order, so two applications never deadlock.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils import timezone
from django_fsm import FSMField, FSMModelMixin, transition

from accounts.models import Business
from cleopay.core.ids import PublicIdField
from cleopay.core.money import MoneyField
from connections.models import Connection


class CreditStatus(models.TextChoices):
    OPEN = "open", "Open"
    APPLIED = "applied", "Applied"
    VOID = "void", "Void"


class Credit(FSMModelMixin, models.Model):
    id = PublicIdField(prefix="crd")
    connection = models.ForeignKey(Connection, on_delete=models.PROTECT, related_name="credits")
    payee = models.ForeignKey(
        Business, on_delete=models.PROTECT, related_name="credits_issued", db_index=False
    )
    payer = models.ForeignKey(
        Business, on_delete=models.PROTECT, related_name="credits_received", db_index=False
    )
    amount = MoneyField()
    amount_applied = MoneyField(default=0)
    status = FSMField(
        max_length=10, choices=CreditStatus.choices, default=CreditStatus.OPEN, protected=True
    )
    memo = models.TextField(blank=True, default="")
    credit_number = models.CharField(max_length=100, blank=True, default="")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    voided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="credit_amount_positive"),
            models.CheckConstraint(
                condition=models.Q(amount_applied__gte=0, amount_applied__lte=models.F("amount")),
                name="credit_applied_within_amount",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=CreditStatus.values), name="credit_status_valid"
            ),
            models.CheckConstraint(
                condition=~models.Q(status=CreditStatus.APPLIED)
                | models.Q(amount_applied=models.F("amount")),
                name="credit_applied_means_used_up",
            ),
            models.CheckConstraint(
                condition=~models.Q(status=CreditStatus.VOID) | models.Q(amount_applied=0),
                name="credit_void_means_unapplied",
            ),
        ]
        indexes = [
            models.Index(fields=["payee", "-created_at", "-id"], name="credit_payee_created_idx"),
            models.Index(fields=["payer", "-created_at", "-id"], name="credit_payer_created_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.id} ({self.amount})"

    @property
    def remaining(self) -> Decimal:
        if self.status == CreditStatus.VOID:
            return Decimal("0.00")
        return self.amount - self.amount_applied

    @transition(field=status, source=CreditStatus.OPEN, target=CreditStatus.APPLIED)
    def use_up(self):
        """Nothing remains: every cent was applied."""

    @transition(
        field=status,
        source=CreditStatus.OPEN,
        target=CreditStatus.VOID,
        conditions=[lambda credit: credit.amount_applied == 0],
    )
    def void(self):
        self.voided_at = timezone.now()


class CreditApplication(models.Model):
    """One part of a credit netted against one payable. Append-only."""

    credit = models.ForeignKey(Credit, on_delete=models.PROTECT, related_name="applications")
    payable = models.ForeignKey(
        "payables.Payable", on_delete=models.PROTECT, related_name="credit_applications"
    )
    amount = MoneyField()
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__gt=0), name="credit_application_amount_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.credit_id} → {self.payable_id}: {self.amount}"
