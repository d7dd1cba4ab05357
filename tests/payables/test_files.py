"""POST /api/files and GET /api/files/{id}: types by content, the 10 MB cap, who may read."""

import io
import os
import zipfile

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from files.models import File
from payables.models import PayableAttachment, PayableStatus
from tests import factories
from tests.factories import PDF_BYTES
from tests.payables.helpers import error_fields, make_payable

PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 20
JPEG_BYTES = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x01" * 20
CSV_BYTES = "date,amount,memo\n2026-05-01,12.50,Café crème\n".encode()


def xlsx_bytes(*, with_xl: bool = True) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        # A fixed timestamp keeps the bytes, and so the test IDs, the same in every process.
        stamp = (2026, 1, 1, 0, 0, 0)
        archive.writestr(zipfile.ZipInfo("[Content_Types].xml", stamp), "<Types/>")
        if with_xl:
            archive.writestr(zipfile.ZipInfo("xl/workbook.xml", stamp), "<workbook/>")
        else:
            archive.writestr(zipfile.ZipInfo("word/document.xml", stamp), "<document/>")
    return buffer.getvalue()


def upload(client, name, content, declared="application/octet-stream", **extra):
    data = {"file": SimpleUploadedFile(name, content, content_type=declared), **extra}
    return client.post("/api/files", data, format="multipart")


@pytest.mark.django_db
class TestUpload:
    @pytest.mark.parametrize(
        ("name", "content", "expected"),
        [
            ("invoice.pdf", PDF_BYTES, "application/pdf"),
            ("scan.png", PNG_BYTES, "image/png"),
            ("photo.jpg", JPEG_BYTES, "image/jpeg"),
            ("ledger.csv", CSV_BYTES, "text/csv"),
            (
                "sheet.xlsx",
                xlsx_bytes(),
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            ),
            # the name is not what decides: content does
            ("scan.pdf", PNG_BYTES, "image/png"),
            ("noextension", PDF_BYTES, "application/pdf"),
        ],
    )
    def test_accepted_types_are_recognised_by_content(self, owner, api, name, content, expected):
        response = upload(api(owner), name, content, declared="text/html")
        assert response.status_code == 201, response.content
        data = response.json()
        assert data["id"].startswith("file_")
        assert data["contentType"] == expected
        assert data["filename"] == name
        assert data["size"] == len(content)
        assert data["businessId"] == owner.business.id
        record = File.objects.get(pk=data["id"])
        assert record.stored.read() == content
        # stored under MEDIA_ROOT through the storage API, never under the client's name
        path = record.stored.path
        assert path.startswith(str(settings.MEDIA_ROOT))
        assert name not in os.path.basename(path) or name == "noextension"

    @pytest.mark.parametrize(
        ("name", "content"),
        [
            ("invoice.pdf", b"MZ\x90\x00 this is a program"),
            ("page.png", b"<html><script>alert(1)</script></html>"),
            ("notes.txt", b"plain text is not CSV unless it says so"),
            ("data.csv", b"a,b\n1,\x002\n"),  # NUL
            ("data.csv", b"a,b\n\xff\xfe\xfa\n"),  # not UTF-8
            ("doc.xlsx", xlsx_bytes(with_xl=False)),  # a ZIP, but a Word file
            ("broken.xlsx", b"PK\x03\x04 not really a zip"),
        ],
    )
    def test_other_content_is_refused_whatever_its_name(self, owner, api, name, content):
        response = upload(api(owner), name, content, declared="application/pdf")
        assert response.status_code == 400, response.content
        assert "file" in error_fields(response)
        assert not File.objects.exists()

    def test_an_empty_file_is_refused(self, owner, api):
        assert upload(api(owner), "empty.pdf", b"").status_code == 400

    def test_ten_megabytes_is_fine_one_byte_more_is_413(self, owner, api):
        cap = settings.FILE_UPLOAD_MAX_BYTES
        assert cap == 10 * 1024 * 1024
        big = PDF_BYTES + b"0" * (cap - len(PDF_BYTES))
        assert upload(api(owner), "big.pdf", big).status_code == 201
        response = upload(api(owner), "bigger.pdf", big + b"0")
        assert response.status_code == 413
        assert response.json()["type"] == "payload_too_large"
        assert File.objects.count() == 1

    def test_a_body_far_over_the_cap_is_refused_from_its_content_length(
        self, owner, api, monkeypatch
    ):
        def not_reached(**kwargs):
            raise AssertionError("the body should have been refused before parsing")

        monkeypatch.setattr("files.services.file_upload", not_reached)
        huge = PDF_BYTES + b"0" * (11 * 1024 * 1024)
        response = upload(api(owner), "huge.pdf", huge)
        assert response.status_code == 413
        assert not File.objects.exists()

    def test_the_filename_is_kept_as_metadata_only(self, owner, api):
        response = upload(api(owner), "../../etc/passwd\x07.pdf", PDF_BYTES)
        assert response.json()["filename"] == "passwd.pdf"

    def test_json_is_not_accepted_here(self, owner, api):
        response = api(owner).post("/api/files", {"file": "JVBERi0="}, format="json")
        assert response.status_code == 415

    def test_the_file_field_is_required(self, owner, api):
        response = api(owner).post("/api/files", {"other": "x"}, format="multipart")
        assert response.status_code == 400
        assert "file" in error_fields(response)

    def test_business_is_required_for_a_member_of_several(self, owner, api):
        second = factories.BusinessFactory()
        factories.Membership.objects.create(business=second, user=owner, role="accountant")
        client = api(owner)
        assert "businessId" in error_fields(upload(client, "a.pdf", PDF_BYTES))
        response = upload(client, "a.pdf", PDF_BYTES, businessId=second.id)
        assert response.status_code == 201
        assert response.json()["businessId"] == second.id

    @pytest.mark.parametrize(("role", "status"), [("viewer", 403), ("approver", 403), (None, 404)])
    def test_only_members_who_invoice_may_upload(self, owner, api, role, status):
        other = factories.BusinessFactory()
        if role:
            factories.Membership.objects.create(business=other, user=owner, role=role)
        response = upload(api(owner), "a.pdf", PDF_BYTES, businessId=other.id)
        assert response.status_code == status
        assert not File.objects.exists()

    def test_no_token_is_401(self, api):
        assert upload(api(), "a.pdf", PDF_BYTES).status_code == 401


@pytest.mark.django_db
class TestDownload:
    def test_the_uploader_business_downloads_it_as_an_attachment(self, owner, api):
        client = api(owner)
        file_id = upload(client, "Q1 invoice.pdf", PDF_BYTES).json()["id"]
        response = client.get(f"/api/files/{file_id}")
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"].startswith("attachment;")
        assert 'filename="Q1 invoice.pdf"' in response["Content-Disposition"]
        assert b"".join(response.streaming_content) == PDF_BYTES

    def test_the_payer_reads_it_once_the_payable_is_submitted_never_on_a_draft(self, parties):
        file = factories.FileFactory(business=parties.payee)
        payable = make_payable(parties, PayableStatus.DRAFT)
        PayableAttachment.objects.create(payable=payable, file=file, position=1)
        payer = parties.client(parties.payer_approver)
        assert payer.get(f"/api/files/{file.id}").status_code == 404
        parties.client(parties.payee_owner).post(f"/api/payables/{payable.id}/submit")
        response = payer.get(f"/api/files/{file.id}")
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == PDF_BYTES

    def test_a_file_on_no_visible_payable_is_404_for_others(self, parties):
        file = factories.FileFactory(business=parties.payee)
        assert parties.client(parties.payer_owner).get(f"/api/files/{file.id}").status_code == 404
        assert parties.client(parties.outsider).get(f"/api/files/{file.id}").status_code == 404
        assert parties.client(parties.payee_viewer).get(f"/api/files/{file.id}").status_code == 200
        assert parties.client(parties.payee_owner).get("/api/files/file_nothere").status_code == 404

    def test_attached_files_appear_on_the_payable_for_both_sides(self, parties):
        client = parties.client(parties.payee_owner)
        file_id = upload(client, "q1.pdf", PDF_BYTES).json()["id"]
        created = client.post(
            f"/api/businesses/{parties.payee.id}/payables",
            {
                "connectionId": parties.connection.id,
                "amount": "1.00",
                "attachments": [file_id],
                "submit": True,
            },
            format="json",
        ).json()
        seen = parties.client(parties.payer_owner).get(f"/api/payables/{created['id']}").json()
        assert seen["attachments"] == [
            {
                "id": file_id,
                "filename": "q1.pdf",
                "size": len(PDF_BYTES),
                "contentType": "application/pdf",
            }
        ]
