from django.contrib import admin

from webhooks.models import Delivery, DeliveryAttempt, Event, WebhookEndpoint


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(admin.ModelAdmin):
    list_display = ["id", "business", "url", "status", "last_success_at", "created_at"]
    list_filter = ["status"]
    search_fields = ["id", "url", "business__name"]
    # The signing secrets stay out of the admin: staff never need to read them.
    exclude = ["secret", "previous_secret"]
    readonly_fields = ["last_success_at", "previous_secret_expires_at"]


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ["id", "business", "type", "subject_id", "dispatched_at", "created_at"]
    list_filter = ["type"]
    search_fields = ["id", "subject_id", "source_id", "business__name"]
    readonly_fields = ["data", "dispatched_at"]


class DeliveryAttemptInline(admin.TabularInline):
    model = DeliveryAttempt
    extra = 0
    readonly_fields = [
        "number",
        "started_at",
        "duration_ms",
        "response_status",
        "error",
        "response_excerpt",
    ]


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ["id", "endpoint", "event", "status", "attempts", "response_status"]
    list_filter = ["status"]
    search_fields = ["id", "endpoint__id", "event__id"]
    inlines = [DeliveryAttemptInline]
    readonly_fields = ["attempts", "last_attempt_at", "response_status", "response_ms"]
