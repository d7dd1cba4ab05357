"""Files: uploads and their limits, the media storage (a folder or an S3 bucket), static files,
backups, CSV imports."""

import os
from datetime import timedelta
from pathlib import Path

from cleopay.settings.env import BASE_DIR, DEBUG, VAR_DIR

# --- Files ----------------------------------------------------------------------------------------
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
MEDIA_URL = "/media/"
# `make backup` writes the database dump and a tar of MEDIA_ROOT here; `make restore` reads them.
BACKUP_DIR = Path(os.environ.get("BACKUP_DIR", VAR_DIR / "backups"))
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Uploaded files live in MEDIA_ROOT, or in an S3-compatible bucket when AWS_STORAGE_BUCKET_NAME
# is set (django-storages; AWS_S3_ENDPOINT_URL for MinIO, Ceph, R2...). Every web host and worker
# must see the same files: with more than one host, use the bucket (README "Running several hosts").
# Files are private either way: the app streams them after the permission check (files.views).
AWS_STORAGE_BUCKET_NAME = os.environ.get("AWS_STORAGE_BUCKET_NAME", "")
if AWS_STORAGE_BUCKET_NAME:
    from botocore.config import Config as _BotoConfig

    MEDIA_STORAGE = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": AWS_STORAGE_BUCKET_NAME,
            "endpoint_url": os.environ.get("AWS_S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("AWS_S3_REGION_NAME") or None,
            # Credentials: AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, or the host's role.
            "access_key": os.environ.get("AWS_ACCESS_KEY_ID") or None,
            "secret_key": os.environ.get("AWS_SECRET_ACCESS_KEY") or None,
            "location": os.environ.get("AWS_LOCATION", ""),
            "default_acl": None,
            "querystring_auth": True,
            "querystring_expire": int(os.environ.get("AWS_QUERYSTRING_EXPIRE", "60")),
            "file_overwrite": False,
            "addressing_style": os.environ.get("AWS_S3_ADDRESSING_STYLE") or None,
            # A bucket that does not answer fails a request (or the readiness probe) in seconds.
            "client_config": _BotoConfig(
                connect_timeout=2, read_timeout=10, retries={"max_attempts": 2}
            ),
        },
    }
else:
    MEDIA_STORAGE = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
STORAGES = {
    "default": MEDIA_STORAGE,
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# Uploads: 10 MB per file (the files endpoint answers 413 above it); JSON bodies stay small.
FILE_UPLOAD_MAX_BYTES = 10 * 1024 * 1024
# One editor request stores at most this many files, this many bytes in all (checked before any
# is stored); Django refuses outright a multipart body with three times as many file parts.
FILE_UPLOADS_PER_REQUEST = int(os.environ.get("FILE_UPLOADS_PER_REQUEST", "10"))
FILE_UPLOAD_MAX_REQUEST_BYTES = (
    int(os.environ.get("FILE_UPLOAD_MAX_REQUEST_MB", "25")) * 1024 * 1024
)
DATA_UPLOAD_MAX_NUMBER_FILES = 3 * FILE_UPLOADS_PER_REQUEST
# What one business may keep in uploaded files, in all.
FILE_STORAGE_QUOTA_BYTES = int(os.environ.get("FILE_STORAGE_QUOTA_MB", "2048")) * 1024 * 1024
# A file attached to no payable this long after its upload is deleted by the beat sweep.
FILE_UNATTACHED_TTL = timedelta(hours=int(os.environ.get("FILE_UNATTACHED_TTL_HOURS", "24")))
# An XLSX (a ZIP archive) with more entries, or more bytes once inflated, is refused.
XLSX_MAX_ENTRIES = 2000
XLSX_MAX_INFLATED_BYTES = 200 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
# CSV imports of payables (imports app, docs/api/imports.md): the largest file and the most rows
# one import takes; a larger file is refused at upload (413), more rows with a clear 400.
IMPORT_MAX_BYTES = int(os.environ.get("IMPORT_MAX_MB", "10")) * 1024 * 1024
IMPORT_MAX_ROWS = int(os.environ.get("IMPORT_MAX_ROWS", "10000"))

# Serve static files straight from the app folders while developing (no collectstatic needed).
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG
