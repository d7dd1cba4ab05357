"""Admin for platform staff: read what happened; statuses change only through the services."""

from django.contrib import admin

from payables.models import (
    LedgerTransfer,
    LineItem,
    Payable,
    PayableAttachment,
    PayableEvent,
    PayableTag,
    Payment,
)


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_readonly_fields(self, request, obj=None):
        # Shown, never a form field: the primary key (`id`) is not editable and would make the
        # inline's form class fail to build.
        return self.fields


class LineItemInline(ReadOnlyInline):
    model = LineItem
    fields = ["position", "description", "quantity", "unit_price", "total", "accounting_category"]


class AttachmentInline(ReadOnlyInline):
    model = PayableAttachment
    fields = ["position", "file"]


class TagInline(ReadOnlyInline):
    model = PayableTag
    fields = ["tag"]


class PaymentInline(ReadOnlyInline):
    model = Payment
    fields = ["id", "amount", "scheduled_for", "status", "rail_reference", "failure_reason"]


class EventInline(ReadOnlyInline):
    model = PayableEvent
    fields = [
        "position",
        "type",
        "actor",
        "business",
        "from_status",
        "to_status",
        "note",
        "created_at",
    ]


@admin.register(Payable)
class PayableAdmin(admin.ModelAdmin):
    list_display = [
        "invoice_number",
        "id",
        "payee",
        "payer",
        "status",
        "amount",
        "due_date",
        "created_at",
    ]
    list_filter = ["status", "approval_status", "due_date", "created_at"]
    search_fields = ["id", "invoice_number", "memo", "payee__name", "payer__name"]
    list_select_related = ["payee", "payer"]
    date_hierarchy = "created_at"
    inlines = [LineItemInline, AttachmentInline, TagInline, PaymentInline, EventInline]

    def get_readonly_fields(self, request, obj=None):
        # Every field: a status or an amount edited here would skip the rules and the timeline.
        return [f.name for f in Payable._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(Payment)
class PaymentAdmin(admin.ModelAdmin):
    list_display = ["id", "payable", "amount", "scheduled_for", "status", "rail", "created_at"]
    list_filter = ["status", "rail", "scheduled_for"]
    search_fields = ["id", "payable__id", "payable__invoice_number", "rail_reference"]
    list_select_related = ["payable"]
    readonly_fields = [f.name for f in Payment._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(PayableEvent)
class PayableEventAdmin(admin.ModelAdmin):
    list_display = ["payable", "position", "type", "actor", "business", "to_status", "created_at"]
    list_filter = ["type", "to_status"]
    search_fields = ["payable__id", "payable__invoice_number", "actor__email", "note"]
    list_select_related = ["payable", "actor", "business"]
    readonly_fields = [f.name for f in PayableEvent._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(LedgerTransfer)
class LedgerTransferAdmin(admin.ModelAdmin):
    list_display = ["reference", "payment", "payer", "payee", "amount", "created_at"]
    search_fields = ["reference", "payment__id", "payer__name", "payee__name"]
    list_select_related = ["payer", "payee"]
    readonly_fields = ["payment", "payer", "payee", "amount", "reference", "created_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
