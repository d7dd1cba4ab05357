"""10,000 rows with flat memory: the file is read as a stream, checked and created in batches,
so what an import holds at once does not grow with the file."""

import io
import tracemalloc

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from imports import services, validation
from imports.models import Import, ImportStatus
from imports.tasks import run_import
from payables.models import Payable
from tests.imports.conftest import HEADER

pytestmark = pytest.mark.django_db


def _file(connection_id: str, invoices: int, prefix: str) -> SimpleUploadedFile:
    """``invoices`` invoices of two rows each (two line items), by ID and by name in turn."""
    out = io.StringIO()
    out.write(HEADER + "\n")
    for n in range(invoices):
        who = connection_id if n % 2 else "Acme"
        out.write(f"{who},{prefix}-{n},2026-05-01,,,USD,memo {n},Work,2,10.50,Services\n")
        out.write(f"{who},{prefix}-{n},,,,,,Travel,1,4.25,\n")
    return SimpleUploadedFile(f"{prefix}.csv", out.getvalue().encode(), content_type="text/csv")


def _upload(parties, invoices: int, prefix: str) -> Import:
    job, _ = services.import_create(
        business_id=parties.payee.pk,
        actor=parties.payee_owner,
        upload=_file(parties.connection.pk, invoices, prefix),
        mode="draft",
    )
    return job


def _peak(step) -> int:
    tracemalloc.start()
    try:
        step()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak


@pytest.fixture
def small_batches(monkeypatch, settings):
    settings.IMPORT_MAX_ROWS = 10_000
    monkeypatch.setattr(validation, "BATCH", 100)
    monkeypatch.setattr(services, "COMMIT_BATCH", 100)


def test_checking_ten_thousand_rows_takes_the_memory_of_a_thousand(parties, small_batches):
    small, large = _upload(parties, 500, "S"), _upload(parties, 5_000, "L")
    assert (small.total, large.total) == (1_000, 10_000)
    small_peak = _peak(lambda: services.import_validate(import_id=small.pk))
    large_peak = _peak(lambda: services.import_validate(import_id=large.pk))
    large.refresh_from_db()
    assert (large.status, large.payable_count, large.processed) == (
        ImportStatus.IMPORTING,
        5_000,
        0,
    )
    # Ten times the rows, about the same memory (holding every row would need ~10x).
    assert large_peak < small_peak * 2, (small_peak, large_peak)


def test_creating_ten_times_the_payables_takes_about_the_same_memory(parties, small_batches):
    small, large = _upload(parties, 60, "S"), _upload(parties, 600, "L")
    for job in (small, large):
        services.import_validate(import_id=job.pk)
    small_peak = _peak(lambda: services.import_commit(import_id=small.pk))
    large_peak = _peak(lambda: services.import_commit(import_id=large.pk))
    assert Payable.objects.filter(connection=parties.connection).count() == 660
    # Ten times the payables, well under ten times the memory (after other tests the small run's
    # peak varies by a few hundred KB, so the bound leaves room: holding each would be ~10x).
    assert large_peak < small_peak * 3, (small_peak, large_peak)


@pytest.mark.postgres
def test_ten_thousand_rows_import_with_progress(parties, settings, monkeypatch):
    """The whole job on a 10,000-row file, as a worker runs it: every payable created, and the
    progress the page polls rising through each pass to the total."""
    settings.IMPORT_MAX_ROWS = 10_000
    steps = []
    original = services.progress_set
    monkeypatch.setattr(
        services, "progress_set", lambda job, n: (steps.append((job.status, n)), original(job, n))
    )
    job = _upload(parties, 5_000, "P")
    assert run_import(job.pk) == "done"
    job.refresh_from_db()
    assert (job.created_count, job.processed, job.total) == (5_000, 10_000, 10_000)
    assert Payable.objects.filter(connection=parties.connection).count() == 5_000
    for status in (ImportStatus.VALIDATING, ImportStatus.IMPORTING):
        counts = [n for s, n in steps if s == status]
        assert counts == sorted(counts) and len(counts) >= 10 and counts[-1] == 10_000, status
