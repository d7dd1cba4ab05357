"""Invariants the database holds by itself, whatever code writes to it.

Each write goes around the product twice, as a careless script or a bug would: through
``QuerySet.update()`` (no validation, no state machine) and through raw SQL on the connection.
Both must end in ``IntegrityError`` and leave the row as it was.
"""

from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from cleopay.core.invoice_numbers import invoice_number_key
from payables.models import (
    LedgerTransfer,
    LineItem,
    Payable,
    PayableEvent,
    PayableStatus,
    Payment,
    PaymentStatus,
)
from tests import factories
from tests.payables.helpers import make_payable
from tests.reliability.report import figure

P = PaymentStatus
REFUSED = []


def refused(queryset, **values):
    """The same change, by ``.update()`` and by raw SQL: both refused, the row unchanged."""
    model = queryset.model
    pks = list(queryset.values_list("pk", flat=True))
    before = list(model.objects.filter(pk__in=pks).values())
    with pytest.raises(IntegrityError), transaction.atomic():
        queryset.update(**values)
    table = connection.ops.quote_name(model._meta.db_table)
    columns = [model._meta.get_field(name) for name in values]
    assignments = ", ".join(f"{connection.ops.quote_name(f.column)} = %s" for f in columns)
    raw = {name: getattr(value, "pk", value) for name, value in values.items()}
    params = [f.get_db_prep_save(raw[f.name], connection) for f in columns]
    placeholders = ", ".join(["%s"] * len(pks))
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET {assignments} WHERE {connection.ops.quote_name('id')} "
            f"IN ({placeholders})",
            [*params, *pks],
        )
    assert list(model.objects.filter(pk__in=pks).values()) == before
    REFUSED.append(f"{model.__name__}.{','.join(values)}")


@pytest.fixture(scope="module", autouse=True)
def _report():
    yield
    figure("db-constraints", bypassing_writes=len(REFUSED) * 2, accepted=0)


@pytest.mark.django_db
class TestPayableConstraints:
    def test_amount_must_be_positive(self, parties):
        payable = make_payable(parties)
        refused(Payable.objects.filter(pk=payable.pk), amount=Decimal("0.00"))
        refused(Payable.objects.filter(pk=payable.pk), amount=Decimal("-1.00"))

    def test_invoice_number_is_unique_per_connection_as_a_person_reads_it(self, parties):
        make_payable(parties, invoice_number="INV-1")
        other = make_payable(parties, invoice_number="INV-2")
        # The constraint is on the key (cleopay.core.invoice_numbers), which every save derives.
        refused(Payable.objects.filter(pk=other.pk), invoice_key=invoice_number_key("inv-1"))
        with pytest.raises(IntegrityError), transaction.atomic():
            make_payable(parties, invoice_number="Inv-1")
        with pytest.raises(IntegrityError), transaction.atomic():
            make_payable(parties, invoice_number="\uff29\uff2e\uff36\uff0d\uff11")
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
    def test_paid_and_credited_never_exceed_the_amount_and_equal_it_when_paid(self, parties):
        payable = make_payable(parties, PayableStatus.APPROVED, amount=Decimal("100.00"))
        rows = Payable.objects.filter(pk=payable.pk)
        refused(rows, amount_paid=Decimal("100.01"))
        refused(rows, amount_paid=Decimal("60.00"), amount_credited=Decimal("40.01"))
        refused(rows, amount_paid=Decimal("-0.01"))
        refused(rows, status=PayableStatus.PAID, amount_paid=Decimal("99.99"))
        rows.update(status=PayableStatus.PAID, amount_paid=Decimal("60"), amount_credited=40)

    def test_a_payment_method_outside_the_list_is_refused(self, parties):
        payment = make_payable(parties, PayableStatus.SCHEDULED).payments.get()
        refused(Payment.objects.filter(pk=payment.pk), method="cash")

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
        transfer = LedgerTransfer.objects.get()
        refused(LedgerTransfer.objects.filter(pk=transfer.pk), amount=Decimal("0.00"))


@pytest.mark.django_db
def test_the_status_field_cannot_be_assigned(parties):
    payable = make_payable(parties)
    with pytest.raises(AttributeError):
        payable.status = PayableStatus.PAID


@pytest.mark.postgres
@pytest.mark.django_db
def test_events_are_append_only_whatever_writes_to_them(parties):
    """A PostgreSQL trigger refuses UPDATE and DELETE on the timeline, by the ORM or by SQL."""
    from payables import services

    payable = make_payable(parties, PayableStatus.DRAFT)
    services.payable_submit(payable_id=payable.id, actor=parties.payee_owner)
    event = payable.events.get()
    events = PayableEvent.objects.filter(pk=event.pk)
    attempts = [
        lambda: events.update(note="rewritten"),
        lambda: events.update(to_status="PAID"),
        lambda: events.delete(),
        lambda: PayableEvent.objects.filter(payable=payable).delete(),
    ]
    sql = [
        ("UPDATE payables_payableevent SET note = 'x' WHERE id = %s", [event.pk]),
        ("UPDATE payables_payableevent SET to_status = 'PAID'", []),
        ("DELETE FROM payables_payableevent WHERE id = %s", [event.pk]),
        ("DELETE FROM payables_payableevent", []),
    ]
    for attempt in attempts:
        with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
            attempt()
    for statement, params in sql:
        with (
            pytest.raises(IntegrityError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(statement, params)
    assert list(PayableEvent.objects.filter(payable=payable).values("note", "to_status")) == [
        {"note": "", "to_status": "SUBMITTED"}
    ]
    REFUSED.extend(["PayableEvent"] * 4)


@pytest.mark.django_db
class TestApprovalConstraints:
    def test_one_approval_per_person_per_round_and_one_decline(self, parties):
        from approvals.models import Approval, ApprovalRequest

        payable = make_payable(parties, PayableStatus.SUBMITTED, review_round=False)
        request = ApprovalRequest.objects.create(
            payable=payable, round=1, outcome="workflow", current_step=0
        )
        first = Approval.objects.create(
            request=request, step=0, user=parties.payer_approver, decision="approved"
        )
        second = Approval.objects.create(
            request=request, step=1, user=parties.payer_admin, decision="approved"
        )
        # the same person approving a second step of the round
        refused(Approval.objects.filter(pk=second.pk), user=parties.payer_approver)
        with pytest.raises(IntegrityError), transaction.atomic():
            Approval.objects.create(
                request=request, step=1, user=parties.payer_approver, decision="approved"
            )
        decline = Approval.objects.create(
            request=request, step=0, user=parties.payer_owner, decision="declined", reason="No"
        )
        refused(Approval.objects.filter(pk=first.pk), decision="declined", reason="Twice")
        refused(Approval.objects.filter(pk=decline.pk), reason="")  # a decline says why

    def test_one_pending_review_round_per_payable(self, parties):
        from approvals.models import ApprovalRequest

        payable = make_payable(parties, PayableStatus.SUBMITTED, review_round=False)
        ApprovalRequest.objects.create(payable=payable, round=1, outcome="manual_review")
        closed = ApprovalRequest.objects.create(
            payable=payable,
            round=2,
            outcome="manual_review",
            status="superseded",
            closed_at=timezone.now(),
        )
        refused(ApprovalRequest.objects.filter(pk=closed.pk), status="pending", closed_at=None)
