"""JSON of the notifications endpoints (docs/api/notifications.md: id, type, payableId, message, read, createdAt)."""

from rest_framework import serializers

from cleopay.core.api.fields import PublicIdField
from notifications.models import NotificationType


class NotificationSerializer(serializers.Serializer):
    id = serializers.CharField()
    type = serializers.ChoiceField(choices=NotificationType.choices)
    payableId = serializers.CharField(
        source="payable_id",
        allow_null=True,
        help_text="Null for a connection's news and for news about the business.",
    )
    connectionId = serializers.CharField(
        source="connection_id",
        allow_null=True,
        help_text="The connection of a `connection_accepted` notification; null otherwise.",
    )
    businessId = serializers.CharField(
        source="business_id", help_text="The caller's business this notification concerns."
    )
    message = serializers.CharField()
    read = serializers.BooleanField(source="is_read")
    readAt = serializers.DateTimeField(source="read_at", allow_null=True)
    createdAt = serializers.DateTimeField(source="created_at")


class NotificationListParams(serializers.Serializer):
    unread = serializers.ChoiceField(choices=["true", "false"], required=False)
    businessId = PublicIdField(prefix="biz", source="business_id", required=False)


class NotificationsReadAllSerializer(serializers.Serializer):
    updated = serializers.IntegerField(help_text="How many notifications were marked read.")
