"""Invariants the database holds by itself, whatever code writes to it (.update() skips both
validation and the state machine, as a careless script would)."""

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from payables.models import LedgerTransfer, LineItem, Payable, PayableStatus, Payment, PaymentStatus
from tests import factories
from tests.payables.helpers import make_payable

P = PaymentStatus


def refused(queryset, **values):
    with pytest.raises(IntegrityError), transaction.atomic():
        queryset.update(**values)


@pytest.mark.django_db
class TestPayableConstraints:
    def test_amount_must_be_positive(self, parties):
        payable = make_payable(parties)
        refused(Payable.objects.filter(pk=payable.pk), amount=Decimal("0.00"))
        refused(Payable.objects.filter(pk=payable.pk), amount=Decimal("-1.00"))

    def test_invoice_number_is_unique_per_connection_ignoring_case(self, parties):
        make_payable(parties, invoice_number="INV-1")
        other = make_payable(parties, invoice_number="INV-2")
        refused(Payable.objects.filter(pk=other.pk), invoice_number="inv-1")
        elsewhere = factories.PayableFactory(invoice_number="INV-3")
        Payable.objects.filter(pk=elsewhere.pk).update(invoice_number="INV-1")  # another connection

    def test_status_must_be_one_of_the_lifecycle(self, parties):
        refused(Payable.objects.filter(pk=make_payable(parties).pk), status="ARCHIVED")

    def test_a_business_cannot_invoice_itself(self, parties):
        refused(Payable.objects.filter(pk=make_payable(parties).pk), payer=parties.payee)

    def test_line_item_quantity_must_be_positive(self, parties):
        line = factories.LineItemFactory(payable=make_payable(parties))
        refused(LineItem.objects.filter(pk=line.pk), quantity=Decimal("0"))


@pytest.mark.django_db
class TestPaymentConstraints:
    def test_at_most_one_completed_payment_per_payable(self, parties):
        payable = make_payable(parties, PayableStatus.APPROVED)
        factories.PaymentFactory(payable=payable, status=P.COMPLETED)
        second = factories.PaymentFactory(payable=payable, status=P.FAILED)
        refused(Payment.objects.filter(pk=second.pk), status=P.COMPLETED)

    def test_at_most_one_open_payment_per_payable(self, parties):
        payable = make_payable(parties, PayableStatus.SCHEDULED)  # has a pending payment
        second = factories.PaymentFactory(payable=payable, status=P.CANCELLED)
        refused(Payment.objects.filter(pk=second.pk), status=P.PROCESSING)
        refused(Payment.objects.filter(pk=second.pk), status=P.PENDING)

    def test_payment_amount_must_be_positive(self, parties):
        payment = make_payable(parties, PayableStatus.SCHEDULED).payments.get()
        refused(Payment.objects.filter(pk=payment.pk), amount=Decimal("0.00"))

    def test_one_ledger_transfer_per_payment(self, parties):
        payment = make_payable(parties, PayableStatus.SCHEDULED).payments.get()
        fields = {
            "payment": payment,
            "payer": parties.payer,
            "payee": parties.payee,
            "amount": Decimal("1.00"),
        }
        LedgerTransfer.objects.create(reference="LDG-1", **fields)
        with pytest.raises(IntegrityError), transaction.atomic():
            LedgerTransfer.objects.create(reference="LDG-2", **fields)


@pytest.mark.django_db
def test_the_status_field_cannot_be_assigned(parties):
    payable = make_payable(parties)
    with pytest.raises(AttributeError):
        payable.status = PayableStatus.PAID
