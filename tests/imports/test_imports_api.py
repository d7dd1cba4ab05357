import csv
import io
from decimal import Decimal

import pytest

from imports import services
from imports.models import Import, ImportStatus
from payables.models import Payable, PayableEvent
from tests import factories
from tests.imports.conftest import HEADER, csv_file

pytestmark = pytest.mark.django_db


def _rows(parties, count=2):
    conn = parties.connection.pk
    return [
        "Acme,INV-1,2026-05-01,2026-05-31,,USD,May work,Consulting,10,125.00,Services",
        "Acme,INV-1,,,,,,Travel,1,80.50,",
        f"{conn},INV-2,2026-05-02,,99.99,,,,,,",
    ][: count + 1]


def test_a_file_becomes_drafts_with_exact_amounts(parties, upload):
    client = parties.client(parties.payee_owner)
    response = upload(client, parties.payee.pk, csv_file(*_rows(parties), bom=True))
    assert response.status_code == 202, response.json()
    body = response.json()
    assert body["id"].startswith("imp_") and body["total"] == 3 and body["mode"] == "draft"

    job = client.get(f"/api/imports/{body['id']}").json()
    assert job["status"] == "done"
    assert (job["processed"], job["total"], job["createdCount"]) == (3, 3, 2)
    assert job["errors"] == []

    first = Payable.objects.get(connection=parties.connection, invoice_number="INV-1")
    assert first.status == "DRAFT"
    assert first.amount == Decimal("1330.50")
    assert [(li.description, li.total) for li in first.line_items.order_by("position")] == [
        ("Consulting", Decimal("1250.00")),
        ("Travel", Decimal("80.50")),
    ]
    assert str(first.due_date) == "2026-05-31" and first.memo == "May work"
    second = Payable.objects.get(connection=parties.connection, invoice_number="INV-2")
    # No due date given: the issue date plus the connection's net terms (30 days).
    assert second.amount == Decimal("99.99") and str(second.due_date) == "2026-06-01"
    assert (
        PayableEvent.objects.filter(payable__in=[first, second], type="payable.created").count()
        == 2
    )


def test_submit_mode_submits_each_payable(parties, upload):
    client = parties.client(parties.payee_accountant)
    response = upload(client, parties.payee.pk, csv_file(*_rows(parties)), mode="submit")
    assert response.status_code == 202
    statuses = set(
        Payable.objects.filter(connection=parties.connection).values_list("status", flat=True)
    )
    assert statuses == {"SUBMITTED"}
    # The payer sees them now, as submitted payables of its own.
    seen = parties.client(parties.payer_owner).get(
        f"/api/businesses/{parties.payer.pk}/payables?direction=incoming"
    )
    assert {p["invoiceNumber"] for p in seen.json()["results"]} == {"INV-1", "INV-2"}


def test_every_row_problem_is_reported_and_nothing_is_created(parties, upload):
    factories.PayableFactory(connection=parties.connection, invoice_number="OLD-7")
    before = Payable.objects.count()
    content = csv_file(
        "Nobody Inc,A-1,2026-05-01,,10.00,,,,,,",
        "Acme,A-2,2026-13-01,,10.00,,,,,,",
        "Acme,A-3,2026-05-01,,50.00,,,Widget,2,10.00,",
        "Acme,A-4,2026-05-01,,10.00,EUR,,,,,",
        "Acme,old-7,2026-05-01,,10.00,,,,,,",
        "Acme,A-5,2026-05-01,,10.00,,,,,,",
        "Acme,A-6,2026-05-01,,10.00,,,,,,",
        "Acme,A-5,2026-05-01,,10.00,,,,,,",
        "Acme,A-8,2026-05-09,2026-05-01,10.00,,,,,,",
        "Acme,,2026-05-01,,10.00,,,,,,",
    )
    response = upload(parties.client(parties.payee_owner), parties.payee.pk, content)
    assert response.status_code == 202
    job = parties.client(parties.payee_owner).get(f"/api/imports/{response.json()['id']}").json()
    assert job["status"] == "invalid" and job["createdCount"] == 0
    found = {(e["row"], e["column"]) for e in job["errors"]}
    assert found == {
        (2, "connection"),
        (3, "issueDate"),
        (4, "amount"),
        (5, "currency"),
        (6, "invoiceNumber"),  # used already on the connection (OLD-7, whatever the case)
        (9, "invoiceNumber"),  # A-5 again, after another invoice
        (10, "dueDate"),
        (11, "invoiceNumber"),
    }
    assert job["errorCount"] == len(found)
    assert Payable.objects.count() == before
    messages = {(e["row"], e["column"]): e["message"] for e in job["errors"]}
    assert "Must equal the sum of the line items' totals (20.00)" in messages[(4, "amount")]
    assert "first at row 7" in messages[(9, "invoiceNumber")]


def test_the_error_report_lists_every_problem_with_formulas_neutralised(parties, upload):
    content = csv_file(
        '"=HYPERLINK(""http://evil"")",F-1,2026-05-01,,10.00,,,,,,',
        "Acme,F-2,2026-05-01,,-5,,,,,,",
        "Acme,F-3,2026-05-01,,10.00,,,@SUM(A1),1,10.00,",
    )
    client = parties.client(parties.payee_owner)
    job_id = upload(client, parties.payee.pk, content).json()["id"]
    response = client.get(f"/api/imports/{job_id}/errors")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0] == ["row", "column", "message"]
    assert [(r[0], r[1]) for r in rows[1:]] == [("2", "connection"), ("3", "amount")]
    for row in rows:
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@")), cell
    assert "HYPERLINK" in rows[1][2]  # named, as text


def test_text_that_is_not_utf8_is_refused_clearly(parties, upload):
    content = csv_file("Acme,É-1,2026-05-01,,10.00,,,,,,").decode().encode("latin-1")
    response = upload(parties.client(parties.payee_owner), parties.payee.pk, content)
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "file"
    assert "not UTF-8" in response.json()["errors"][0]["message"]
    assert not Import.objects.exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty"),
        (HEADER.encode() + b"\n", "no rows"),
        (b"who,what\nAcme,1\n", "Unknown column 'who'"),
        (b"connection,amount\nAcme,1\n", "lacks the column(s) invoiceNumber"),
        (csv_file("Acme,N-1,2026-05-01,,1.00,,,,,,,extra"), "has 12 cells"),
        (csv_file('Acme,N-1,2026-05-01,,1.00,,"unclosed'), "not valid CSV"),
    ],
)
def test_a_malformed_file_is_refused_at_upload(parties, upload, content, message):
    response = upload(parties.client(parties.payee_owner), parties.payee.pk, content)
    assert response.status_code == 400
    assert message in response.json()["errors"][0]["message"]


def test_a_nul_character_is_a_row_problem(parties, upload):
    content = csv_file("Acme,N-1,2026-05-01,,1.00,,a\x00b,,,,")
    client = parties.client(parties.payee_owner)
    job = client.get(f"/api/imports/{upload(client, parties.payee.pk, content).json()['id']}")
    assert job.json()["status"] == "invalid"
    assert [(e["row"], e["column"]) for e in job.json()["errors"]] == [(2, "memo")]


def test_row_and_size_limits(parties, upload, settings):
    settings.IMPORT_MAX_ROWS = 5
    content = csv_file(*[f"Acme,L-{i},2026-05-01,,1.00,,,,,," for i in range(6)])
    response = upload(parties.client(parties.payee_owner), parties.payee.pk, content)
    assert response.status_code == 400
    assert "more than 5 rows" in response.json()["errors"][0]["message"]

    settings.IMPORT_MAX_BYTES = 100
    response = upload(parties.client(parties.payee_owner), parties.payee.pk, content)
    assert response.status_code == 413
    assert not Import.objects.exists()


def test_the_same_file_twice_creates_nothing_twice(parties, upload):
    client = parties.client(parties.payee_owner)
    content = csv_file(*_rows(parties))
    first = upload(client, parties.payee.pk, content)
    again = upload(client, parties.payee.pk, content, mode="submit")
    assert (first.status_code, again.status_code) == (202, 200)
    assert again.json()["id"] == first.json()["id"]
    assert Payable.objects.filter(connection=parties.connection).count() == 2
    assert Import.objects.count() == 1


def test_a_refused_file_may_be_sent_again(parties, upload):
    client = parties.client(parties.payee_owner)
    content = csv_file("Acme,R-1,2026-05-01,,10.00,EUR,,,,,")
    first = upload(client, parties.payee.pk, content)
    assert client.get(f"/api/imports/{first.json()['id']}").json()["status"] == "invalid"
    # Invalid imports hold nothing: the same bytes start a new import (the world may have changed).
    again = upload(client, parties.payee.pk, content)
    assert again.status_code == 202 and again.json()["id"] != first.json()["id"]


def test_an_import_is_all_or_nothing(parties, upload, django_capture_on_commit_callbacks):
    """A row refused by the payables service at commit time (a number taken after the check)
    rolls every payable of the file back."""
    content = csv_file(*[f"Acme,X-{i},2026-05-01,,10.00,,,,,," for i in range(5)])
    client = parties.client(parties.payee_owner)
    with django_capture_on_commit_callbacks(execute=False):
        job_id = client.post(
            f"/api/businesses/{parties.payee.pk}/imports",
            {"file": io.BytesIO(content), "mode": "draft"},
            format="multipart",
        ).json()["id"]
    assert services.import_validate(import_id=job_id).status == ImportStatus.IMPORTING
    factories.PayableFactory(connection=parties.connection, invoice_number="X-3")
    job = services.import_commit(import_id=job_id)
    assert job.status == ImportStatus.FAILED
    assert Payable.objects.filter(connection=parties.connection).count() == 1
    body = client.get(f"/api/imports/{job_id}").json()
    assert body["status"] == "failed" and "Nothing was created" in body["failure"]
    assert body["errors"][0]["row"] == 5 and "X-3" in body["errors"][0]["message"]
    # The job running again finds it finished and does nothing.
    assert services.import_commit(import_id=job_id).status == ImportStatus.FAILED


def test_who_may_import_and_read(parties, upload):
    content = csv_file(*_rows(parties))
    assert (
        upload(parties.client(parties.payee_viewer), parties.payee.pk, content).status_code == 403
    )
    assert upload(parties.client(parties.outsider), parties.payee.pk, content).status_code == 404
    job_id = upload(parties.client(parties.payee_owner), parties.payee.pk, content).json()["id"]
    assert parties.client(parties.payee_viewer).get(f"/api/imports/{job_id}").status_code == 200
    for user in (parties.outsider, parties.payer_owner):
        client = parties.client(user)
        assert client.get(f"/api/imports/{job_id}").status_code == 404
        assert client.get(f"/api/imports/{job_id}/errors").status_code == 404
    listed = parties.client(parties.payee_viewer).get(f"/api/businesses/{parties.payee.pk}/imports")
    assert [i["id"] for i in listed.json()["results"]] == [job_id]


def test_a_payer_cannot_import_onto_its_incoming_side(parties, upload):
    content = csv_file("Globex,P-1,2026-05-01,,10.00,,,,,,")
    client = parties.client(parties.payer_owner)
    job_id = upload(client, parties.payer.pk, content).json()["id"]
    job = client.get(f"/api/imports/{job_id}").json()
    assert job["status"] == "invalid"
    assert job["errors"][0]["column"] == "connection"


def test_the_template_is_the_format(parties, upload):
    client = parties.client(parties.payee_owner)
    response = client.get("/api/imports/template")
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode()
    assert text.splitlines()[0] == HEADER
    # Filled in with a real connection, the template imports as it is.
    filled = text.replace("conn_REPLACEwithYOURconnID", parties.connection.pk).replace(
        "Globex Corporation", "Acme"
    )
    job_id = upload(client, parties.payee.pk, filled.encode()).json()["id"]
    job = client.get(f"/api/imports/{job_id}").json()
    assert job["status"] == "done", job["errors"]
    assert job["createdCount"] == 2


def test_the_job_running_twice_or_again_after_a_crash_creates_everything_once(parties):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from imports.tasks import run_import

    upload = SimpleUploadedFile("twice.csv", csv_file(*_rows(parties)), content_type="text/csv")
    job, _ = services.import_create(
        business_id=parties.payee.pk, actor=parties.payee_owner, upload=upload, mode="draft"
    )
    # A worker that stopped half-way through the check: its pass was rolled back.
    Import.objects.filter(pk=job.pk).update(status=ImportStatus.VALIDATING)
    assert run_import(job.pk) == "done"
    assert run_import(job.pk) == "done"
    assert Payable.objects.filter(connection=parties.connection).count() == 2
    job.refresh_from_db()
    assert (job.created_count, job.processed, job.total) == (2, 3, 3)
