"""Writes of files: upload (sniff, hash, check the business's quota, store through Django's
storage API, record), the limits of one request, and the sweep of files nobody attached."""

import hashlib
import logging
import os
import unicodedata

from django.conf import settings
from django.db import transaction
from django.db.models import ProtectedError, Sum
from django.utils import timezone

from accounts.models import Business
from accounts.permissions import Capability, require
from cleopay.core.errors import PayloadTooLarge, field_error
from files.models import File
from files.sniffing import sniff

logger = logging.getLogger(__name__)

ACCEPTED = "PDF, PNG, JPEG, CSV or XLSX"


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.0f} MB"


def uploads_check(uploads: list) -> None:
    """Refuse a request's files as a whole, before any is stored: too many, or too large in all
    (413)."""
    if len(uploads) > settings.FILE_UPLOADS_PER_REQUEST:
        raise PayloadTooLarge(
            f"Send at most {settings.FILE_UPLOADS_PER_REQUEST} files at once "
            f"({len(uploads)} were sent)."
        )
    total = sum(upload.size for upload in uploads)
    if total > settings.FILE_UPLOAD_MAX_REQUEST_BYTES:
        raise PayloadTooLarge(
            f"The files come to {_megabytes(total)}; at most "
            f"{_megabytes(settings.FILE_UPLOAD_MAX_REQUEST_BYTES)} may be sent at once."
        )


def business_storage_used(*, business_id: str) -> int:
    """Bytes the business's files take."""
    return File.objects.filter(business_id=business_id).aggregate(total=Sum("size"))["total"] or 0


def file_delete_unattached(*, file_ids: list[str]) -> int:
    """Delete, bytes and rows, those of ``file_ids`` that no payable holds (a refused request's
    uploads). Returns how many were deleted."""
    deleted = 0
    for record in File.objects.filter(pk__in=file_ids, payable_links__isnull=True):
        try:
            with transaction.atomic():
                record.delete()
        except ProtectedError:  # attached to a payable in the meantime: it stays
            continue
        _delete_bytes(record)
        deleted += 1
    return deleted


def _delete_bytes(record: File) -> None:
    try:
        record.stored.storage.delete(record.stored.name)
    except OSError:  # gone already, or the disk refused: the row is gone either way
        logger.warning("could not delete the bytes of %s (%s)", record.pk, record.stored.name)


def sweep_unattached_files(*, older_than=None, limit: int = 1000) -> int:
    """Delete files attached to no payable that were uploaded more than ``FILE_UNATTACHED_TTL``
    ago (beat task). Returns how many were deleted."""
    before = timezone.now() - (older_than or settings.FILE_UNATTACHED_TTL)
    ids = list(
        File.objects.filter(created_at__lt=before, payable_links__isnull=True)
        .order_by("created_at")
        .values_list("pk", flat=True)[:limit]
    )
    return file_delete_unattached(file_ids=ids)


def clean_filename(name: str) -> str:
    """The client's filename as metadata: its last path part, printable, at most 255 characters."""
    name = os.path.basename((name or "").replace("\\", "/"))
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip()
    if len(name) > 255:
        stem, ext = os.path.splitext(name)
        name = stem[: 255 - len(ext[:20])] + ext[:20]
    return name or "upload"


def file_upload(*, business_id: str, actor, upload) -> File:
    """Store an uploaded file for ``business_id`` (413 above FILE_UPLOAD_MAX_BYTES, 400 if the
    content is not a type we accept)."""
    require(actor, business_id, Capability.INVOICE)
    if upload.size > settings.FILE_UPLOAD_MAX_BYTES:
        raise PayloadTooLarge(
            f"The file is larger than {settings.FILE_UPLOAD_MAX_BYTES // (1024 * 1024)} MB."
        )
    if upload.size == 0:
        raise field_error("file", "The file is empty.")
    filename = clean_filename(upload.name)
    content_type = sniff(upload, filename)
    if content_type is None:
        raise field_error(
            "file", f"Unsupported file type: the content must be {ACCEPTED} (checked by content)."
        )
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)

    record = File(
        business_id=business_id,
        uploaded_by=actor,
        original_filename=filename,
        content_type=content_type,
        size=upload.size,
        sha256=digest.hexdigest(),
    )
    try:
        with transaction.atomic():
            # The business row is the quota's lock: two uploads at once cannot both squeeze in.
            Business.objects.select_for_update().filter(pk=business_id).first()
            used = business_storage_used(business_id=business_id)
            if used + upload.size > settings.FILE_STORAGE_QUOTA_BYTES:
                raise PayloadTooLarge(
                    "This business's files would exceed its storage quota of "
                    f"{_megabytes(settings.FILE_STORAGE_QUOTA_BYTES)} "
                    f"({_megabytes(used)} used). Delete drafts' attachments or ask support."
                )
            record.stored.save(record.id, upload, save=False)
            record.save(force_insert=True)
    except Exception:
        if record.stored.name:
            _delete_bytes(record)  # no orphan bytes for a row that was never written
        raise
    return record
