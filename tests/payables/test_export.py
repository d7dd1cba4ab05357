"""GET /api/businesses/{businessId}/payables/export-csv: the list's rows and filters as CSV."""

import csv
import datetime
import io
from decimal import Decimal

import pytest

from payables import exports
from payables.models import PayableStatus, PayableTag
from tests import factories
from tests.payables.helpers import error_fields, make_payable

S = PayableStatus


def export(client, business, query: str = "") -> tuple:
    response = client.get(
        f"/api/businesses/{business.id}/payables/export-csv" + (f"?{query}" if query else "")
    )
    assert response.status_code == 200, response.content
    text = b"".join(response.streaming_content).decode()
    return response, list(csv.reader(io.StringIO(text)))


@pytest.mark.django_db
def test_rows_as_the_payer_sees_them(parties):
    payable = make_payable(
        parties,
        S.SUBMITTED,
        invoice_number="G-7",
        amount=Decimal("1250.50"),
        memo="March consulting",
        due_date=datetime.date(2026, 5, 15),
    )
    theirs = factories.TagFactory(business=parties.payee, name="payee-only")
    mine = factories.TagFactory(business=parties.payer, name="ops")
    PayableTag.objects.create(payable=payable, tag=theirs)
    PayableTag.objects.create(payable=payable, tag=mine)

    response, rows = export(parties.client(parties.payer_owner), parties.payer)

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="payables-')
    assert rows[0] == exports.HEADER
    row = dict(zip(rows[0], rows[1], strict=True))
    assert len(rows) == 2
    assert row["id"] == payable.id and row["invoice_number"] == "G-7"
    assert row["status"] == "SUBMITTED" and row["direction"] == "incoming"
    assert row["counterparty"] == "Globex"
    assert row["amount"] == "1250.50" and row["currency"] == "USD"
    assert row["due_date"] == "2026-05-15" and row["memo"] == "March consulting"
    assert row["tags"] == "ops"  # the payer's own tags only
    assert row["connection_id"] == parties.connection.id
    assert row["created_at"].endswith("Z") and row["submitted_at"].endswith("Z")


@pytest.mark.django_db
def test_the_payer_never_exports_drafts_and_the_payee_exports_its_own(parties):
    draft = make_payable(parties, S.DRAFT)
    sent = make_payable(parties, S.APPROVED)
    _, payer_rows = export(parties.client(parties.payer_owner), parties.payer)
    _, payee_rows = export(parties.client(parties.payee_owner), parties.payee)
    assert [r[0] for r in payer_rows[1:]] == [sent.id]
    assert {r[0] for r in payee_rows[1:]} == {draft.id, sent.id}
    assert {r[3] for r in payee_rows[1:]} == {"outgoing"}
    assert {r[4] for r in payee_rows[1:]} == {"Acme"}


@pytest.mark.django_db
def test_the_list_filters_apply(parties):
    make_payable(parties, S.SUBMITTED, amount=Decimal("10.00"))
    big = make_payable(parties, S.APPROVED, amount=Decimal("900.00"))
    client = parties.client(parties.payer_owner)
    _, rows = export(client, parties.payer, "status=APPROVED&amountMin=500")
    assert [r[0] for r in rows[1:]] == [big.id]
    response = client.get(f"/api/businesses/{parties.payer.id}/payables/export-csv?status=NOPE")
    assert response.status_code == 400
    assert "status" in error_fields(response)


@pytest.mark.django_db
def test_cells_that_would_run_as_formulas_are_neutralised(parties):
    make_payable(parties, S.SUBMITTED, invoice_number="=HYPERLINK(1)", memo="+cmd|calc")
    _, rows = export(parties.client(parties.payer_owner), parties.payer)
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["invoice_number"] == "'=HYPERLINK(1)"
    assert row["memo"] == "'+cmd|calc"


@pytest.mark.django_db
def test_another_business_export_is_404(parties):
    response = parties.client(parties.outsider).get(
        f"/api/businesses/{parties.payer.id}/payables/export-csv"
    )
    assert response.status_code == 404


@pytest.mark.django_db
def test_rows_are_read_in_chunks(parties, monkeypatch, django_assert_num_queries):
    monkeypatch.setattr(exports, "EXPORT_CHUNK_SIZE", 10)
    for _ in range(25):
        make_payable(parties, S.SUBMITTED)
    client = parties.client(parties.payer_owner)
    # The token with its user and roles, the rows (one streamed query), the tags of each chunk of 10.
    with django_assert_num_queries(1 + 1 + 3):
        response = client.get(f"/api/businesses/{parties.payer.id}/payables/export-csv")
        lines = b"".join(response.streaming_content).count(b"\n")
    assert lines == 26
