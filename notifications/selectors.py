"""Reads of notifications: always the caller's own, in businesses they still belong to."""

from django.db.models import QuerySet
from rest_framework.exceptions import NotFound

from accounts.permissions import roles_of
from cleopay.core import ids
from cleopay.core.expressions import AnyOf
from notifications.models import Notification


def notification_list(
    *, user, unread: bool | None = None, business_id: str | None = None
) -> QuerySet[Notification]:
    """The caller's notifications, newest first; ``unread`` True/False filters on read state."""
    queryset = Notification.objects.filter(AnyOf("business_id", roles_of(user)), user=user)
    if business_id is not None:
        queryset = queryset.filter(business_id=business_id)
    if unread is not None:
        queryset = queryset.filter(read_at__isnull=unread)
    return queryset.order_by("-created_at", "-id")


def notification_get(*, user, notification_id: str) -> Notification:
    """One of the caller's notifications; anyone else's (or a malformed ID) is a 404."""
    ids.require_id_shape(notification_id, "ntf")
    notification = notification_list(user=user).filter(pk=notification_id).first()
    if notification is None:
        raise NotFound("Not found.")
    return notification
