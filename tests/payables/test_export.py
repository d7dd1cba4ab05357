"""GET /api/businesses/{businessId}/payables/export-csv: the list's rows and filters as CSV."""

import csv
import datetime
import io
from decimal import Decimal
from types import SimpleNamespace

import pytest

from payables import exports
from payables.models import Payable, PayableStatus, PayableTag
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


def _at(hour: int, minute: int = 0, second: int = 0, micro: int = 0) -> datetime.datetime:
    return datetime.datetime(2026, 11, 21, hour, minute, second, micro, tzinfo=datetime.UTC)


def awkward_payables(parties) -> SimpleNamespace:
    """Payables whose cells try the CSV writing, both ways between Acme and Globex.

    Formula starts, quotes, commas, line breaks (LF, CRLF, a lone CR), non-ASCII text, an empty
    memo, a draft (no submitted_at), timestamps with and without microseconds, several tags of
    both sides. Tag names sort the same in any collation.
    """
    parties.payee.name = '=Globex, "the" Ltd\nUnit 2 · Zürich'
    parties.payee.save()
    # Acme also invoices Globex: Acme's outgoing payables, a draft among them.
    back = factories.ConnectionFactory(payer=parties.payee, payee=parties.payer)
    dates = {"issue_date": datetime.date(2026, 11, 1), "due_date": datetime.date(2026, 12, 1)}
    world = SimpleNamespace(back=back)
    world.a = make_payable(
        parties,
        S.SUBMITTED,
        invoice_number="=HYPERLINK(1)",
        memo='two\nlines, "quoted"\r\nand a CRLF',
        amount=Decimal("1250.50"),
        **dates,
    )
    world.b = make_payable(
        parties, S.APPROVED, invoice_number="INV-é€😀", amount=Decimal("0.01"), **dates
    )
    world.c = make_payable(
        parties,
        S.PAID,
        invoice_number="@sum",
        memo="a\rb",
        amount=Decimal("9999999999.99"),
        **dates,
    )
    world.d = factories.PayableFactory(
        connection=back, status=S.DRAFT, invoice_number="-1", memo="\ttab", **dates
    )
    world.e = factories.PayableFactory(
        connection=back, status=S.SUBMITTED, invoice_number="+1", memo="'quoted already", **dates
    )
    stamps = {
        world.a: (_at(12, micro=123456), _at(12, second=1)),
        world.b: (_at(11, micro=5), _at(11, micro=5)),
        world.c: (_at(10), _at(10, second=1)),
        world.d: (_at(9, 30, micro=500000), None),
        world.e: (_at(9), _at(9, 5)),
    }
    for payable, (created_at, submitted_at) in stamps.items():
        Payable.objects.filter(pk=payable.pk).update(
            created_at=created_at, submitted_at=submitted_at
        )
    mine = {name: factories.TagFactory(business=parties.payer, name=name) for name in
            ("zeta", "@ops", 'q, "x"')}  # fmt: skip
    theirs = factories.TagFactory(business=parties.payee, name="theirs")
    for tag in (*mine.values(), theirs):
        PayableTag.objects.create(payable=world.a, tag=tag)
    PayableTag.objects.create(payable=world.d, tag=mine["zeta"])
    PayableTag.objects.create(payable=world.e, tag=theirs)
    return world


@pytest.mark.django_db
def test_awkward_cells_are_written_exactly(parties):
    w = awkward_payables(parties)
    response = parties.client(parties.payer_owner).get(
        f"/api/businesses/{parties.payer.id}/payables/export-csv"
    )
    body = b"".join(response.streaming_content).decode()

    globex = '"\'=Globex, ""the"" Ltd\nUnit 2 · Zürich"'
    to_acme, from_acme = parties.connection.id, w.back.id
    dates = "USD,2026-11-01,2026-12-01"
    assert body == (
        ",".join(exports.HEADER) + "\n"
        f"{w.a.id},'=HYPERLINK(1),SUBMITTED,incoming,{globex},1250.50,{dates},"
        '"two\nlines, ""quoted""\r\nand a CRLF","\'@ops; q, ""x""; zeta",'
        f"{to_acme},2026-11-21T12:00:00.123456Z,2026-11-21T12:00:01Z\n"
        f"{w.b.id},INV-é€😀,APPROVED,incoming,{globex},0.01,{dates},,,"
        f"{to_acme},2026-11-21T11:00:00.000005Z,2026-11-21T11:00:00.000005Z\n"
        f'{w.c.id},\'@sum,PAID,incoming,{globex},9999999999.99,{dates},"a\rb",,'
        f"{to_acme},2026-11-21T10:00:00Z,2026-11-21T10:00:01Z\n"
        f"{w.d.id},'-1,DRAFT,outgoing,{globex},100.00,{dates},'\ttab,zeta,"
        f"{from_acme},2026-11-21T09:30:00.500000Z,\n"
        f"{w.e.id},'+1,SUBMITTED,outgoing,{globex},100.00,{dates},'quoted already,,"
        f"{from_acme},2026-11-21T09:00:00Z,2026-11-21T09:05:00Z\n"
    )
    # A spreadsheet or csv reader gets the cells back, line breaks inside them included.
    rows = list(csv.reader(io.StringIO(body, newline="")))
    assert rows[1][9] == 'two\nlines, "quoted"\r\nand a CRLF'
    assert rows[3][9] == "a\rb"
