from django.contrib import admin

from files.models import File


@admin.register(File)
class FileAdmin(admin.ModelAdmin):
    list_display = ["original_filename", "id", "business", "content_type", "size", "created_at"]
    list_filter = ["content_type"]
    search_fields = ["id", "original_filename", "sha256", "business__name"]
    list_select_related = ["business"]
    readonly_fields = [f.name for f in File._meta.fields]

    def has_add_permission(self, request):
        return False  # files come in through the API, which checks their content

    def has_change_permission(self, request, obj=None):
        return False
