"""
Files: documents a business uploads to attach to its payables (PDF, PNG, JPEG, CSV, XLSX).

A ``File`` belongs to the business that uploaded it. Its type is decided by its content (magic
bytes, see ``files.sniffing``), never by its name or the client's declared type, and the bytes
live in Django's default storage under ``files/<business>/<file id>`` (the client's filename is
kept only as metadata, so it never reaches a path). Members of the uploading business may read
it, and so may either side of a payable that holds it once that side may see the payable (the
payer never sees drafts). Files are immutable: there is no update, and a file attached to a
payable cannot be deleted (PROTECT).
"""

from django.conf import settings
from django.db import models

from accounts.models import Business
from cleopay.core.ids import PublicIdField


class FileType(models.TextChoices):
    PDF = "application/pdf", "PDF"
    PNG = "image/png", "PNG"
    JPEG = "image/jpeg", "JPEG"
    CSV = "text/csv", "CSV"
    XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "XLSX"


def storage_path(instance: "File", filename: str) -> str:
    # The client's filename never becomes part of the path.
    return f"files/{instance.business_id}/{instance.id}"


class File(models.Model):
    id = PublicIdField(prefix="file")
    business = models.ForeignKey(Business, on_delete=models.PROTECT, related_name="files")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    original_filename = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100, choices=FileType.choices)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    stored = models.FileField(upload_to=storage_path, max_length=255)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(content_type__in=FileType.values), name="file_type_allowed"
            ),
            models.CheckConstraint(condition=models.Q(size__gt=0), name="file_not_empty"),
        ]
        indexes = [
            models.Index(fields=["business", "-created_at"], name="file_business_created_idx")
        ]
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.original_filename} ({self.id})"
