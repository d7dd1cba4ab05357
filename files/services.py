"""Writes of files: upload (sniff, hash, store through Django's storage API, record)."""

import hashlib
import os
import unicodedata

from django.conf import settings
from django.db import transaction

from accounts.permissions import Capability, require
from cleopay.api.errors import PayloadTooLarge, field_error
from files.models import File
from files.sniffing import sniff

ACCEPTED = "PDF, PNG, JPEG, CSV or XLSX"


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
    record.stored.save(record.id, upload, save=False)
    try:
        with transaction.atomic():
            record.save(force_insert=True)
    except Exception:
        record.stored.delete(save=False)  # no orphan bytes for a row that was never written
        raise
    return record
