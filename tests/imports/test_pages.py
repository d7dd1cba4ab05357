"""The import pages: the link from the invoices list, the upload form and its refusals, one
import's page (its progress, what it created or what to fix), each business its own."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from imports.models import Import
from payables.models import Payable
from tests.imports.conftest import csv_file

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _post(client, business_id, content: bytes, mode="draft"):
    return client.post(
        f"/b/{business_id}/invoices/import",
        {"file": SimpleUploadedFile("may.csv", content, content_type="text/csv"), "mode": mode},
    )


def test_the_invoices_list_links_the_import_for_those_who_invoice(parties):
    url = f"/b/{parties.payee.pk}/invoices"
    assert "Import from CSV" in _client(parties.payee_accountant).get(url).content.decode()
    assert "Import from CSV" not in _client(parties.payee_viewer).get(url).content.decode()
    page = f"/b/{parties.payee.pk}/invoices/import"
    assert _client(parties.payee_viewer).get(page).status_code == 403


def test_upload_then_the_import_page_says_what_was_created(
    parties, django_capture_on_commit_callbacks
):
    client = _client(parties.payee_owner)
    with django_capture_on_commit_callbacks(execute=True):
        response = _post(client, parties.payee.pk, csv_file("Acme,PG-1,2026-05-01,,10.00,,,,,,"))
    job = Import.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/b/{parties.payee.pk}/imports/{job.pk}"
    page = client.get(response["Location"]).content.decode()
    assert "1 invoice created" in page
    assert 'value="1"' in page and 'max="1"' in page  # the progress bar, full
    listing = client.get(f"/b/{parties.payee.pk}/invoices/import").content.decode()
    assert "may.csv" in listing and "Done" in listing
    assert Payable.objects.filter(invoice_number="PG-1").exists()


def test_a_file_refused_as_a_whole_is_shown_on_the_form(parties):
    client = _client(parties.payee_owner)
    response = _post(client, parties.payee.pk, "Acme,É\n".encode("latin-1"))
    assert response.status_code == 400
    assert "not UTF-8" in response.content.decode()
    response = client.post(f"/b/{parties.payee.pk}/invoices/import", {"mode": "draft"})
    assert response.status_code == 400
    assert "Choose a CSV file" in response.content.decode()
    assert not Import.objects.exists()


def test_rows_to_fix_are_listed_with_the_error_report(parties, django_capture_on_commit_callbacks):
    client = _client(parties.payee_owner)
    with django_capture_on_commit_callbacks(execute=True):
        response = _post(client, parties.payee.pk, csv_file("Nobody,PG-2,2026-05-01,,10.00,,,,,,"))
    page = client.get(response["Location"]).content.decode()
    assert "1 problem to fix" in page and "Nothing was created." in page
    assert "No customer named" in page
    job = Import.objects.get()
    assert f"/api/imports/{job.pk}/errors" in page


def test_another_business_import_is_not_found(parties, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _post(
            _client(parties.payee_owner),
            parties.payee.pk,
            csv_file("Acme,PG-3,2026-05-01,,10.00,,,,,,"),
        )
    job = Import.objects.get()
    outsider_business = parties.outsider.memberships.get().business_id
    response = _client(parties.outsider).get(f"/b/{outsider_business}/imports/{job.pk}")
    assert response.status_code == 404
    assert (
        _client(parties.outsider).get(f"/b/{parties.payee.pk}/imports/{job.pk}").status_code == 404
    )
