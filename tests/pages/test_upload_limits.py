"""Uploads cannot fill the disk: a request's files are checked as a whole before any is stored,
a refused request keeps none of the bytes it stored, each business has a storage quota,
unattached files are swept after a day, zip bombs are refused and downloads carry an extension
that matches their content."""

import datetime
import io
import os
import zipfile
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from files.models import File
from files.tasks import sweep_unattached_files
from payables.models import Payable
from tests.factories import PDF_BYTES
from tests.pages.test_editor import lines, new_url
from tests.reliability.report import figure

pytestmark = pytest.mark.django_db

MB = 1024 * 1024


def stored_bytes() -> int:
    root = Path(settings.MEDIA_ROOT)
    return sum(p.stat().st_size for p in root.rglob("*") if p.is_file()) if root.exists() else 0


def pdf(name: str, size: int) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF_BYTES + b"0" * (size - len(PDF_BYTES)), "application/pdf")


def editor_post(world, files, **extra):
    return world.client(world.payee_owner).post(
        new_url(world),
        {
            "connectionId": world.connection.id,
            **lines(("A", "1", "1")),
            "newAttachments": files,
            "action": "save",
            **extra,
        },
    )


def test_twenty_five_large_files_are_refused_before_any_is_stored(world):
    response = editor_post(world, [pdf(f"scan-{n}.pdf", 10 * MB) for n in range(25)])

    figure(
        "upload-25x10MB",
        status=response.status_code,
        files_left=File.objects.count(),
        bytes_left_behind=stored_bytes(),
    )
    assert response.status_code == 413
    assert "at most 10 files at once" in response.content.decode()
    assert File.objects.count() == 0
    assert stored_bytes() == 0
    assert not Payable.objects.exists()


def test_files_too_large_in_all_are_refused_before_any_is_stored(world):
    response = editor_post(world, [pdf(f"scan-{n}.pdf", 9 * MB) for n in range(3)])

    assert response.status_code == 413
    assert "at most 25 MB may be sent at once" in response.content.decode()
    assert File.objects.count() == 0
    assert stored_bytes() == 0


def test_a_refused_editor_request_deletes_the_files_it_stored(world):
    good = [pdf(f"ok-{n}.pdf", 2 * MB) for n in range(3)]
    bad = SimpleUploadedFile("run.exe", b"MZ\x90\x00binary", "application/pdf")

    response = editor_post(world, [*good, bad])

    assert response.status_code == 400
    assert "were not kept" in response.content.decode()
    assert File.objects.count() == 0
    assert stored_bytes() == 0
    figure(
        "upload-refused-midway",
        files_sent=4,
        status=response.status_code,
        files_left=File.objects.count(),
        bytes_left_behind=stored_bytes(),
    )


def test_files_kept_when_the_editor_only_adds_a_line(world):
    response = editor_post(world, [pdf("keep.pdf", 1000)], action="add_line")

    assert response.status_code == 200
    assert File.objects.count() == 1
    assert stored_bytes() == 1000


def test_a_business_over_its_storage_quota_is_refused(world, api, settings):
    settings.FILE_STORAGE_QUOTA_BYTES = 3 * MB
    client = api(world.payee_owner)
    answers = [
        client.post(
            "/api/files",
            {"file": pdf(f"q-{n}.pdf", MB), "businessId": world.payee.id},
            format="multipart",
        )
        for n in range(4)
    ]

    assert [a.status_code for a in answers] == [201, 201, 201, 413]
    assert "storage quota" in answers[-1].json()["message"]
    assert File.objects.filter(business=world.payee).count() == 3
    assert stored_bytes() == 3 * MB
    # Another business has its own quota.
    other = api(world.payer_owner).post(
        "/api/files",
        {"file": pdf("p.pdf", MB), "businessId": world.payer.id},
        format="multipart",
    )
    assert other.status_code == 201


def test_the_sweep_deletes_unattached_files_older_than_a_day(world, api):
    client = api(world.payee_owner)
    ids = [
        client.post(
            "/api/files",
            {"file": pdf(f"s-{n}.pdf", 5000), "businessId": world.payee.id},
            format="multipart",
        ).json()["id"]
        for n in range(3)
    ]
    attached = client.post(
        f"/api/businesses/{world.payee.id}/payables",
        {"connectionId": world.connection.id, "amount": "10.00", "attachments": [ids[0]]},
        format="json",
    )
    assert attached.status_code == 201
    File.objects.filter(pk__in=ids[:2]).update(
        created_at=timezone.now() - datetime.timedelta(hours=25)
    )

    assert sweep_unattached_files() == 1

    assert set(File.objects.values_list("pk", flat=True)) == {ids[0], ids[2]}
    assert stored_bytes() == 2 * 5000
    assert "sweep-unattached-files" in settings.CELERY_BEAT_SCHEDULE


def zip_with(entries: int, *, inflated: int = 0) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", b"\0" * inflated or "<workbook/>")
        for n in range(entries):
            archive.writestr(f"xl/e{n}.xml", "")
    return buffer.getvalue()


@pytest.mark.parametrize(
    "content",
    [zip_with(2500), zip_with(0, inflated=210 * MB)],
    ids=["too-many-entries", "inflates-too-far"],
)
def test_zip_bombs_are_not_taken_for_spreadsheets(owner, api, content):
    response = api(owner).post(
        "/api/files",
        {"file": SimpleUploadedFile("sheet.xlsx", content, "application/octet-stream")},
        format="multipart",
    )
    assert response.status_code == 400
    assert File.objects.count() == 0
    assert stored_bytes() == 0


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("report.html", "report.html.pdf"),
        ("invoice", "invoice.pdf"),
        ("Invoice.PDF", "Invoice.PDF"),
    ],
)
def test_downloads_carry_an_extension_matching_their_content(owner, api, name, expected):
    client = api(owner)
    made = client.post(
        "/api/files",
        {"file": SimpleUploadedFile(name, PDF_BYTES, "text/html")},
        format="multipart",
    ).json()
    response = client.get(f"/api/files/{made['id']}")
    assert f'filename="{expected}"' in response["Content-Disposition"]
    assert os.path.splitext(expected)[1].lower() == ".pdf"
