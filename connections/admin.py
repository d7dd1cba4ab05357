from django.contrib import admin

from connections.models import Connection, ConnectionEvent, ConnectionTag, Tag


class ConnectionTagInline(admin.TabularInline):
    model = ConnectionTag
    extra = 0
    autocomplete_fields = ["tag"]


class ConnectionEventInline(admin.TabularInline):
    """The connection's history, read-only: events are never edited."""

    model = ConnectionEvent
    extra = 0
    can_delete = False
    fields = ["created_at", "type", "actor", "business", "from_status", "to_status", "changes"]
    readonly_fields = fields
    ordering = ["created_at", "id"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Connection)
class ConnectionAdmin(admin.ModelAdmin):
    list_display = ["id", "payer", "payee", "status", "net_terms", "auto_approve", "created_at"]
    list_filter = ["status", "auto_approve"]
    search_fields = [
        "id",
        "payer__name",
        "payee__name",
        "invited_email",
        "payer_alias",
        "payee_alias",
    ]
    list_select_related = ["payer", "payee"]
    readonly_fields = ["id", "status", "created_at", "updated_at", "accepted_at", "archived_at"]
    autocomplete_fields = ["payer", "payee", "invited_by_business", "created_by"]
    inlines = [ConnectionTagInline, ConnectionEventInline]


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "business", "created_at"]
    search_fields = ["name", "business__name"]
    list_select_related = ["business"]


@admin.register(ConnectionEvent)
class ConnectionEventAdmin(admin.ModelAdmin):
    list_display = ["created_at", "type", "connection", "business", "actor"]
    list_filter = ["type"]
    search_fields = ["id", "connection__id", "actor__email", "business__name"]
    list_select_related = ["connection__payer", "connection__payee", "business", "actor"]
    readonly_fields = [
        "id",
        "connection",
        "type",
        "actor",
        "business",
        "from_status",
        "to_status",
        "changes",
        "created_at",
    ]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
