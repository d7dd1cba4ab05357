"""
CSV imports of payables (docs/api/imports.md).

An ``Import`` is one uploaded file of one payee business. The file is checked as a whole when it
is uploaded (encoding, header, size, row count), then a background job (``imports.tasks``) takes
it through two passes, each one transaction:

1. **validate**: every row is read and checked, and every problem is kept as an
   ``ImportProblem`` (row, column, message). The rows of each invoice become one ``ImportRow``,
   the payable to create, with its fields parsed. Nothing is created.
2. **import**, only when no row has a problem: each ``ImportRow`` goes through
   ``payables.services.payable_create`` (as a draft, or submitted), as the uploader.

The unit is the whole file: the second pass is one transaction, so either every payable of
the file is created or none is (a refusal half-way, say an invoice number taken in the
meantime, rolls everything back and the import is ``failed``). The import's row is locked for
each pass, so a job that runs twice waits for the first and then finds the work done.

Re-uploading the same bytes answers the earlier import (the SHA-256 of the file is unique per
business among imports that are not ``invalid`` or ``failed``), so nothing is created twice.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django_fsm import FSMField, FSMModelMixin, transition

from accounts.models import Business
from cleopay.core.ids import PublicIdField
from cleopay.core.jsoncodec import DecimalJSONDecoder, DecimalJSONEncoder
from connections.models import Connection


class ImportMode(models.TextChoices):
    DRAFT = "draft", "Drafts"
    SUBMIT = "submit", "Submitted"


class ImportStatus(models.TextChoices):
    PENDING = "pending", "Waiting"
    VALIDATING = "validating", "Checking rows"
    INVALID = "invalid", "Rows need fixing"
    IMPORTING = "importing", "Creating payables"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


# Statuses after which nothing more happens to an import.
FINISHED = (ImportStatus.INVALID, ImportStatus.DONE, ImportStatus.FAILED)
# An import in these statuses does not hold its file's hash: the same file may be sent again.
REFUSED = (ImportStatus.INVALID, ImportStatus.FAILED)


class Import(FSMModelMixin, models.Model):
    id = PublicIdField(prefix="imp")
    business = models.ForeignKey(Business, on_delete=models.CASCADE, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    mode = models.CharField(max_length=10, choices=ImportMode.choices)
    status = FSMField(
        max_length=12, choices=ImportStatus.choices, default=ImportStatus.PENDING, protected=True
    )
    filename = models.CharField(max_length=255)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    stored = models.FileField(upload_to="imports/%Y/%m/", max_length=255)
    # Data rows of the file (known at upload); rows checked or imported in the current pass.
    total = models.PositiveIntegerField(default=0)
    processed = models.PositiveIntegerField(default=0)
    error_count = models.PositiveIntegerField(default=0)
    payable_count = models.PositiveIntegerField(default=0)
    created_count = models.PositiveIntegerField(default=0)
    # Why a ``failed`` import stopped (the problem rows say which row).
    failure = models.CharField(max_length=1000, blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["business", "sha256"],
                condition=~models.Q(status__in=REFUSED),
                name="import_file_once_per_business",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=ImportStatus.values), name="import_status_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(mode__in=ImportMode.values), name="import_mode_valid"
            ),
        ]
        indexes = [models.Index(fields=["business", "-created_at", "-id"], name="import_biz_idx")]

    def __str__(self) -> str:
        return f"{self.id} ({self.filename})"

    @property
    def is_finished(self) -> bool:
        return self.status in FINISHED

    @transition(field=status, source=ImportStatus.PENDING, target=ImportStatus.VALIDATING)
    def start_validation(self) -> None:
        self.processed = 0

    @transition(field=status, source=ImportStatus.VALIDATING, target=ImportStatus.INVALID)
    def reject(self, *, error_count: int) -> None:
        self.error_count = error_count
        self.processed = self.total
        self.finished_at = timezone.now()

    @transition(field=status, source=ImportStatus.VALIDATING, target=ImportStatus.IMPORTING)
    def start_import(self, *, payable_count: int) -> None:
        self.payable_count = payable_count
        self.processed = 0

    @transition(field=status, source=ImportStatus.IMPORTING, target=ImportStatus.DONE)
    def finish(self, *, created_count: int) -> None:
        self.created_count = created_count
        self.processed = self.total
        self.finished_at = timezone.now()

    @transition(
        field=status,
        source=[ImportStatus.PENDING, ImportStatus.VALIDATING, ImportStatus.IMPORTING],
        target=ImportStatus.FAILED,
    )
    def fail(self, *, reason: str) -> None:
        self.failure = reason[:1000]
        self.finished_at = timezone.now()


class ImportRow(models.Model):
    """One payable to create: the file's rows of one invoice, parsed (``line`` is the first)."""

    batch = models.ForeignKey(Import, on_delete=models.CASCADE, related_name="rows")
    line = models.PositiveIntegerField()
    row_count = models.PositiveIntegerField(default=1)
    connection = models.ForeignKey(
        Connection, null=True, on_delete=models.CASCADE, related_name="+"
    )
    # ``cleopay.core.invoice_numbers.invoice_number_key`` of the invoice number: in-file duplicates.
    invoice_key = models.TextField(blank=True, default="")
    # payable_create's keyword arguments (dates as ISO text, money as exact decimals).
    fields = models.JSONField(default=dict, encoder=DecimalJSONEncoder, decoder=DecimalJSONDecoder)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["batch", "line"], name="import_row_line_once"),
        ]
        indexes = [
            models.Index(fields=["batch", "connection", "invoice_key"], name="import_row_key_idx")
        ]

    def __str__(self) -> str:
        return f"{self.batch_id} row {self.line}"


class ImportProblem(models.Model):
    """What is wrong with one cell (or row, or the file: row 0) of an import."""

    batch = models.ForeignKey(Import, on_delete=models.CASCADE, related_name="problems")
    row = models.PositiveIntegerField()
    column = models.CharField(max_length=40, blank=True, default="")
    message = models.CharField(max_length=500)

    class Meta:
        indexes = [models.Index(fields=["batch", "row", "id"], name="import_problem_row_idx")]

    def __str__(self) -> str:
        return f"row {self.row} {self.column}: {self.message}"
