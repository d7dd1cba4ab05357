from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from imports.models import ImportMode, ImportStatus
from imports.selectors import SHOWN_PROBLEMS, import_problems, import_progress


class ImportProblemSerializer(serializers.Serializer):
    row = serializers.IntegerField(help_text="The file's row (the header is row 1; 0: the file).")
    column = serializers.CharField(help_text="The column, blank for the row as a whole.")
    message = serializers.CharField()


class ImportSerializer(serializers.Serializer):
    id = serializers.CharField()
    businessId = serializers.CharField(source="business_id")
    filename = serializers.CharField()
    size = serializers.IntegerField(help_text="Bytes.")
    mode = serializers.ChoiceField(choices=ImportMode.choices)
    status = serializers.ChoiceField(
        choices=ImportStatus.choices,
        help_text="pending → validating → importing → done; invalid (rows need fixing) or "
        "failed stop it, and then nothing was created.",
    )
    total = serializers.IntegerField(help_text="Rows of the file (the header not counted).")
    processed = serializers.SerializerMethodField(
        help_text="Rows checked (validating) or imported (importing) so far."
    )
    payableCount = serializers.IntegerField(
        source="payable_count", help_text="Invoices in the file (known once checked)."
    )
    createdCount = serializers.IntegerField(source="created_count")
    errorCount = serializers.IntegerField(source="error_count")
    failure = serializers.CharField(help_text="Why a failed import stopped.")
    errorReportUrl = serializers.SerializerMethodField(
        help_text="The CSV of every problem (row, column, message)."
    )
    createdAt = serializers.DateTimeField(source="created_at")
    finishedAt = serializers.DateTimeField(source="finished_at", allow_null=True)

    def get_processed(self, job) -> int:
        return import_progress(job)

    def get_errorReportUrl(self, job) -> str:
        return reverse("import-errors", args=[job.pk])


class ImportDetailSerializer(ImportSerializer):
    errors = serializers.SerializerMethodField(
        help_text=f"The first {SHOWN_PROBLEMS} problems; the error report has all of them."
    )

    @extend_schema_field(ImportProblemSerializer(many=True))
    def get_errors(self, job) -> list[dict]:
        return ImportProblemSerializer(import_problems(job)[:SHOWN_PROBLEMS], many=True).data
