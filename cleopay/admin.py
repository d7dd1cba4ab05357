from django.contrib import admin

from cleopay.core.models import IdempotencyKey, PendingTask


@admin.register(IdempotencyKey)
class IdempotencyKeyAdmin(admin.ModelAdmin):
    list_display = ["key", "method", "path", "user", "response_status", "created_at"]
    list_filter = ["method", "response_status"]
    search_fields = ["key", "path", "user__email"]
    readonly_fields = [f.name for f in IdempotencyKey._meta.fields]


@admin.register(PendingTask)
class PendingTaskAdmin(admin.ModelAdmin):
    list_display = ["task", "args", "attempts", "created_at"]
    list_filter = ["task"]
    search_fields = ["task", "last_error"]
    readonly_fields = [f.name for f in PendingTask._meta.fields]
