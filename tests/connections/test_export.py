"""CSV export: header, one row per connection as the caller sees it, formulas neutralised,
streamed in chunks with flat memory and a constant number of queries."""

import csv
import datetime
import io
import re
import tracemalloc
from types import SimpleNamespace

import pytest
from django.db import connection as db_connection
from django.http import StreamingHttpResponse

from accounts.models import Business, Membership
from cleopay.core import csvexport
from connections import exports, selectors
from connections.models import Connection, ConnectionTag
from tests import factories

HEADER = [
    "id",
    "business",
    "connected_business",
    "role",
    "alias",
    "tags",
    "status",
    "net_terms",
    "auto_approve",
    "created_at",
]


def export(client, query=""):
    response = client.get(f"/api/connections/export-csv{query}")
    assert response.status_code == 200, response
    text = b"".join(response.streaming_content).decode("utf-8")
    return response, list(csv.reader(io.StringIO(text)))


def test_header_and_one_row_per_connection_from_my_side(api, connection, acme, globex):
    connection.payer_alias, connection.payee_alias = "Globex IT", "Acme HQ"
    connection.net_terms, connection.auto_approve = 30, True
    connection.save()
    factories.tag_on(connection, acme, "Suppliers")
    factories.tag_on(connection, acme, "IT")
    factories.tag_on(connection, globex, "Customers")
    unbound = Connection.objects.create(
        payee=acme, invited_by_business=acme, invited_email="pat@newco.example"
    )

    response, rows = export(api(acme.owner))
    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert re.fullmatch(
        r'attachment; filename="connections-\d{4}-\d{2}-\d{2}\.csv"',
        response["Content-Disposition"],
    )
    assert rows[0] == HEADER
    assert rows[1] == [
        unbound.pk,
        "Acme Corp",
        "pat@newco.example",
        "payee",
        "",
        "",
        "pending",
        "",
        "false",
        unbound.created_at.isoformat().replace("+00:00", "Z"),
    ]
    assert rows[2][:9] == [
        connection.pk,
        "Acme Corp",
        "Globex Ltd",
        "payer",
        "Globex IT",
        "IT; Suppliers",
        "active",
        "30",
        "true",
    ]
    assert len(rows) == 3

    _, theirs = export(api(globex.owner))
    assert theirs[1][1:6] == ["Globex Ltd", "Acme Corp", "payee", "Acme HQ", "Customers"]


def test_a_user_without_a_business_exports_just_the_header(api, connection):
    _, rows = export(api(factories.UserFactory()))
    assert rows == [HEADER]


def test_export_takes_the_list_filters(api, acme, globex):
    active = factories.ConnectionFactory(payer=acme, payee=globex)
    archived = factories.ConnectionFactory(payer=globex, payee=acme, status="archived")
    tag = factories.tag_on(archived, acme, "Old")
    client = api(acme.owner)
    assert [r[0] for r in export(client, "?status=active")[1][1:]] == [active.pk]
    assert [r[0] for r in export(client, f"?tag={tag.pk}")[1][1:]] == [archived.pk]
    assert client.get("/api/connections/export-csv?status=nope").status_code == 400


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_formula_cells_are_neutralised(api, acme, start):
    payee = factories.BusinessFactory(name=f'{start}HYPERLINK("http://x")')
    connection = factories.ConnectionFactory(payer=acme, payee=payee, payer_alias=f"{start}1+1")
    factories.tag_on(connection, acme, f"{start}cmd|' /C calc'!A0")
    _, rows = export(api(acme.owner))
    row = dict(zip(HEADER, rows[1], strict=True))
    assert row["connected_business"] == f'\'{start}HYPERLINK("http://x")'
    assert row["alias"] == f"'{start}1+1"
    assert row["tags"] == f"'{start}cmd|' /C calc'!A0"


def test_neutralise_leaves_ordinary_text_alone():
    assert exports.neutralise("Acme = Best") == "Acme = Best"
    assert exports.neutralise("") == ""
    assert exports.neutralise(None) == ""
    assert exports.neutralise(30) == "30"
    assert exports.neutralise("-5") == "'-5"


def _connections(payer: Business, count: int, *, tagged: bool = True) -> None:
    payees = Business.objects.bulk_create(
        [Business(name=f"Payee {i} of {payer.name}") for i in range(count)]
    )
    made = Connection.objects.bulk_create(
        [
            Connection(payer=payer, payee=payee, invited_by_business=payer, status="active")
            for payee in payees
        ]
    )
    if tagged:
        tag = factories.TagFactory(business=payer)
        Connection.tags.through.objects.bulk_create(
            [Connection.tags.through(connection=c, tag=tag) for c in made]
        )


ON_POSTGRES = db_connection.vendor == "postgresql"


@pytest.mark.parametrize("count", [1, 30])
def test_export_runs_a_constant_number_of_queries(api, acme, count, django_assert_num_queries):
    _connections(acme, count)
    client = api(acme.owner)
    # The token with its user and roles, then on PostgreSQL one COPY; elsewhere the connections
    # (one chunk) and their tags (one query per chunk).
    with django_assert_num_queries(2 if ON_POSTGRES else 3):
        response = client.get("/api/connections/export-csv")
        lines = b"".join(response.streaming_content).count(b"\n")
    assert lines == count + 1


def test_rows_are_read_in_chunks(api, acme, monkeypatch, django_assert_num_queries):
    monkeypatch.setattr(exports, "EXPORT_CHUNK_SIZE", 10)
    _connections(acme, 30)
    client = api(acme.owner)
    # Elsewhere than on PostgreSQL (one COPY, streamed): one query for the rows, and one tags
    # query per chunk of 10, so the rows are not read at once.
    with django_assert_num_queries(1 + 1 if ON_POSTGRES else 1 + 1 + 3) as queries:
        response = client.get("/api/connections/export-csv")
        b"".join(response.streaming_content)
    if ON_POSTGRES:
        assert queries.captured_queries[-1]["sql"].startswith("COPY (SELECT ")


def _at(hour: int, second: int = 0, micro: int = 0) -> datetime.datetime:
    return datetime.datetime(2026, 11, 21, hour, 0, second, micro, tzinfo=datetime.UTC)


def awkward_connections(acme, globex) -> SimpleNamespace:
    """Connections whose cells try the CSV writing, and ``both``, a member of Acme and Globex.

    Formula starts, quotes, commas, line breaks, non-ASCII names, empty aliases, an unbound
    e-mail invitation, no net terms, timestamps with and without microseconds, tags of both
    sides. Tag names sort the same in any collation.
    """
    globex.name = '+Globex "Ltd", Zürich'
    globex.save()
    initech = factories.BusinessFactory(name="Initech ☃")
    umbrella = factories.BusinessFactory(name="Umbrella")
    w = SimpleNamespace(both=factories.member(acme, "viewer"))
    Membership.objects.create(business=globex, user=w.both, role="viewer")
    w.c1 = factories.ConnectionFactory(
        payer=acme,
        payee=globex,
        payer_alias="=Globex IT",
        payee_alias='Acme, "HQ"\r\nFloor 2',
        net_terms=30,
        auto_approve=True,
    )
    w.c2 = factories.ConnectionFactory(payer=globex, payee=acme)
    w.c3 = factories.ConnectionFactory(payer=acme, payee=initech, payer_alias="a\rb", net_terms=0)
    w.c4 = Connection.objects.create(
        payee=acme, invited_by_business=acme, invited_email="-pat@newco.example"
    )
    w.c5 = factories.ConnectionFactory(payer=umbrella, payee=globex, status="pending")
    for connection, created_at in (
        (w.c1, _at(12, micro=123456)),
        (w.c2, _at(11)),
        (w.c3, _at(10, micro=5)),
        (w.c4, _at(9)),
        (w.c5, _at(8, second=1)),
    ):
        Connection.objects.filter(pk=connection.pk).update(created_at=created_at)
    w.zeta = factories.tag_on(w.c1, acme, "zeta")
    factories.tag_on(w.c1, acme, "@ops")
    factories.tag_on(w.c1, globex, 'c, "x"')
    factories.tag_on(w.c1, globex, "customers")
    ConnectionTag.objects.create(connection=w.c3, tag=w.zeta)
    factories.tag_on(w.c5, globex, "=1+1")
    return w


def test_awkward_cells_are_written_exactly(api, acme, globex):
    w = awkward_connections(acme, globex)
    response = api(acme.owner).get("/api/connections/export-csv")
    body = b"".join(response.streaming_content).decode()

    them = '"\'+Globex ""Ltd"", Zürich"'
    assert body == (
        ",".join(HEADER) + "\n"
        f"{w.c1.id},Acme Corp,{them},payer,'=Globex IT,'@ops; zeta,active,30,true,"
        "2026-11-21T12:00:00.123456Z\n"
        f"{w.c2.id},Acme Corp,{them},payee,,,active,,false,2026-11-21T11:00:00Z\n"
        f'{w.c3.id},Acme Corp,Initech ☃,payer,"a\rb",zeta,active,0,false,'
        "2026-11-21T10:00:00.000005Z\n"
        f"{w.c4.id},Acme Corp,'-pat@newco.example,payee,,,pending,,false,2026-11-21T09:00:00Z\n"
    )


def test_a_member_of_both_sides_sees_each_row_from_one_side(api, acme, globex):
    w = awkward_connections(acme, globex)
    client = api(w.both)
    them = '\'+Globex "Ltd", Zürich'

    rows = {row[0]: row[1:6] for row in export(client)[1][1:]}
    # The payer side by default; Globex where only Globex is on the connection.
    assert rows[w.c1.id] == ["Acme Corp", them, "payer", "'=Globex IT", "'@ops; zeta"]
    assert rows[w.c2.id] == [them, "Acme Corp", "payer", "", ""]
    assert rows[w.c5.id] == [them, "Umbrella", "payee", "", "'=1+1"]
    assert len(rows) == 5

    rows = {row[0]: row[1:6] for row in export(client, f"?businessId={globex.id}")[1][1:]}
    assert rows[w.c1.id] == [
        them,
        "Acme Corp",
        "payee",
        'Acme, "HQ"\r\nFloor 2',
        'c, "x"; customers',
    ]
    assert set(rows) == {w.c1.id, w.c2.id, w.c5.id}


VIEWS = [
    ("acme", None, {}),
    ("both", None, {}),
    ("both", "globex", {}),
    ("both", "acme", {}),
    ("globex", "globex", {}),
    ("both", None, {"status": "active"}),
    ("both", None, {"status": "pending"}),
    ("both", "globex", {"search": "acme"}),
    ("both", None, {"tag": "zeta"}),
]


@pytest.mark.postgres
@pytest.mark.parametrize(("businesses", "prefer", "filters"), VIEWS)
def test_copy_writes_the_bytes_python_writes(acme, globex, businesses, prefer, filters):
    w = awkward_connections(acme, globex)
    business_ids = {
        "acme": {acme.id},
        "globex": {globex.id},
        "both": {acme.id, globex.id},
    }[businesses]
    prefer = {None: None, "acme": acme.id, "globex": globex.id}[prefer]
    if "tag" in filters:
        filters = {**filters, "tag": w.zeta.id}
    queryset = selectors.connection_list(business_ids=list(business_ids), **filters)

    copied = b"".join(
        csvexport.copy_chunks(
            exports.copy_select(queryset, business_ids=business_ids, prefer=prefer), HEADER
        )
    )
    lines = exports.python_lines(queryset, business_ids=business_ids, prefer=prefer)
    written = "".join(csvexport.python_chunks(lines, HEADER)).encode()
    assert copied.count(b"\n") > 1  # rows, not just the header
    assert copied == written


def _peak_while_streaming(client) -> tuple[int, int]:
    response = client.get("/api/connections/export-csv")
    lines = 0
    tracemalloc.start()
    try:
        for piece in response.streaming_content:
            lines += piece.count(b"\n")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return lines, peak


def test_memory_does_not_grow_with_the_number_of_rows(db, api, monkeypatch):
    monkeypatch.setattr(exports, "EXPORT_CHUNK_SIZE", 50)
    monkeypatch.setattr(csvexport, "FLUSH_BYTES", 4096)
    small, small_owner = factories.business_with_owner("Small")
    large, large_owner = factories.business_with_owner("Large")
    _connections(small, 100)
    _connections(large, 2000)

    small_lines, small_peak = _peak_while_streaming(api(small_owner))
    large_lines, large_peak = _peak_while_streaming(api(large_owner))
    assert (small_lines, large_lines) == (101, 2001)
    # Twenty times the rows, about the same memory (holding every row would need ~20x).
    assert large_peak < small_peak * 2, (small_peak, large_peak)
