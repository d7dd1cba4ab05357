from django.contrib import admin

from credits.models import Credit, CreditApplication


@admin.register(Credit)
class CreditAdmin(admin.ModelAdmin):
    list_display = ["id", "payee", "payer", "amount", "amount_applied", "status", "created_at"]
    list_filter = ["status"]
    search_fields = ["id", "credit_number", "payee__name", "payer__name"]
    readonly_fields = ["amount_applied", "status"]


@admin.register(CreditApplication)
class CreditApplicationAdmin(admin.ModelAdmin):
    list_display = ["credit", "payable", "amount", "created_at"]
    search_fields = ["credit__id", "payable__id"]
