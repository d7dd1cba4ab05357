"""What a file is, from its bytes: PDF, PNG, JPEG, CSV or XLSX, or nothing we accept.

The name and the client's declared type are not trusted. CSV has no magic bytes, so a file is
CSV when all of it is UTF-8 text without NUL characters and its name ends in ``.csv`` (any text
would otherwise pass as CSV). An XLSX is a ZIP archive holding ``[Content_Types].xml`` and an
``xl/`` folder; only its directory is read, nothing is extracted. An archive with more than
``XLSX_MAX_ENTRIES`` entries, or whose entries would inflate past ``XLSX_MAX_INFLATED_BYTES``
(a zip bomb, waiting for whoever opens it), is refused.
"""

import codecs
import zipfile

from django.conf import settings

from files.models import FileType

PDF_MAGIC = b"%PDF-"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
JPEG_MAGIC = b"\xff\xd8\xff"
ZIP_MAGIC = b"PK\x03\x04"


def _is_xlsx(upload) -> bool:
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            entries = archive.infolist()
            if len(entries) > settings.XLSX_MAX_ENTRIES:
                return False
            if sum(entry.file_size for entry in entries) > settings.XLSX_MAX_INFLATED_BYTES:
                return False
            names = [entry.filename for entry in entries]
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError, KeyError):
        return False
    finally:
        upload.seek(0)
    return "[Content_Types].xml" in names and any(name.startswith("xl/") for name in names)


def _is_utf8_text(upload) -> bool:
    upload.seek(0)
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        for chunk in upload.chunks():
            if b"\x00" in chunk:
                return False
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    finally:
        upload.seek(0)
    return True


def sniff(upload, filename: str) -> str | None:
    """The file's content type (a ``FileType`` value), or None when it is not one we accept."""
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if head.startswith(PDF_MAGIC):
        return FileType.PDF
    if head.startswith(PNG_MAGIC):
        return FileType.PNG
    if head.startswith(JPEG_MAGIC):
        return FileType.JPEG
    if head.startswith(ZIP_MAGIC):
        return FileType.XLSX if _is_xlsx(upload) else None
    if filename.lower().endswith(".csv") and _is_utf8_text(upload):
        return FileType.CSV
    return None


# The extensions a download may carry for each type; the first is given when the name has none.
EXTENSIONS = {
    FileType.PDF: (".pdf",),
    FileType.PNG: (".png",),
    FileType.JPEG: (".jpg", ".jpeg"),
    FileType.CSV: (".csv",),
    FileType.XLSX: (".xlsx",),
}


def download_name(filename: str, content_type: str) -> str:
    """``filename`` with an extension that matches the type found in its bytes: a PDF uploaded
    as ``report.html`` downloads as ``report.html.pdf``, so nothing opens it as a web page."""
    allowed = EXTENSIONS.get(content_type, ())
    if not allowed or filename.lower().endswith(allowed):
        return filename
    return f"{filename}{allowed[0]}"
