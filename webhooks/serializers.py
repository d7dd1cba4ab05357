from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from cleopay.core.api.fields import StrictCharField
from webhooks.models import EndpointStatus
from webhooks.rendering import EVENT_TYPES

EVENTS_HELP = 'Event types to receive, or ["*"] for all: ' + ", ".join(EVENT_TYPES) + "."


class WebhookCreateInput(serializers.Serializer):
    url = StrictCharField(max_length=2000, help_text="https:// URL receiving the POSTs.")
    events = serializers.ListField(
        child=StrictCharField(max_length=40), min_length=1, max_length=50, help_text=EVENTS_HELP
    )
    description = StrictCharField(max_length=500, required=False, allow_blank=True, default="")


class WebhookUpdateInput(serializers.Serializer):
    url = StrictCharField(max_length=2000, required=False)
    events = serializers.ListField(
        child=StrictCharField(max_length=40),
        min_length=1,
        max_length=50,
        required=False,
        help_text=EVENTS_HELP,
    )
    description = StrictCharField(max_length=500, required=False, allow_blank=True)
    status = serializers.ChoiceField(choices=EndpointStatus.choices, required=False)


class WebhookSerializer(serializers.Serializer):
    id = serializers.CharField()
    url = serializers.CharField()
    events = serializers.ListField(child=serializers.CharField())
    description = serializers.CharField()
    status = serializers.ChoiceField(choices=EndpointStatus.choices)
    disabledReason = serializers.CharField(
        source="disabled_reason", help_text="Why the system disabled it, if it did."
    )
    createdAt = serializers.DateTimeField(source="created_at")
    updatedAt = serializers.DateTimeField(source="updated_at")


class WebhookWithSecretSerializer(WebhookSerializer):
    secret = serializers.CharField(help_text="whsec_...: shown in this response only.")


class DeliveryAttemptSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    startedAt = serializers.DateTimeField(source="started_at")
    durationMs = serializers.IntegerField(source="duration_ms")
    responseStatus = serializers.IntegerField(source="response_status", allow_null=True)
    error = serializers.CharField()
    responseExcerpt = serializers.CharField(
        source="response_excerpt", help_text="The first bytes of the answer."
    )


class DeliverySerializer(serializers.Serializer):
    id = serializers.CharField()
    webhookId = serializers.CharField(source="endpoint_id")
    eventId = serializers.CharField(source="event_id")
    eventType = serializers.CharField(source="event.type")
    status = serializers.CharField(help_text="pending, succeeded or failed.")
    attempts = serializers.IntegerField()
    responseStatus = serializers.IntegerField(source="response_status", allow_null=True)
    responseTimeMs = serializers.IntegerField(source="response_ms", allow_null=True)
    lastError = serializers.CharField(source="last_error")
    lastAttemptAt = serializers.DateTimeField(source="last_attempt_at", allow_null=True)
    nextAttemptAt = serializers.SerializerMethodField()
    history = DeliveryAttemptSerializer(source="history.all", many=True)
    createdAt = serializers.DateTimeField(source="created_at")

    @extend_schema_field(serializers.DateTimeField(allow_null=True))
    def get_nextAttemptAt(self, obj):
        if obj.status != "pending" or obj.next_attempt_at is None:
            return None
        return serializers.DateTimeField().to_representation(obj.next_attempt_at)


class EventSerializer(serializers.Serializer):
    """An event as the feed lists it and a delivery's body carries it."""

    id = serializers.CharField()
    type = serializers.CharField()
    createdAt = serializers.DateTimeField()
    businessId = serializers.CharField()
    data = serializers.DictField(help_text="The object as this business's API returns it.")


class EventFeedQuery(serializers.Serializer):
    type = StrictCharField(
        required=False, max_length=2000, help_text="One event type or several, comma-separated."
    )
    createdAfter = serializers.DateTimeField(required=False, help_text="On or after (ISO 8601).")
    createdBefore = serializers.DateTimeField(required=False, help_text="Before (ISO 8601).")

    def validate_type(self, value: str) -> list[str]:
        types = [t.strip() for t in value.split(",") if t.strip()]
        unknown = [t for t in types if t not in EVENT_TYPES]
        if unknown:
            raise serializers.ValidationError(f"Unknown event type {unknown[0]!r}.")
        return types
