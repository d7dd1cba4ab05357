"""The payable, its line items, tags and attachments."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from accounts.models import Business
from approvals.models import ApprovalStatus
from cleopay.core.ids import PublicIdField
from cleopay.core.invoice_numbers import duplicate_number_key, invoice_number_key
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
    # The looser key of a possible duplicate (letters and digits, no leading zeros:
    # ``duplicate_number_key``), indexed per connection for ``payables.duplicates``.
    duplicate_key = models.TextField(editable=False, default="")
    # The payer's warning, found at each submission (``payables.duplicates``): other bills of
    # the connection this one may repeat, [{"payableId", "invoiceNumber", "reason"}]; emptied
    # when the payer's reviewer says it is not a duplicate. Never shown to the payee.
    possible_duplicates = models.JSONField(default=list, blank=True)
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
            # Possible duplicates (``payables.duplicates``): the same number, or the same
            # amount and due date, among the connection's submitted payables.
            models.Index(
                fields=["connection", "duplicate_key"],
                condition=models.Q(submitted_at__isnull=False),
                name="payable_duplicate_key_idx",
            ),
            models.Index(
                fields=["connection", "due_date", "amount"],
                condition=models.Q(submitted_at__isnull=False),
                name="payable_duplicate_amount_idx",
            ),
        ]
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.invoice_number} ({self.id})"

    def save(self, *args, **kwargs):
        # The key follows the number on every path that writes one (services, admin, demo
        # data), so the unique constraint always compares what a person reads.
        self.invoice_key = invoice_number_key(self.invoice_number)
        self.duplicate_key = duplicate_number_key(self.invoice_number)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "invoice_number" in update_fields:
            kwargs["update_fields"] = {*update_fields, "invoice_key", "duplicate_key"}
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
    def is_flagged_duplicate(self) -> bool:
        """The payer's warning stands: it may repeat another bill (``possible_duplicates``)."""
        return bool(self.possible_duplicates)

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

    # Cancelling is one action whose allowed statuses depend on the side that asks (docs/api/payables.md),
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
