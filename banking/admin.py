"""Admin: bank accounts show the last four digits only; the encrypted number is never a field."""

from django.contrib import admin

from banking.models import BankAccount, BankAccountEvent, PaymentRun, PaymentRunItem


@admin.register(BankAccount)
class BankAccountAdmin(admin.ModelAdmin):
    list_display = ["id", "business", "name", "account_number_last4", "status", "default_for"]
    list_filter = ["status", "account_type"]
    search_fields = ["id", "name", "business__name"]
    exclude = ["account_number_encrypted"]
    readonly_fields = [
        "id",
        "business",
        "routing_number",
        "account_number_last4",
        "account_type",
        "status",
        "default_for",
        "micro_deposit_1",
        "micro_deposit_2",
        "verification_attempts",
        "created_by",
        "verified_at",
        "deleted_at",
    ]

    def has_add_permission(self, request):
        return False  # accounts are added through the product, which encrypts the number


@admin.register(BankAccountEvent)
class BankAccountEventAdmin(admin.ModelAdmin):
    list_display = ["bank_account", "type", "actor", "note", "created_at"]
    list_filter = ["type"]


class PaymentRunItemInline(admin.TabularInline):
    model = PaymentRunItem
    extra = 0
    readonly_fields = ["payable", "payment", "amount", "receiving_account"]
    can_delete = False


@admin.register(PaymentRun)
class PaymentRunAdmin(admin.ModelAdmin):
    list_display = ["id", "payer", "scheduled_for", "total", "settlement", "status", "created_at"]
    list_filter = ["status", "settlement"]
    search_fields = ["id", "payer__name"]
    readonly_fields = ["status", "total", "sent_at", "sent_by"]
    inlines = [PaymentRunItemInline]
