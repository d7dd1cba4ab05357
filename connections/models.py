"""
Connections: the relationship between a payer and a payee business.

A connection is directed: one business pays, the other is paid, and there is at most one
connection per pair and direction (two businesses that bill each other have two). It starts
``pending`` when one side invites the other (by business ID, or by e-mail before the other side
has a business), becomes ``active`` when the invited side accepts, and ends ``archived``, after
which it takes no new payables. Status changes only through the fsm transitions below.

Each side keeps its own view of the connection: ``payer_alias``/``payee_alias`` and its own tags
(a ``Tag`` belongs to one business, so a connection's tags split by side). ``net_terms`` and
``auto_approve`` are shared settings; only the payer sets ``auto_approve``.
"""

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django_fsm import FSMField, FSMModelMixin, transition

from accounts.models import Business
from cleopay.ids import PublicIdField


class ConnectionStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    ACTIVE = "active", "Active"
    ARCHIVED = "archived", "Archived"


class ConnectionRole(models.TextChoices):
    PAYER = "payer", "Payer"
    PAYEE = "payee", "Payee"


class Tag(models.Model):
    id = PublicIdField(prefix="tag")
    business = models.ForeignKey(Business, on_delete=models.CASCADE, related_name="tags")
    name = models.CharField(max_length=100)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint("business", Lower("name"), name="tag_name_unique_per_business"),
        ]
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Connection(FSMModelMixin, models.Model):
    id = PublicIdField(prefix="conn")
    payer = models.ForeignKey(
        Business,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="connections_as_payer",
    )
    payee = models.ForeignKey(
        Business,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="connections_as_payee",
    )
    status = FSMField(
        max_length=20,
        choices=ConnectionStatus.choices,
        default=ConnectionStatus.PENDING,
        protected=True,
    )
    # The side that sent the invitation; the other side accepts.
    invited_by_business = models.ForeignKey(Business, on_delete=models.PROTECT, related_name="+")
    # Set when the counterparty was invited by e-mail and has no business yet.
    invited_email = models.EmailField(max_length=254, blank=True, default="")
    payer_alias = models.CharField(max_length=200, blank=True, default="")
    payee_alias = models.CharField(max_length=200, blank=True, default="")
    net_terms = models.PositiveIntegerField(null=True, blank=True)
    auto_approve = models.BooleanField(default=False)
    tags = models.ManyToManyField(
        Tag, through="ConnectionTag", related_name="connections", blank=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    archived_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["payer", "payee"],
                condition=models.Q(payer__isnull=False, payee__isnull=False),
                name="connection_one_per_pair_and_direction",
            ),
            models.CheckConstraint(
                condition=~models.Q(payer=models.F("payee")), name="connection_sides_differ"
            ),
            models.CheckConstraint(
                condition=models.Q(payer__isnull=False) | models.Q(payee__isnull=False),
                name="connection_has_a_side",
            ),
        ]
        indexes = [
            models.Index(fields=["payer", "status"], name="connection_payer_status_idx"),
            models.Index(fields=["payee", "status"], name="connection_payee_status_idx"),
        ]
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.payer or self.invited_email} pays {self.payee or self.invited_email}"

    # --- transitions (memory only; services save and record the event) -------------------------
    @transition(field=status, source=ConnectionStatus.PENDING, target=ConnectionStatus.ACTIVE)
    def accept(self):
        self.accepted_at = timezone.now()

    @transition(
        field=status,
        source=[ConnectionStatus.PENDING, ConnectionStatus.ACTIVE],
        target=ConnectionStatus.ARCHIVED,
    )
    def archive(self):
        self.archived_at = timezone.now()

    # --- sides -----------------------------------------------------------------------------------
    def role_of(self, business_id: str) -> str | None:
        """``payer`` or ``payee``: which side ``business_id`` is on (None if neither)."""
        if business_id == self.payer_id:
            return ConnectionRole.PAYER
        if business_id == self.payee_id:
            return ConnectionRole.PAYEE
        return None

    def counterparty_id(self, business_id: str) -> str | None:
        return self.payee_id if business_id == self.payer_id else self.payer_id


class ConnectionTag(models.Model):
    """A tag one side put on a connection; the tag's business says whose it is."""

    connection = models.ForeignKey(Connection, on_delete=models.CASCADE, related_name="+")
    tag = models.ForeignKey(Tag, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["connection", "tag"], name="connection_tag_once"),
        ]

    def __str__(self) -> str:
        return f"{self.tag} on {self.connection_id}"
