"""Pages of files: download an attachment, or show it inline for a preview."""

from django.http import FileResponse
from django.views.decorators.clickjacking import xframe_options_sameorigin

from cleopay.core.web import business_page, service_errors
from files import selectors
from files.models import FileType
from files.sniffing import download_name

PREVIEWABLE = {FileType.PDF, FileType.PNG, FileType.JPEG}


@xframe_options_sameorigin
@business_page()
def file_download(request, business_id: str, file_id: str):
    """The file, to whoever may read it (the API's rule); ``?inline=1`` shows a PDF or an image
    in the page (same-origin frames only), anything else downloads."""
    with service_errors():
        record = selectors.file_get(user=request.user, file_id=file_id)
    inline = request.GET.get("inline") == "1" and record.content_type in PREVIEWABLE
    response = FileResponse(
        record.stored.open("rb"),
        as_attachment=not inline,
        filename=download_name(record.original_filename, record.content_type),
        content_type=record.content_type,
    )
    if not (inline and record.content_type == FileType.PDF):
        # Uploaded content never runs scripts in our origin. (Chrome shows no PDF in a sandbox;
        # its viewer runs a PDF isolated from the page anyway.)
        response["Content-Security-Policy"] = "sandbox; default-src 'none'; img-src 'self'"
    return response
