"""Files endpoints: upload (multipart, the only non-JSON request body of the API) and download."""

from django.conf import settings
from django.http import FileResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from accounts.permissions import roles_of
from cleopay.api.views import ApiView
from cleopay.core.errors import PayloadTooLarge, field_error
from files import selectors, services
from files.serializers import FileSerializer
from files.sniffing import download_name

# Room for the multipart boundaries, part headers and the businessId field around the file.
MULTIPART_OVERHEAD = 64 * 1024

UPLOAD_SCHEMA = {
    "multipart/form-data": {
        "type": "object",
        "required": ["file"],
        "properties": {
            "file": {"type": "string", "format": "binary"},
            "businessId": {
                "type": "string",
                "description": "The uploading business; needed when the caller belongs to several.",
            },
        },
    }
}


class FileUploadApi(ApiView):
    parser_classes = [MultiPartParser]

    def initial(self, request, *args, **kwargs):
        # Refuse an oversized body from its Content-Length, before anything reads or stores it.
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.FILE_UPLOAD_MAX_BYTES + MULTIPART_OVERHEAD:
            raise PayloadTooLarge(
                f"The file is larger than {settings.FILE_UPLOAD_MAX_BYTES // (1024 * 1024)} MB."
            )
        super().initial(request, *args, **kwargs)

    def _business_id(self, request) -> str:
        business_id = request.data.get("businessId") or request.query_params.get("businessId")
        if business_id:
            return business_id
        businesses = list(roles_of(request.user))
        if len(businesses) != 1:
            raise field_error("businessId", "Required when you belong to several businesses.")
        return businesses[0]

    @extend_schema(
        operation_id="files_upload",
        request=UPLOAD_SCHEMA,
        responses={201: FileSerializer},
        description="Upload one file (PDF, PNG, JPEG, CSV or XLSX, checked by content; 10 MB at "
        "most, 413 above) to attach to payables.",
    )
    def post(self, request):
        uploads = request.FILES.getlist("file")
        if not uploads:
            raise field_error("file", "Send the file in a multipart field named file.")
        if len(uploads) > 1:
            raise field_error("file", "Send one file per request.")
        record = services.file_upload(
            business_id=self._business_id(request), actor=request.user, upload=uploads[0]
        )
        return Response(FileSerializer(record).data, status=status.HTTP_201_CREATED)


class FileDownloadApi(ApiView):
    @extend_schema(
        operation_id="files_download",
        responses={
            (200, "application/octet-stream"): OpenApiResponse(
                OpenApiTypes.BINARY,
                description="The file, with its Content-Type and Content-Disposition: attachment.",
            )
        },
    )
    def get(self, request, file_id: str):
        record = selectors.file_get(user=request.user, file_id=file_id)
        return FileResponse(
            record.stored.open("rb"),
            as_attachment=True,
            filename=download_name(record.original_filename, record.content_type),
            content_type=record.content_type,
        )
