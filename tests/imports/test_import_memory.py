"""10,000 rows with flat memory: the file is read as a stream and checked and created in
batches, so what an import holds at once does not grow with the file."""

import io
import tracemalloc

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from imports import services, validation
from imports.models import ImportStatus
from tests.imports.conftest import HEADER

pytestmark = pytest.mark.django_db


def _file(connection_id: str, invoices: int, prefix: str) -> SimpleUploadedFile:
    out = io.StringIO()
    out.write(HEADER + "\n")
    for n in range(invoices):
        # Every other invoice has two lines: 1.5 rows per invoice on average.
        if n % 2:
            out.write(f"{connection_id},{prefix}-{n},2026-05-01,,,,,Work,2,10.50,Services\n")
            out.write(f"{connection_id},{prefix}-{n},,,,,,Travel,1,4.25,\n")
        else:
            out.write(f"Acme,{prefix}-{n},2026-05-01,2026-06-01,12.34,USD,memo {n},,,,\n")
    return SimpleUploadedFile("big.csv", out.getvalue().encode(), content_type="text/csv")


def _peak(parties, invoices: int, prefix: str) -> tuple[int, int]:
    upload = _file(parties.connection.pk, invoices, prefix)
    job, _ = services.import_create(
        business_id=parties.payee.pk, actor=parties.payee_owner, upload=upload, mode="draft"
    )
    tracemalloc.start()
    try:
        services.import_validate(import_id=job.pk)
        job = services.import_commit(import_id=job.pk)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert job.status == ImportStatus.DONE, job.failure
    return job.created_count, peak


def test_ten_thousand_rows_take_no_more_memory_than_a_thousand(parties, monkeypatch, settings):
    settings.IMPORT_MAX_ROWS = 20_000
    monkeypatch.setattr(validation, "BATCH", 200)
    monkeypatch.setattr(services, "COMMIT_BATCH", 200)
    small_count, small_peak = _peak(parties, 700, "S")
    large_count, large_peak = _peak(parties, 6_700, "L")  # 10,050 rows
    assert (small_count, large_count) == (700, 6_700)
    # Nearly ten times the rows, about the same memory (holding every row would need ~10x).
    assert large_peak < small_peak * 2, (small_peak, large_peak)
