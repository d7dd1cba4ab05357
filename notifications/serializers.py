"""JSON of the notifications endpoints (docs/api/notifications.md: id, type, payableId, message, read, createdAt)."""

from rest_framework import serializers

from cleopay.core.api.fields import PublicIdField, StrictBooleanField
from notifications.models import DigestFrequency, NotificationType


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


class NotificationSettingsSerializer(serializers.Serializer):
    """The caller's e-mail choices: every type the app sends, on or off, and the digest."""

    email = serializers.DictField(
        child=serializers.BooleanField(),
        help_text="Every notification type, true when it is sent by e-mail: "
        + ", ".join(f"`{value}`" for value in NotificationType.values)
        + ".",
    )
    digest = serializers.ChoiceField(
        choices=DigestFrequency.choices,
        help_text="`daily`: one e-mail a day (after 08:00 in your time zone) with the "
        "notifications of the day, instead of one e-mail each.",
    )


class NotificationSettingsInput(serializers.Serializer):
    email = serializers.DictField(
        child=StrictBooleanField(),
        required=False,
        help_text="Types to turn on (true) or off (false); types not named keep their choice.",
    )
    digest = serializers.ChoiceField(choices=DigestFrequency.choices, required=False)

    def validate_email(self, value):
        unknown = {
            key: [f"Unknown notification type: {key}."]
            for key in value
            if key not in NotificationType.values
        }
        if unknown:
            raise serializers.ValidationError(unknown)
        return value

    def validate(self, attrs):
        unknown = (
            set(self.initial_data) - set(self.fields)
            if isinstance(self.initial_data, dict)
            else set()
        )
        if unknown:
            raise serializers.ValidationError(
                {key: ["Unknown setting."] for key in sorted(unknown)}
            )
        if not attrs:
            raise serializers.ValidationError("Name a setting: email or digest.")
        return attrs
