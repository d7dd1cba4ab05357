"""
Writes of connections (tags are ``connections.tags``). Each service is one transaction: it locks what it changes,
checks, changes it (status only through the fsm transitions), and records the event in the same
transaction; e-mail goes out after commit (an accepted invitation notifies the inviting business
through ``notifications.services``).

Locks: a connection service locks that one connection row (``FOR NO KEY UPDATE``, so inserts
that merely reference the row, like events and tag links, are not blocked) and then touches its
tag links (a tag service locks that one tag row). No service holds two rows of the same table,
so there is no ordering to get wrong.

Every service takes the actor and authorizes it here, from the one role table
(``accounts.permissions``): the connection or tag is found only among the actor's businesses
(another business's is a 404), and ``business_id``, the side the actor acts for, must be one of
theirs on it with the capability the action needs (403 otherwise): alias and tags INVOICE;
invite, accept, settings and archive ADMINISTER. The rules of the connection itself (which side
may accept, who may set ``autoApprove``) are enforced here too.
"""

from django.db import IntegrityError, transaction
from django.db.models import Q
from django_fsm import can_proceed
from rest_framework.exceptions import NotFound, PermissionDenied

from accounts.models import Business, Membership, Role
from accounts.permissions import Capability, require
from accounts.quota import invitation_quota_take
from cleopay.core.errors import Conflict, ConflictCode, InvalidTransition, field_error
from cleopay.core.publish import publish_on_commit
from connections import events
from connections.models import (
    Connection,
    ConnectionEventType,
    ConnectionRole,
    ConnectionStatus,
    ConnectionTag,
    Tag,
)
from connections.signals import connection_accepted
from connections.tasks import send_connection_invitation_email

# Roles whose holders answer for a business's connections (and receive its invitations).
CONNECTION_ADMIN_ROLES = (Role.OWNER, Role.ADMIN)


def connection_authorize(
    *, connection: Connection, actor, business_id: str, capability: Capability
) -> str:
    """``actor`` acts for ``business_id`` on ``connection``: 404 unless that business is a side
    of it and one of the actor's, 403 unless their role there allows ``capability``."""
    if business_id not in (connection.payer_id, connection.payee_id):
        raise NotFound("Not found.")
    return require(actor, business_id, capability)


def _lock(connection_id: str, *, actor, business_id: str, capability: Capability) -> Connection:
    """The connection, locked, once ``actor`` may act on it for ``business_id`` (404/403)."""
    connection = (
        Connection.objects.select_for_update(of=("self",), no_key=True)
        .select_related("payer", "payee")
        .filter(pk=connection_id)
        .first()
    )
    if connection is None:
        raise NotFound("Not found.")
    connection_authorize(
        connection=connection, actor=actor, business_id=business_id, capability=capability
    )
    return connection


def _business_of_email(email: str) -> Business | None:
    """The business whose owner or admin has this e-mail, when there is exactly one.

    Only a verified address counts (docs/trust.md): anyone can sign up with someone else's.
    """
    business_ids = list(
        Membership.objects.filter(
            user__email=email,
            user__email_verified_at__isnull=False,
            role__in=CONNECTION_ADMIN_ROLES,
        )
        .values_list("business_id", flat=True)
        .distinct()[:2]
    )
    if len(business_ids) != 1:
        return None
    return Business.objects.get(pk=business_ids[0])


# --- invitations ---------------------------------------------------------------------------------
@transaction.atomic
def connection_invite(
    *,
    business_id: str,
    actor,
    my_role: str,
    counterparty_business_id: str | None = None,
    counterparty_email: str | None = None,
    net_terms: int | None = None,
    alias: str = "",
) -> Connection:
    """Invite a business (by ID, or by e-mail) to a pending connection; ``my_role`` is ours.

    An e-mail of the owner or admin of exactly one business invites that business; any other
    e-mail is kept and bound when a business is created by a user with that address.
    """
    require(actor, business_id, Capability.ADMINISTER)
    email = ""
    if counterparty_business_id:
        field = "counterpartyBusinessId"
        counterparty = Business.objects.filter(pk=counterparty_business_id).first()
        if counterparty is None:
            raise field_error(field, "No business has this ID.")
    else:
        field = "counterpartyEmail"
        email = counterparty_email.strip().lower()
        counterparty = _business_of_email(email)
    if counterparty is not None and counterparty.pk == business_id:
        raise field_error(field, "A business cannot connect to itself.")

    # Each invitation e-mails someone from the platform's address: a daily cap per business.
    invitation_quota_take(business_id=business_id)
    counterparty_id = counterparty.pk if counterparty is not None else None
    if my_role == ConnectionRole.PAYER:
        payer_id, payee_id = business_id, counterparty_id
    else:
        payer_id, payee_id = counterparty_id, business_id
    connection = Connection(
        payer_id=payer_id,
        payee_id=payee_id,
        invited_by_business_id=business_id,
        invited_email=email,
        net_terms=net_terms,
        created_by=actor,
    )
    if my_role == ConnectionRole.PAYER:
        connection.payer_alias = alias
    else:
        connection.payee_alias = alias
    try:
        with transaction.atomic():
            connection.save(force_insert=True)
    except IntegrityError:
        # The unique constraints are the check: one connection per pair and direction, one
        # open e-mail invitation per inviter, address and direction.
        existing = Connection.objects.filter(payer_id=payer_id, payee_id=payee_id)
        if counterparty_id is None:
            existing = existing.filter(invited_email=email)
        existing_id = existing.values_list("pk", flat=True).first()
        raise Conflict(
            "A connection between these businesses in this direction already exists.",
            code=ConflictCode.DUPLICATE,
            connectionId=existing_id,
        ) from None

    events.connection_invited_event(connection=connection, actor=actor, business_id=business_id)
    publish_on_commit(send_connection_invitation_email, connection.pk)
    return connection


@transaction.atomic
def connection_invitations_bind(*, business: Business, user) -> list[Connection]:
    """Point the open e-mail invitations to ``user``'s address at ``business`` (just created,
    or the one they own when their address is verified); nothing for an unverified address."""
    email = (user.email or "").strip().lower()
    if not email or not user.email_verified:
        return []
    candidates = (
        Connection.objects.select_for_update(of=("self",), no_key=True)
        .filter(Q(payer__isnull=True) | Q(payee__isnull=True), invited_email=email)
        .exclude(invited_by_business_id=business.pk)
        .order_by("created_at", "id")
    )
    bound = []
    for connection in candidates:
        side = "payer" if connection.payer_id is None else "payee"
        setattr(connection, side, business)
        try:
            with transaction.atomic():
                connection.save(update_fields=[side, "updated_at"])
        except IntegrityError:
            # The pair is already connected in this direction: leave this invitation open
            # rather than fail the sign-up.
            continue
        events.connection_bound_event(connection=connection, actor=user, business_id=business.pk)
        bound.append(connection)
    return bound


# --- status --------------------------------------------------------------------------------------
@transaction.atomic
def connection_accept(*, connection_id: str, actor, business_id: str) -> Connection:
    """The invited side accepts: ``pending`` → ``active``."""
    connection = _lock(
        connection_id, actor=actor, business_id=business_id, capability=Capability.ADMINISTER
    )
    if business_id != connection.invited_business_id:
        raise PermissionDenied("Only the invited business can accept this invitation.")
    if not can_proceed(connection.accept):
        raise InvalidTransition(
            action="accept", current_status=connection.status, noun="connection"
        )
    from_status = connection.status
    connection.accept()
    connection.save(update_fields=["status", "accepted_at", "updated_at"])
    events.connection_status_event(
        connection=connection,
        type=ConnectionEventType.ACCEPTED,
        actor=actor,
        business_id=business_id,
        from_status=from_status,
    )
    connection_accepted.send(sender=Connection, connection=connection)
    return connection


@transaction.atomic
def connection_archive(*, connection_id: str, actor, business_id: str) -> Connection:
    """Either side archives a pending or active connection; it then takes no new payables."""
    connection = _lock(
        connection_id, actor=actor, business_id=business_id, capability=Capability.ADMINISTER
    )
    if not can_proceed(connection.archive):
        raise InvalidTransition(
            action="archive", current_status=connection.status, noun="connection"
        )
    from_status = connection.status
    connection.archive()
    connection.save(update_fields=["status", "archived_at", "updated_at"])
    events.connection_status_event(
        connection=connection,
        type=ConnectionEventType.ARCHIVED,
        actor=actor,
        business_id=business_id,
        from_status=from_status,
    )
    return connection


# --- each side's view ----------------------------------------------------------------------------
@transaction.atomic
def connection_set_alias(*, connection_id: str, actor, business_id: str, alias: str) -> Connection:
    """Set the alias ``business_id`` sees; the other side's alias is untouched."""
    connection = _lock(
        connection_id, actor=actor, business_id=business_id, capability=Capability.INVOICE
    )
    old = connection.alias_of(business_id)
    if old == alias:
        return connection
    field = (
        "payer_alias" if connection.role_of(business_id) == ConnectionRole.PAYER else "payee_alias"
    )
    setattr(connection, field, alias)
    connection.save(update_fields=[field, "updated_at"])
    events.connection_alias_changed_event(
        connection=connection, actor=actor, business_id=business_id, old=old, new=alias
    )
    return connection


@transaction.atomic
def connection_set_tags(
    *, connection_id: str, actor, business_id: str, tag_ids: list[str]
) -> Connection:
    """Replace ``business_id``'s tags on the connection; each must be a tag of that business."""
    wanted = list(dict.fromkeys(tag_ids))
    connection = _lock(
        connection_id, actor=actor, business_id=business_id, capability=Capability.INVOICE
    )
    known = set(
        Tag.objects.filter(business_id=business_id, pk__in=wanted).values_list("pk", flat=True)
    )
    unknown = [tag_id for tag_id in wanted if tag_id not in known]
    if unknown:
        raise field_error("tagIds", f"Not a tag of this business: {', '.join(unknown)}.")

    links = ConnectionTag.objects.filter(connection=connection, tag__business_id=business_id)
    current = set(links.values_list("tag_id", flat=True))
    if current == set(wanted):
        return connection
    links.exclude(tag_id__in=wanted).delete()
    try:
        with transaction.atomic():
            ConnectionTag.objects.bulk_create(
                [
                    ConnectionTag(connection=connection, tag_id=tag_id)
                    for tag_id in wanted
                    if tag_id not in current
                ]
            )
    except IntegrityError:
        # A tag deleted by someone else since it was checked above.
        raise field_error("tagIds", "A tag was deleted meanwhile; reload and try again.") from None
    connection.save(update_fields=["updated_at"])
    events.connection_tags_changed_event(
        connection=connection,
        actor=actor,
        business_id=business_id,
        old=sorted(current),
        new=sorted(wanted),
    )
    return connection


# --- shared settings -----------------------------------------------------------------------------
SETTINGS_FIELDS = {"net_terms": "netTerms", "auto_approve": "autoApprove"}


@transaction.atomic
def connection_update_settings(
    *, connection_id: str, actor, business_id: str, changes: dict
) -> Connection:
    """Change the shared settings named in ``changes`` (``net_terms``, ``auto_approve``).

    Only the payer decides whether its incoming payables approve themselves.
    """
    connection = _lock(
        connection_id, actor=actor, business_id=business_id, capability=Capability.ADMINISTER
    )
    if "auto_approve" in changes and connection.role_of(business_id) != ConnectionRole.PAYER:
        raise PermissionDenied("Only the payer can set autoApprove.")
    changed = {}
    for field, value in changes.items():
        old = getattr(connection, field)
        if old != value:
            setattr(connection, field, value)
            changed[field] = [old, value]
    if not changed:
        return connection
    connection.save(update_fields=[*changed, "updated_at"])
    events.connection_settings_changed_event(
        connection=connection,
        actor=actor,
        business_id=business_id,
        changes={SETTINGS_FIELDS[field]: values for field, values in changed.items()},
    )
    return connection


def connection_lock_for_payee(*, business_id: str, connection_id: str, takes: str) -> Connection:
    """The connection, locked, for a new document the payee ``business_id`` sends on it
    (``takes``: "payables", "credits"): it must be active and have that business as payee.

    The lock (FOR NO KEY UPDATE, compatible with the new rows' foreign-key checks) queues
    creations on one connection, which keeps generated invoice numbers sequential, and makes an
    archive that runs at the same moment wait for the new document, or the document wait for it.
    """
    connection = (
        Connection.objects.select_for_update(no_key=True, of=("self",))
        .select_related("payer", "payee")
        .filter(pk=connection_id, payee_id=business_id)
        .first()
    )
    if connection is None:
        raise field_error(
            "connectionId", "No active connection with this ID where this business is the payee."
        )
    if connection.status != ConnectionStatus.ACTIVE or connection.payer_id is None:
        raise field_error(
            "connectionId",
            f"This connection is {connection.status}: only an active connection takes {takes}.",
        )
    return connection
