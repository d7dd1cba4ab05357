"""CSV export: header, one row per connection as the caller sees it, formulas neutralised,
streamed in chunks with flat memory and a constant number of queries."""

import csv
import io
import re
import tracemalloc

import pytest
from django.http import StreamingHttpResponse

from accounts.models import Business
from connections import exports
from connections.models import Connection
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


@pytest.mark.parametrize("count", [1, 30])
def test_export_runs_a_constant_number_of_queries(api, acme, count, django_assert_num_queries):
    _connections(acme, count)
    client = api(acme.owner)
    # The token with its user and roles, the connections (one chunk), their tags (one query per chunk).
    with django_assert_num_queries(3):
        response = client.get("/api/connections/export-csv")
        lines = b"".join(response.streaming_content).count(b"\n")
    assert lines == count + 1


def test_rows_are_read_in_chunks(api, acme, monkeypatch, django_assert_num_queries):
    monkeypatch.setattr(exports, "EXPORT_CHUNK_SIZE", 10)
    _connections(acme, 30)
    client = api(acme.owner)
    # One query for the rows, and one tags query per chunk of 10: the rows are not read at once.
    with django_assert_num_queries(1 + 1 + 3):
        response = client.get("/api/connections/export-csv")
        b"".join(response.streaming_content)


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
    monkeypatch.setattr(exports, "FLUSH_BYTES", 4096)
    small, small_owner = factories.business_with_owner("Small")
    large, large_owner = factories.business_with_owner("Large")
    _connections(small, 100)
    _connections(large, 2000)

    small_lines, small_peak = _peak_while_streaming(api(small_owner))
    large_lines, large_peak = _peak_while_streaming(api(large_owner))
    assert (small_lines, large_lines) == (101, 2001)
    # Twenty times the rows, about the same memory (holding every row would need ~20x).
    assert large_peak < small_peak * 2, (small_peak, large_peak)
