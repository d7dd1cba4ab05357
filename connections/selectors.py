"""Reads of connections and tags, always through the caller's businesses.

A user who belongs to both sides of a connection acts as the business named by the request's
``?businessId=`` when it is one of those sides, otherwise as the payer (``acting_business_id``).
Accepting an invitation is the exception: there the default is the invited side.
"""

from django.db.models import (
    Case,
    CharField,
    Exists,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Lower, NullIf
from rest_framework.exceptions import NotFound

from accounts.permissions import roles_of
from cleopay.core.expressions import AnyOf
from connections.models import (
    SIDE_EVENT_TYPES,
    Connection,
    ConnectionEvent,
    ConnectionTag,
    Tag,
)


def connection_queryset_for(*, business_ids) -> QuerySet[Connection]:
    """Connections where any of ``business_ids`` is the payer or the payee."""
    return Connection.objects.filter(
        Q(AnyOf("payer_id", business_ids)) | Q(AnyOf("payee_id", business_ids))
    )


def connection_choices(
    *, business_id: str, side: str, status: str | None = None
) -> list[tuple[str, str]]:
    """The business's connections on ``side`` (``payer``: those it pays; ``payee``: those it
    invoices), newest first, as a form's choices: (connection ID, the alias this business gave,
    else the other business's name, else the invited e-mail). Plain rows, not model instances: a
    finance team has a thousand connections, and every filter and editor lists them all.
    """
    other = "payee" if side == "payer" else "payer"
    rows = Connection.objects.filter(**{f"{side}_id": business_id})
    if status:
        rows = rows.filter(status=status)
    rows = rows.order_by("-created_at", "-id").values_list(
        "pk", f"{side}_alias", f"{other}__name", "invited_email"
    )
    return [(pk, alias or name or email) for pk, alias, name, email in rows]


def caller_business_ids(*, user, business_id: str | None = None) -> list[str]:
    """The caller's businesses, or only ``business_id`` when given (404 unless it is theirs)."""
    roles = roles_of(user)
    if business_id:
        if business_id not in roles:
            raise NotFound("Not found.")
        return [business_id]
    return list(roles)


def acting_business_id(
    connection: Connection, business_ids, prefer: str | None = None
) -> str | None:
    """Which of ``business_ids`` speaks on ``connection``: ``prefer`` if it is a side, else the payer."""
    sides = [
        b for b in (connection.payer_id, connection.payee_id) if b is not None and b in business_ids
    ]
    if not sides:
        return None
    if prefer in sides:
        return prefer
    return sides[0]


def _with_visible_tags(queryset: QuerySet[Connection], business_ids) -> QuerySet[Connection]:
    """Each connection's tags of ``business_ids`` (one query per batch, never per row)."""
    return queryset.select_related("payer", "payee").prefetch_related(
        Prefetch(
            "tags",
            queryset=Tag.objects.filter(AnyOf("business_id", business_ids)).order_by("name", "id"),
            to_attr="visible_tags",
        )
    )


def connection_get(*, user, connection_id: str) -> Connection:
    """A connection one of the caller's businesses is part of; any other is a 404."""
    connection = (
        connection_queryset_for(business_ids=roles_of(user).keys())
        .filter(pk=connection_id)
        .select_related("payer", "payee")
        .first()
    )
    if connection is None:
        raise NotFound("Not found.")
    return connection


def connection_detail(*, user, connection_id: str) -> Connection:
    """``connection_get`` with the caller's tags loaded, ready to serialize."""
    business_ids = list(roles_of(user))
    connection = _with_visible_tags(
        connection_queryset_for(business_ids=business_ids).filter(pk=connection_id),
        business_ids,
    ).first()
    if connection is None:
        raise NotFound("Not found.")
    return connection


def caller_business_id(*, connection: Connection, user, prefer: str | None = None) -> str:
    """The business on whose side ``user`` acts on ``connection``.

    A user who belongs to both sides acts as ``prefer`` (a business ID, e.g. from ``?businessId=``)
    when given, otherwise as the payer.
    """
    business_id = acting_business_id(connection, roles_of(user), prefer)
    if business_id is None:
        raise NotFound("Not found.")
    return business_id


def connection_list(
    *,
    business_ids: list[str],
    status: str | None = None,
    tag: str | None = None,
    search: str | None = None,
) -> QuerySet[Connection]:
    """Connections of ``business_ids``, newest first, with their tags of those businesses.

    ``tag`` is a tag ID of one of ``business_ids`` (another business's tag matches nothing);
    ``search`` looks, case-insensitively, in both businesses' names, the invited e-mail and the
    alias the caller's side gave.
    """
    queryset = connection_queryset_for(business_ids=business_ids)
    if status:
        queryset = queryset.filter(status=status)
    if tag:
        queryset = queryset.filter(
            Exists(
                ConnectionTag.objects.filter(
                    connection=OuterRef("pk"), tag_id=tag, tag__business_id__in=business_ids
                )
            )
        )
    if search:
        queryset = queryset.filter(
            Q(payer__name__icontains=search)
            | Q(payee__name__icontains=search)
            | Q(invited_email__icontains=search)
            | Q(payer_id__in=business_ids, payer_alias__icontains=search)
            | Q(payee_id__in=business_ids, payee_alias__icontains=search)
        )
    return _with_visible_tags(queryset, business_ids).order_by("-created_at", "-id")


def connection_event_list(*, connection: Connection, business_id: str) -> QuerySet[ConnectionEvent]:
    """The connection's history as ``business_id`` may see it: shared changes and its own side's."""
    return (
        ConnectionEvent.objects.filter(connection=connection)
        .filter(~Q(type__in=SIDE_EVENT_TYPES) | Q(business_id=business_id))
        .select_related("actor")
        .order_by("created_at", "id")
    )


# --- tags -----------------------------------------------------------------------------------------
def tag_list(*, business_id: str) -> QuerySet[Tag]:
    return Tag.objects.filter(business_id=business_id).order_by("name", "id")


def tag_get(*, user, tag_id: str) -> Tag:
    """A tag of one of the caller's businesses; any other is a 404."""
    tag = Tag.objects.filter(pk=tag_id, business_id__in=list(roles_of(user))).first()
    if tag is None:
        raise NotFound("Not found.")
    return tag


# The orders the connections page may be sorted in (``?sort=``), each ending in the ID.
CONNECTION_SORTS = ("-created", "created", "counterparty", "-counterparty")


def connections_sorted(queryset: QuerySet, *, sort: str, business_id: str) -> QuerySet:
    """``queryset`` (``connection_list``) by creation or by the name the page shows for the other
    business (``business_id``'s alias, else its name, else the invited e-mail); ties by ID."""
    sort = sort if sort in CONNECTION_SORTS else "-created"
    descending = sort.startswith("-")
    if sort.removeprefix("-") == "counterparty":
        key = Lower(
            Case(
                When(
                    payer_id=business_id,
                    then=Coalesce(
                        NullIf(F("payer_alias"), Value("")),
                        F("payee__name"),
                        F("invited_email"),
                        output_field=CharField(),
                    ),
                ),
                default=Coalesce(
                    NullIf(F("payee_alias"), Value("")),
                    F("payer__name"),
                    F("invited_email"),
                    output_field=CharField(),
                ),
            )
        )
    else:
        key = F("created_at")
    first = key.desc() if descending else key.asc()
    return queryset.order_by(first, F("id").desc() if descending else F("id").asc())
