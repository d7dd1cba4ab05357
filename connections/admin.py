from django.contrib import admin

from connections.models import Connection, ConnectionTag, Tag


class ConnectionTagInline(admin.TabularInline):
    model = ConnectionTag
    extra = 0
    autocomplete_fields = ["tag"]


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
    inlines = [ConnectionTagInline]


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "business", "created_at"]
    search_fields = ["name", "business__name"]
    list_select_related = ["business"]
