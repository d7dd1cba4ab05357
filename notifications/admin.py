from django.contrib import admin

from notifications.models import Notification, NotificationSettings


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = [
        "id",
        "type",
        "user",
        "business",
        "payable",
        "created_at",
        "read_at",
        "emailed_at",
    ]
    list_filter = [
        "type",
        ("read_at", admin.EmptyFieldListFilter),
        ("emailed_at", admin.EmptyFieldListFilter),
    ]
    search_fields = [
        "id",
        "user__email",
        "business__name",
        "payable__id",
        "payable__invoice_number",
    ]
    list_select_related = ["user", "business", "payable"]
    raw_id_fields = ["user", "business", "payable"]
    readonly_fields = ["id", "created_at"]
    date_hierarchy = "created_at"


@admin.register(NotificationSettings)
class NotificationSettingsAdmin(admin.ModelAdmin):
    list_display = ["user", "digest", "digest_sent_on", "updated_at"]
    list_filter = ["digest"]
    search_fields = ["user__email"]
    list_select_related = ["user"]
    raw_id_fields = ["user"]
    readonly_fields = ["digest_sent_on", "updated_at"]
