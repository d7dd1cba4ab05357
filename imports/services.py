"""
Writes of imports: the upload (``import_create``, as the payee's member) and the two passes of
the background job (``import_validate``, ``import_commit``), each one transaction under the
import's row lock (see ``imports.models`` for the unit of work and the idempotency).

Progress: a pass runs in one transaction, so its counters are invisible to readers until it
commits. Each batch also writes how far it got to the cache (``imports.progress``), which
``selectors.import_progress`` reads while the import runs; the cache failing open only costs
the bar its steps, never the import.
"""

import hashlib
import logging
from datetime import date

from django.conf import settings
from django.core.files.base import File as DjangoFile
from django.db import IntegrityError, transaction
from rest_framework.exceptions import APIException

from accounts.permissions import Capability, require
from cleopay.core.errors import PayloadTooLarge, field_error
from cleopay.core.publish import publish_on_commit
from imports import csvformat, validation
from imports.models import Import, ImportMode, ImportProblem, ImportRow, ImportStatus
from imports.progress import progress_set
from payables import services as payables

logger = logging.getLogger(__name__)

COMMIT_BATCH = 200


def _sha256(upload) -> str:
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


def import_create(*, business_id: str, actor, upload, mode: str) -> tuple[Import, bool]:
    """Take a CSV file of payables to create as ``mode`` (draft or submit) for ``business_id``.

    The file as a whole is checked now (size, UTF-8, header, row count: a 400 or 413 saying
    what is wrong); its rows are checked by the background job this starts. The same bytes sent
    again answer the earlier import (unless that one was invalid or failed). Returns the import
    and whether it is new.
    """
    require(actor, business_id, Capability.INVOICE)
    if mode not in ImportMode.values:
        raise field_error("mode", "Must be draft or submit.")
    if upload.size > settings.IMPORT_MAX_BYTES:
        raise PayloadTooLarge(
            f"The file is larger than {settings.IMPORT_MAX_BYTES // (1024 * 1024)} MB; split it."
        )
    sha256 = _sha256(upload)
    earlier = _earlier(business_id, sha256)
    if earlier is not None:
        return earlier, False
    try:
        total = csvformat.count_records(upload, max_rows=settings.IMPORT_MAX_ROWS)
    except csvformat.FileProblem as problem:
        raise field_error("file", problem.message) from None
    upload.seek(0)
    job = Import(
        business_id=business_id,
        created_by=actor,
        mode=mode,
        filename=(upload.name or "import.csv")[-255:],
        size=upload.size,
        sha256=sha256,
        total=total,
    )
    job.stored.save(f"{job.pk}.csv", DjangoFile(upload), save=False)
    try:
        with transaction.atomic():
            job.save(force_insert=True)
    except IntegrityError:
        # The same file, sent at the same moment by another request: answer that import.
        job.stored.delete(save=False)
        earlier = _earlier(business_id, sha256)
        if earlier is None:
            raise
        return earlier, False
    from imports.tasks import run_import

    publish_on_commit(run_import, job.pk)
    return job, True


def _earlier(business_id: str, sha256: str) -> Import | None:
    return (
        Import.objects.filter(business_id=business_id, sha256=sha256)
        .exclude(status__in=[ImportStatus.INVALID, ImportStatus.FAILED])
        .first()
    )


def _locked(import_id: str) -> Import | None:
    return Import.objects.select_for_update().filter(pk=import_id).first()


def import_validate(*, import_id: str) -> Import | None:
    """The validation pass (a job's first step; a repeat finds it done and does nothing)."""
    with transaction.atomic():
        job = _locked(import_id)
        if job is None or job.status not in (ImportStatus.PENDING, ImportStatus.VALIDATING):
            return job
        if job.status == ImportStatus.PENDING:
            job.start_validation()
            job.save(update_fields=["status", "processed", "updated_at"])
        # VALIDATING already: a job that stopped half-way (its pass rolled back) checks again.
    try:
        return _validate(import_id)
    except Exception as exc:
        logger.exception("import %s could not be checked", import_id)
        return _fail(import_id, ImportStatus.VALIDATING, _unexpected(exc), row=None)


def _validate(import_id: str) -> Import | None:
    with transaction.atomic():
        job = _locked(import_id)
        if job is None or job.status != ImportStatus.VALIDATING:
            return job
        try:
            with job.stored.open("rb") as binary:
                payable_count, problem_count = validation.validate(
                    job, binary, progress=lambda n: progress_set(job, n)
                )
        except csvformat.FileProblem as problem:
            # Checked at upload; only a file changed in storage since could get here.
            ImportProblem.objects.create(batch=job, row=problem.row, message=problem.message)
            job.reject(error_count=1)
        else:
            if problem_count:
                job.reject(error_count=problem_count)
            else:
                job.start_import(payable_count=payable_count)
        job.save()
    return job


def _unexpected(exc: Exception) -> str:
    return f"The import stopped on an unexpected error ({type(exc).__name__})."


def _fail(import_id: str, status: str, reason: str, *, row: int | None) -> Import | None:
    """Mark the import failed (its pass rolled back: nothing of it was kept)."""
    with transaction.atomic():
        job = _locked(import_id)
        if job is None or job.status != status:
            return job
        job.fail(reason=f"{reason} Nothing was created.")
        job.save()
        if row is not None:
            ImportProblem.objects.create(batch=job, row=row, message=reason[:500])
        return job


def import_commit(*, import_id: str) -> Import | None:
    """The import pass: every payable of the file, through ``payables.payable_create``, in one
    transaction; a refusal rolls all of them back and leaves the import ``failed``."""
    row = None
    try:
        with transaction.atomic():
            job = _locked(import_id)
            if job is None or job.status != ImportStatus.IMPORTING:
                return job
            created = processed = 0
            last = 0
            while True:
                rows = list(
                    ImportRow.objects.filter(batch=job, line__gt=last).order_by("line")[
                        :COMMIT_BATCH
                    ]
                )
                if not rows:
                    break
                for row in rows:
                    _create(job, row)
                    created += 1
                    processed += row.row_count
                last = rows[-1].line
                progress_set(job, processed)
                validation.collect_garbage()
            job.finish(created_count=created)
            job.save()
            return job
    except APIException as exc:
        message = "; ".join(validation.messages_of(exc.detail))
        reason = f"Row {row.line}: {message}" if row is not None else message
    except Exception as exc:
        logger.exception("import %s failed", import_id)
        reason = _unexpected(exc)
    return _fail(
        import_id, ImportStatus.IMPORTING, reason, row=row.line if row is not None else None
    )


def _create(job: Import, row: ImportRow) -> None:
    fields = row.fields
    payables.payable_create(
        business_id=job.business_id,
        actor=job.created_by,
        connection_id=row.connection_id,
        amount=fields["amount"],
        issue_date=_date(fields.get("issue_date")),
        due_date=_date(fields.get("due_date")),
        invoice_number=fields["invoice_number"],
        memo=fields.get("memo", ""),
        line_items=fields.get("line_items") or None,
        submit=job.mode == ImportMode.SUBMIT,
    )


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None
