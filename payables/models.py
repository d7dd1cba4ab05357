"""
Payables: invoices one business sends another over a connection, and the payments that settle them.

A ``Payable`` belongs to one active ``Connection``. Its payee (the sender) and payer are copied
from the connection when it is created, so every list is an index seek on the caller's own
column and tenancy never needs a join. The payee writes it (``DRAFT``) and submits it; the
payer's team reviews it (approve or decline), schedules and pays it. ``status`` is a protected
fsm field: it changes only through the transitions below, whose bodies set fields and stamp
times and do nothing else. ``payables.services`` does the rest in one transaction: lock, check
who acts and whether the status allows it, transition, save, record the event, and register
side effects (e-mail) for after the commit.

Lock order, everywhere: the connection (only when creating), then the payable, then its
payments. The sweep of due payments locks payables with SKIP LOCKED, so it never waits on a
user's click and never deadlocks with one.

Visibility: the payee sees all its payables. The payer sees a payable once it has been
submitted (``submitted_at`` is set then and never cleared), so drafts, and drafts cancelled
before they were sent, stay the payee's own.

Money: ``amount`` is ``numeric(12,2)`` and positive (a CheckConstraint as well as validation).
With line items it equals the sum of their totals; a line's total is quantity x unit price
rounded half-up to the cent, and a quantity has at most four decimals (``12.5``, ``0.3333``).

Payments: one ``Payment`` row per attempt to pay (scheduled or immediate), for the whole amount
due or a part of it, by ACH through the configured rail or recorded as paid outside Cleo Pay
(check, wire, card, other; completed at once). The database holds at most one open
(``pending``/``processing``) payment per payable, whatever the clients and workers do at the
same time. ``amount_paid`` (completed payments) and ``amount_credited`` (applied credits) are
recounted under the payable's row lock each time one of them changes; check constraints keep
their sum within ``amount``, and equal to it exactly when the payable is ``PAID``. Money moves
through a payment rail (``payables.rails``); the built-in ledger rail records a
``LedgerTransfer``.

Timeline: ``PayableEvent`` rows are append-only, written in the transaction of the change they
record; on PostgreSQL a trigger refuses UPDATE and DELETE on them.

Tags are per side, like connection tags: a ``Tag`` belongs to one business, so each side
labels a payable with its own tags and sees only those.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django_fsm import ConcurrentTransitionMixin, FSMField, FSMModelMixin, transition

from accounts.models import Business
from cleopay.core.ids import PublicIdField
from cleopay.core.invoice_numbers import invoice_number_key
from cleopay.core.jsoncodec import DecimalJSONDecoder, DecimalJSONEncoder
from cleopay.core.money import CURRENCY, MoneyField
from connections.models import Connection, Tag
from payables.jsonfields import ExactJSONDecoder, ExactJSONEncoder
from payables.querysets import PayableManager

QUANTITY_MAX_DIGITS = 12
QUANTITY_DECIMAL_PLACES = 4


class PayableStatus(models.TextChoices):
    DRAFT = "DRAFT", "Draft"
    SUBMITTED = "SUBMITTED", "Submitted"
    APPROVED = "APPROVED", "Approved"
    DECLINED = "DECLINED", "Declined"
    SCHEDULED = "SCHEDULED", "Scheduled"
    PAID = "PAID", "Paid"
    CANCELLED = "CANCELLED", "Cancelled"


S = PayableStatus
# The payee may change a payable only while it is with them.
EDITABLE_STATUSES = (S.DRAFT, S.DECLINED)
FINAL_STATUSES = (S.PAID, S.CANCELLED)
# With the payer and not settled yet: what the payer owes (AP aging, overdue marks).
OPEN_STATUSES = (S.SUBMITTED, S.APPROVED, S.SCHEDULED)


class ApprovalStatus(models.TextChoices):
    """Where the payer's review stands (shown to the payer only, in ``approval``).

    The review itself lives in ``approvals.ApprovalRequest`` (one per submission round); this
    column repeats the latest round's state, set by the payables services in the same
    transaction, so lists filter on it (``awaitingMyApproval``) without a join.
    """

    PENDING = "pending", "Pending"
    MANUAL_REVIEW = "manual_review", "Manual review"
    NOT_REQUIRED = "not_required", "Not required"
    APPROVED = "approved", "Approved"
    DECLINED = "declined", "Declined"


class Payable(ConcurrentTransitionMixin, models.Model):
    id = PublicIdField(prefix="pay")
    # No index of their own on connection, payee and payer: the indexes and the invoice-number
    # constraint below all start with one of them, and serve it as well.
    connection = models.ForeignKey(
        Connection, on_delete=models.PROTECT, related_name="payables", db_index=False
    )
    # Copied from the connection at creation (a connection's sides never change).
    payee = models.ForeignKey(
        Business, on_delete=models.PROTECT, related_name="payables_as_payee", db_index=False
    )
    payer = models.ForeignKey(
        Business, on_delete=models.PROTECT, related_name="payables_as_payer", db_index=False
    )
    status = FSMField(max_length=20, choices=PayableStatus.choices, default=S.DRAFT, protected=True)
    amount = MoneyField()
    # Completed payments and applied credits, recounted under the payable's lock (see above).
    amount_paid = MoneyField(default=0)
    amount_credited = MoneyField(default=0)
    currency = models.CharField(max_length=3, default=CURRENCY, editable=False)
    issue_date = models.DateField()
    due_date = models.DateField()
    invoice_number = models.CharField(max_length=64)
    # The number as a person reads it (``cleopay.core.invoice_numbers``): unique per connection.
    invoice_key = models.TextField(editable=False, default="")
    memo = models.TextField(blank=True, default="")
    custom_fields = models.JSONField(
        default=dict, blank=True, encoder=ExactJSONEncoder, decoder=ExactJSONDecoder
    )
    # The payer's review; blank until the first submission.
    approval_status = models.CharField(
        max_length=20, choices=ApprovalStatus.choices, blank=True, default=""
    )
    decline_reason = models.TextField(blank=True, default="")
    cancel_reason = models.TextField(blank=True, default="")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Set at each submission, never cleared: the payer sees the payable from then on.
    submitted_at = models.DateTimeField(null=True, blank=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    declined_at = models.DateTimeField(null=True, blank=True)
    paid_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    tags = models.ManyToManyField(Tag, through="PayableTag", related_name="payables", blank=True)
    attachments = models.ManyToManyField(
        "files.File", through="PayableAttachment", related_name="payables", blank=True
    )

    objects = PayableManager()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__gt=0), name="payable_amount_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=PayableStatus.values), name="payable_status_valid"
            ),
            # Money never created: paid and credited never negative, never more than the amount,
            # and exactly the amount when PAID.
            models.CheckConstraint(
                condition=models.Q(amount_paid__gte=0, amount_credited__gte=0),
                name="payable_settled_not_negative",
            ),
            models.CheckConstraint(
                condition=models.Q(
                    amount__gte=models.F("amount_paid") + models.F("amount_credited")
                ),
                name="payable_settled_within_amount",
            ),
            models.CheckConstraint(
                condition=~models.Q(status=PayableStatus.PAID)
                | models.Q(amount=models.F("amount_paid") + models.F("amount_credited")),
                name="payable_paid_means_settled",
            ),
            models.CheckConstraint(
                condition=models.Q(currency=CURRENCY), name="payable_currency_usd"
            ),
            models.CheckConstraint(
                condition=~models.Q(payee=models.F("payer")), name="payable_sides_differ"
            ),
            models.CheckConstraint(
                condition=~models.Q(invoice_number=""), name="payable_invoice_number_present"
            ),
            # INV-1, inv-1, full-width INV-1 and INV-1 with a Cyrillic I or a non-breaking hyphen
            # are the same
            # invoice to a person: unique on the key that says so.
            models.UniqueConstraint(
                fields=["connection", "invoice_key"],
                name="payable_invoice_number_unique_per_connection",
            ),
        ]
        indexes = [
            # Lists: newest first per side, and the status / due-date filters per side.
            models.Index(fields=["payee", "-created_at", "-id"], name="payable_payee_created_idx"),
            models.Index(fields=["payer", "-created_at", "-id"], name="payable_payer_created_idx"),
            models.Index(fields=["payee", "status", "due_date"], name="payable_payee_status_idx"),
            models.Index(fields=["payer", "status", "due_date"], name="payable_payer_status_idx"),
            models.Index(
                fields=["connection", "-created_at", "-id"], name="payable_connection_created_idx"
            ),
            # A side's list by status, newest first (the inbox: incoming, SUBMITTED): the page
            # is one index range, and the keys of a deep page an index-only scan. Incoming
            # payables are never drafts, hence the condition.
            models.Index(
                fields=["payer", "status", "-created_at", "-id"],
                condition=models.Q(submitted_at__isnull=False),
                name="payable_incoming_status_idx",
            ),
            models.Index(
                fields=["payee", "status", "-created_at", "-id"],
                name="payable_outgoing_status_idx",
            ),
        ]
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.invoice_number} ({self.id})"

    def save(self, *args, **kwargs):
        # The key follows the number on every path that writes one (services, admin, demo
        # data), so the unique constraint always compares what a person reads.
        self.invoice_key = invoice_number_key(self.invoice_number)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "invoice_number" in update_fields:
            kwargs["update_fields"] = {*update_fields, "invoice_key"}
        super().save(*args, **kwargs)

    @property
    def is_final(self) -> bool:
        return self.status in FINAL_STATUSES

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE_STATUSES

    @property
    def amount_due(self):
        """What is left to pay: the amount less completed payments and applied credits."""
        return self.amount - self.amount_paid - self.amount_credited

    @property
    def is_overdue(self) -> bool:
        """Past its due date (UTC) and still to be paid: submitted, approved or scheduled."""
        return self.status in OPEN_STATUSES and self.due_date < timezone.now().date()

    # --- transitions (memory only; services save, record the event and send e-mail) -----------
    @transition(field=status, source=[S.DRAFT, S.DECLINED], target=S.SUBMITTED)
    def submit(self, *, by):
        self.submitted_at = timezone.now()
        self.submitted_by = by
        self.decline_reason = ""

    @transition(field=status, source=S.SUBMITTED, target=S.APPROVED)
    def approve(self):
        self.approved_at = timezone.now()

    @transition(field=status, source=S.SUBMITTED, target=S.DECLINED)
    def decline(self, *, reason: str):
        self.decline_reason = reason
        self.declined_at = timezone.now()

    @transition(field=status, source=S.APPROVED, target=S.SCHEDULED)
    def schedule(self):
        pass

    @transition(field=status, source=S.SCHEDULED, target=S.APPROVED)
    def unschedule(self):
        pass

    @transition(field=status, source=[S.APPROVED, S.SCHEDULED], target=S.PAID)
    def pay(self):
        self.paid_at = timezone.now()

    @transition(field=status, source=S.SCHEDULED, target=S.APPROVED)
    def fail_payment(self):
        pass

    @transition(field=status, source=S.SCHEDULED, target=S.APPROVED)
    def settle_part(self):
        """A scheduled payment of part of the amount completed (or a credit cancelled it):
        approved again, with the rest still due."""

    # Cancelling is one action whose allowed statuses depend on the side that asks (CONTRACT §4),
    # so each side has its own transition and django-fsm answers "may it?" exactly.
    @transition(field=status, source=[S.DRAFT, S.SUBMITTED, S.DECLINED], target=S.CANCELLED)
    def cancel_by_payee(self, *, reason: str = ""):
        self.cancel_reason = reason
        self.cancelled_at = timezone.now()

    @transition(field=status, source=[S.SUBMITTED, S.APPROVED, S.SCHEDULED], target=S.CANCELLED)
    def cancel_by_payer(self, *, reason: str = ""):
        self.cancel_reason = reason
        self.cancelled_at = timezone.now()


class LineItem(models.Model):
    id = PublicIdField(prefix="li")
    # Indexed by the (payable, position) constraint.
    payable = models.ForeignKey(
        Payable, on_delete=models.CASCADE, related_name="line_items", db_index=False
    )
    position = models.PositiveIntegerField()
    description = models.CharField(max_length=500)
    quantity = models.DecimalField(
        max_digits=QUANTITY_MAX_DIGITS, decimal_places=QUANTITY_DECIMAL_PLACES
    )
    unit_price = MoneyField()
    # quantity x unit_price, rounded half-up to the cent (cleopay.core.money.quantize).
    total = MoneyField()
    accounting_category = models.CharField(max_length=100, blank=True, default="")
    custom_fields = models.JSONField(
        default=dict, blank=True, encoder=ExactJSONEncoder, decoder=ExactJSONDecoder
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(quantity__gt=0), name="line_item_quantity_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(unit_price__gte=0), name="line_item_unit_price_not_negative"
            ),
            models.CheckConstraint(
                condition=models.Q(total__gte=0), name="line_item_total_not_negative"
            ),
            models.UniqueConstraint(fields=["payable", "position"], name="line_item_position_once"),
        ]
        ordering = ["payable", "position"]

    def __str__(self) -> str:
        return f"{self.description} x {self.quantity}"


class PayableTag(models.Model):
    """A tag one side put on a payable; the tag's business says whose it is."""

    # Indexed by the (payable, tag) constraint.
    payable = models.ForeignKey(
        Payable, on_delete=models.CASCADE, related_name="tag_links", db_index=False
    )
    tag = models.ForeignKey(Tag, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["payable", "tag"], name="payable_tag_once"),
        ]

    def __str__(self) -> str:
        return f"{self.tag} on {self.payable_id}"


class PayableAttachment(models.Model):
    payable = models.ForeignKey(Payable, on_delete=models.CASCADE, related_name="attachment_links")
    # A file that is attached somewhere cannot be deleted.
    file = models.ForeignKey("files.File", on_delete=models.PROTECT, related_name="payable_links")
    position = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["payable", "file"], name="payable_attachment_once"),
        ]
        ordering = ["payable", "position"]

    def __str__(self) -> str:
        return f"{self.file_id} on {self.payable_id}"


class EventType(models.TextChoices):
    CREATED = "payable.created", "Created"
    UPDATED = "payable.updated", "Edited"
    SUBMITTED = "payable.submitted", "Submitted"
    APPROVAL_RECORDED = "payable.approval_recorded", "Approval recorded"
    APPROVED = "payable.approved", "Approved"
    DECLINED = "payable.declined", "Declined"
    SCHEDULED = "payable.scheduled", "Payment scheduled"
    UNSCHEDULED = "payable.unscheduled", "Payment unscheduled"
    PAYMENT_COMPLETED = "payment.completed", "Payment completed"
    PAYMENT_FAILED = "payment.failed", "Payment failed"
    CREDIT_APPLIED = "credit.applied", "Credit applied"
    PAID = "payable.paid", "Paid"
    CANCELLED = "payable.cancelled", "Cancelled"
    TAGS_CHANGED = "payable.tags_changed", "Tags changed"


class EventVisibility(models.TextChoices):
    """Which side of the payable may read an event (CONTRACT §7)."""

    BOTH = "both", "Both sides"
    PAYER = "payer", "Payer only"
    PAYEE = "payee", "Payee only"


# The visibility of each type of event. The payer's review (each approval step) is the payer's
# own business; the payee's drafting is the payee's. Tag changes belong to the side that tags
# (``None``: decided by the event's business).
EVENT_VISIBILITY: dict[str, str | None] = {
    EventType.CREATED: EventVisibility.PAYEE,
    EventType.UPDATED: EventVisibility.PAYEE,
    EventType.SUBMITTED: EventVisibility.BOTH,
    EventType.APPROVAL_RECORDED: EventVisibility.PAYER,
    EventType.APPROVED: EventVisibility.BOTH,
    EventType.DECLINED: EventVisibility.BOTH,
    EventType.SCHEDULED: EventVisibility.BOTH,
    EventType.UNSCHEDULED: EventVisibility.BOTH,
    EventType.PAYMENT_COMPLETED: EventVisibility.BOTH,
    EventType.PAYMENT_FAILED: EventVisibility.BOTH,
    EventType.CREDIT_APPLIED: EventVisibility.BOTH,
    EventType.PAID: EventVisibility.BOTH,
    EventType.CANCELLED: EventVisibility.BOTH,
    EventType.TAGS_CHANGED: None,
}


class PayableEventQuerySet(models.QuerySet):
    def seen_by(self, *, side: str, viewer_business_id: str) -> "PayableEventQuerySet":
        """The events ``side`` (``payer``/``payee``) may read, as that side reads them: the
        one filter of every reader of the timeline (API, pages, exports).

        The payee reads the payer's events without the person who acted (``redacted``): who
        approved, declined or scheduled is the payer's review, and an approval's note (its
        workflow and step) is left out too.
        """
        rows = self.filter(visibility__in=[EventVisibility.BOTH, side])
        redacted = (
            models.Value(False)
            if side == EventVisibility.PAYER
            else models.Case(
                models.When(~models.Q(business_id=viewer_business_id), then=models.Value(True)),
                default=models.Value(False),
            )
        )
        return rows.annotate(redacted=redacted)


class PayableEvent(models.Model):
    """One fact in a payable's timeline. Append-only: never edited or deleted."""

    id = PublicIdField(prefix="evt")
    # Indexed by the (payable, position) constraint.
    payable = models.ForeignKey(
        Payable, on_delete=models.PROTECT, related_name="events", db_index=False
    )
    # 1, 2, 3... per payable, assigned under the payable's row lock: the timeline's order.
    position = models.PositiveIntegerField()
    type = models.CharField(max_length=40, choices=EventType.choices)
    # Null when the system acted (automatic approval, the payment job).
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The side on whose behalf the change was made.
    business = models.ForeignKey(Business, on_delete=models.PROTECT, related_name="+")
    from_status = models.CharField(max_length=20, null=True, blank=True)
    to_status = models.CharField(max_length=20)
    note = models.TextField(blank=True, default="")
    # An edit's old and new values: [{"field": "amount", "from": 100.00, "to": 120.00}, ...].
    changes = models.JSONField(
        null=True, blank=True, encoder=DecimalJSONEncoder, decoder=DecimalJSONDecoder
    )
    # Which side may read it (``EVENT_VISIBILITY``), written with the event.
    visibility = models.CharField(
        max_length=10, choices=EventVisibility.choices, default=EventVisibility.BOTH
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = PayableEventQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["payable", "position"], name="payable_event_position_once"
            ),
            models.CheckConstraint(
                condition=models.Q(visibility__in=EventVisibility.values),
                name="payable_event_visibility_valid",
            ),
        ]
        ordering = ["payable", "position"]

    def __str__(self) -> str:
        return f"{self.type} on {self.payable_id}"

    @property
    def shown_actor(self):
        """The person who acted, unless this reader may not know (``seen_by``)."""
        return None if getattr(self, "redacted", False) else self.actor

    @property
    def shown_note(self) -> str:
        if getattr(self, "redacted", False) and self.type == EventType.APPROVED:
            return ""
        return self.note


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
