"""Imports of payables from CSV (docs/api/imports.md): thin views over selectors and services."""

from django.conf import settings
from django.http import StreamingHttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from accounts.permissions import Capability
from cleopay.api.views import ApiView, BusinessApiView
from cleopay.core.errors import PayloadTooLarge, field_error
from imports import exports, selectors, services
from imports.models import ImportMode
from imports.serializers import ImportDetailSerializer, ImportSerializer

# Room for the multipart boundaries, part headers and the mode field around the file.
MULTIPART_OVERHEAD = 64 * 1024

UPLOAD_SCHEMA = {
    "multipart/form-data": {
        "type": "object",
        "required": ["file"],
        "properties": {
            "file": {"type": "string", "format": "binary", "description": "The CSV file."},
            "mode": {
                "type": "string",
                "enum": ImportMode.values,
                "default": ImportMode.DRAFT,
                "description": "Create the payables as drafts, or submit them.",
            },
        },
    }
}
CSV_RESPONSE = {
    (200, "text/csv"): OpenApiResponse(OpenApiTypes.STR, description="A CSV file (UTF-8).")
}


def _csv(chunks, filename: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(chunks, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


class ImportListApi(BusinessApiView):
    capabilities = {"POST": Capability.INVOICE}
    parser_classes = [MultiPartParser]

    def initial(self, request, *args, **kwargs):
        # Refuse an oversized body from its Content-Length, before anything reads or stores it.
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if request.method == "POST" and length > settings.IMPORT_MAX_BYTES + MULTIPART_OVERHEAD:
            raise PayloadTooLarge(
                f"The file is larger than {settings.IMPORT_MAX_BYTES // (1024 * 1024)} MB; split it."
            )
        super().initial(request, *args, **kwargs)

    @extend_schema(operation_id="imports_list", responses={200: ImportSerializer(many=True)})
    def get(self, request, business_id: str):
        return self.paginate(
            selectors.import_list(business_id=business_id),
            lambda rows: ImportSerializer(rows, many=True).data,
        )

    @extend_schema(
        operation_id="imports_create",
        request=UPLOAD_SCHEMA,
        responses={
            202: ImportDetailSerializer,
            200: OpenApiResponse(
                ImportDetailSerializer, description="The same file was sent before: that import."
            ),
        },
        description="Upload a CSV of payables to create as drafts or submitted. The file as a "
        "whole is checked now (400, 413); its rows by a background job: poll the import.",
    )
    def post(self, request, business_id: str):
        uploads = request.FILES.getlist("file")
        if len(uploads) != 1:
            raise field_error("file", "Send one CSV file in a multipart field named file.")
        mode = request.data.get("mode") or ImportMode.DRAFT
        job, created = services.import_create(
            business_id=business_id, actor=request.user, upload=uploads[0], mode=mode
        )
        return Response(
            ImportDetailSerializer(job).data,
            status=status.HTTP_202_ACCEPTED if created else status.HTTP_200_OK,
        )


class ImportDetailApi(ApiView):
    @extend_schema(operation_id="imports_retrieve", responses={200: ImportDetailSerializer})
    def get(self, request, import_id: str):
        job = selectors.import_get(user=request.user, import_id=import_id)
        return Response(ImportDetailSerializer(job).data)


class ImportErrorReportApi(ApiView):
    @extend_schema(operation_id="imports_error_report", responses=CSV_RESPONSE)
    def get(self, request, import_id: str):
        job = selectors.import_get(user=request.user, import_id=import_id)
        return _csv(exports.error_report_chunks(job), f"{job.pk}-errors.csv")


class ImportTemplateApi(ApiView):
    @extend_schema(operation_id="imports_template", responses=CSV_RESPONSE)
    def get(self, request):
        return _csv(exports.template_chunks(), "payables-import-template.csv")
