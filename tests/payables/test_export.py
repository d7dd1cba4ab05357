"""GET /api/businesses/{businessId}/payables/export-csv: the list's rows and filters as CSV."""

import csv
import datetime
import io
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.db import connection as db_connection
from django.http import QueryDict
from psycopg.pq import TransactionStatus

from cleopay.core import csvexport
from payables import exports, selectors
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
    # The token with its user and roles, then on PostgreSQL one COPY whatever the number of rows;
    # elsewhere the rows (one streamed query) and the tags of each chunk of 10.
    rows = 1 if db_connection.vendor == "postgresql" else 1 + 3
    with django_assert_num_queries(1 + rows) as queries:
        response = client.get(f"/api/businesses/{parties.payer.id}/payables/export-csv")
        lines = b"".join(response.streaming_content).count(b"\n")
    assert lines == 26
    if db_connection.vendor == "postgresql":
        assert queries.captured_queries[-1]["sql"].startswith("COPY (SELECT ")


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
        f"{w.a.id},'=HYPERLINK(1),SUBMITTED,incoming,{globex},1250.50,0.00,0.00,1250.50,{dates},"
        '"two\nlines, ""quoted""\r\nand a CRLF","\'@ops; q, ""x""; zeta",'
        f"{to_acme},2026-11-21T12:00:00.123456Z,2026-11-21T12:00:01Z\n"
        f"{w.b.id},INV-é€😀,APPROVED,incoming,{globex},0.01,0.00,0.00,0.01,{dates},,,"
        f"{to_acme},2026-11-21T11:00:00.000005Z,2026-11-21T11:00:00.000005Z\n"
        f'{w.c.id},\'@sum,PAID,incoming,{globex},9999999999.99,9999999999.99,0.00,0.00,{dates},"a\rb",,'
        f"{to_acme},2026-11-21T10:00:00Z,2026-11-21T10:00:01Z\n"
        f"{w.d.id},'-1,DRAFT,outgoing,{globex},100.00,0.00,0.00,100.00,{dates},'\ttab,zeta,"
        f"{from_acme},2026-11-21T09:30:00.500000Z,\n"
        f"{w.e.id},'+1,SUBMITTED,outgoing,{globex},100.00,0.00,0.00,100.00,{dates},'quoted already,,"
        f"{from_acme},2026-11-21T09:00:00Z,2026-11-21T09:05:00Z\n"
    )
    # A spreadsheet or csv reader gets the cells back, line breaks inside them included.
    rows = list(csv.reader(io.StringIO(body, newline="")))
    assert rows[1][12] == 'two\nlines, "quoted"\r\nand a CRLF'
    assert rows[3][12] == "a\rb"


VIEWS = [
    ("payer", ""),
    ("payer", "direction=incoming"),
    ("payer", "direction=outgoing&status=DRAFT"),
    ("payer", "status=SUBMITTED,PAID&amountMin=1"),
    ("payer", "search=line"),
    ("payer", "tag=zeta&dueAfter=2026-11-01"),
    ("payee", ""),
    ("payee", "direction=outgoing&amountMax=2000"),
]


@pytest.mark.postgres
@pytest.mark.django_db
@pytest.mark.parametrize(("side", "query"), VIEWS)
def test_copy_writes_the_bytes_python_writes(parties, side, query):
    awkward_payables(parties)
    business_id = getattr(parties, side).id
    queryset = selectors.payable_filter(
        business_id=business_id,
        user=getattr(parties, f"{side}_owner"),
        params=QueryDict(query),
    )
    copied = b"".join(
        csvexport.copy_chunks(
            exports.copy_select(queryset, business_id=business_id), exports.HEADER
        )
    )
    written = "".join(
        csvexport.python_chunks(
            exports.python_lines(queryset, business_id=business_id), exports.HEADER
        )
    ).encode()
    assert copied.count(b"\n") > 1  # rows, not just the header
    assert copied == written


def _many_payables(parties, count: int) -> None:
    """``count`` submitted payables of Acme's, with a long memo each (bulk, no events)."""
    today = datetime.date(2026, 11, 21)
    Payable.objects.bulk_create(
        Payable(
            connection=parties.connection,
            payee=parties.payee,
            payer=parties.payer,
            status=S.SUBMITTED,
            amount=Decimal("10.00"),
            issue_date=today,
            due_date=today,
            invoice_number=f"BULK-{i}",
            memo="x" * 500,
            submitted_at=_at(8),
        )
        for i in range(count)
    )


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_client_leaving_mid_export_leaves_the_connection_usable(parties, monkeypatch):
    """The server closes the body when the client goes away: the COPY is cancelled, and the
    connection serves the next request (autocommit, as under gunicorn)."""
    monkeypatch.setattr(csvexport, "FLUSH_BYTES", 4096)
    _many_payables(parties, 2000)
    client = parties.client(parties.payer_owner)
    url = f"/api/businesses/{parties.payer.id}/payables/export-csv"

    # A persistent connection, as in production (the test settings close it after each request).
    db_connection.ensure_connection()
    monkeypatch.setattr(db_connection, "close_at", None)
    kept = db_connection.connection

    response = client.get(url)
    pieces = iter(response.streaming_content)
    assert len(next(pieces)) >= 4096
    response.close()  # what the server does when the client has gone

    assert db_connection.connection is kept
    assert kept.info.transaction_status == TransactionStatus.IDLE
    assert Payable.objects.count() == 2000
    again = b"".join(client.get(url).streaming_content)
    assert again.count(b"\n") == 2001
