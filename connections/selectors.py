"""Reads of connections, always through the caller's businesses."""

from django.db.models import Q, QuerySet
from rest_framework.exceptions import NotFound

from accounts.permissions import roles_of
from connections.models import Connection


def connection_queryset_for(*, business_ids) -> QuerySet[Connection]:
    """Connections where any of ``business_ids`` is the payer or the payee."""
    business_ids = list(business_ids)
    return Connection.objects.filter(Q(payer_id__in=business_ids) | Q(payee_id__in=business_ids))


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


def caller_business_id(*, connection: Connection, user, prefer: str | None = None) -> str:
    """The business on whose side ``user`` acts on ``connection``.

    A user who belongs to both sides acts as ``prefer`` (a business ID, e.g. from ``?businessId=``)
    when given, otherwise as the payer.
    """
    roles = roles_of(user)
    sides = [b for b in (connection.payer_id, connection.payee_id) if b is not None and b in roles]
    if not sides:
        raise NotFound("Not found.")
    if prefer in sides:
        return prefer
    return sides[0]
