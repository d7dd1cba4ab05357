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

An invitation by e-mail to someone without a business leaves the invited side empty and keeps
``invited_email`` (stored lower-cased); the side is filled in when a user with that e-mail
creates a business (``services.connection_invitations_bind``). At most one open e-mail
invitation exists per inviter, e-mail and direction.

Every change (invitation, binding, acceptance, archive, alias, tags, settings) is a
``ConnectionEvent``: who, for which side, when, and what changed. Events are never edited.
"""

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django_fsm import FSMField, FSMModelMixin, transition

from accounts.models import Business
from cleopay.core.ids import PublicIdField


class ConnectionStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    ACTIVE = "active", "Active"
    ARCHIVED = "archived", "Archived"


class ConnectionRole(models.TextChoices):
    PAYER = "payer", "Payer"
    PAYEE = "payee", "Payee"


# Net payment terms are whole days, from 0 (due on receipt) to a year.
MAX_NET_TERMS = 365


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
            models.CheckConstraint(
                condition=models.Q(net_terms__isnull=True)
                | models.Q(net_terms__gte=0, net_terms__lte=MAX_NET_TERMS),
                name="connection_net_terms_range",
            ),
            # An unbound side needs an e-mail to bind to, and there is one open e-mail
            # invitation per inviter, address and direction.
            models.CheckConstraint(
                condition=(models.Q(payer__isnull=False) & models.Q(payee__isnull=False))
                | ~models.Q(invited_email=""),
                name="connection_unbound_side_has_email",
            ),
            models.UniqueConstraint(
                "payer",
                Lower("invited_email"),
                condition=models.Q(payee__isnull=True),
                name="connection_one_open_email_invite_to_payee",
            ),
            models.UniqueConstraint(
                "payee",
                Lower("invited_email"),
                condition=models.Q(payer__isnull=True),
                name="connection_one_open_email_invite_to_payer",
            ),
        ]
        indexes = [
            models.Index(fields=["payer", "status"], name="connection_payer_status_idx"),
            models.Index(fields=["payee", "status"], name="connection_payee_status_idx"),
            models.Index(
                fields=["invited_email"],
                condition=models.Q(payer__isnull=True) | models.Q(payee__isnull=True),
                name="connection_open_email_idx",
            ),
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

    def alias_of(self, business_id: str) -> str:
        """The alias ``business_id`` gave this connection (each side has its own)."""
        return self.payer_alias if business_id == self.payer_id else self.payee_alias

    @property
    def invited_business_id(self) -> str | None:
        """The side that was invited and may accept (None while an e-mail invitation is unbound)."""
        return self.counterparty_id(self.invited_by_business_id)

    @property
    def is_bound(self) -> bool:
        return self.payer_id is not None and self.payee_id is not None


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


class ConnectionEventType(models.TextChoices):
    INVITED = "invited", "Invited"
    BOUND = "bound", "Invitation bound to a business"
    ACCEPTED = "accepted", "Accepted"
    ARCHIVED = "archived", "Archived"
    ALIAS_CHANGED = "alias_changed", "Alias changed"
    TAGS_CHANGED = "tags_changed", "Tags changed"
    SETTINGS_CHANGED = "settings_changed", "Settings changed"
    # Money on the connection (docs/api/credits.md): the payee issued or voided a credit; both sides see it.
    CREDIT_CREATED = "credit.created", "Credit issued"
    CREDIT_VOIDED = "credit.voided", "Credit voided"


# Alias and tags belong to one side: their events are shown to that side only.
SIDE_EVENT_TYPES = frozenset({ConnectionEventType.ALIAS_CHANGED, ConnectionEventType.TAGS_CHANGED})


class ConnectionEvent(models.Model):
    """One change to a connection: who made it, for which side, when, and what changed."""

    id = PublicIdField(prefix="evt")
    connection = models.ForeignKey(Connection, on_delete=models.CASCADE, related_name="events")
    type = models.CharField(max_length=30, choices=ConnectionEventType.choices)
    # Null for changes the system makes (binding at sign-up).
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The side the actor acted for.
    business = models.ForeignKey(
        Business, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    from_status = models.CharField(max_length=20, blank=True, default="")
    to_status = models.CharField(max_length=20, blank=True, default="")
    # What changed, as {"field": [old, new]} (camelCase names, as in the API).
    changes = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(type__in=ConnectionEventType.values),
                name="connection_event_type_valid",
            ),
        ]
        indexes = [
            models.Index(fields=["connection", "created_at"], name="connection_event_conn_idx"),
        ]
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.type} on {self.connection_id}"
