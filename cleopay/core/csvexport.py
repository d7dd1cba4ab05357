"""
CSV exports, written the same way by PostgreSQL and by Python.

On PostgreSQL an export is one ``COPY (SELECT ...) TO STDOUT WITH (FORMAT csv)``: the SELECT is
the list's own queryset (filters, ordering, visibility) with every cell computed in SQL, and the
bytes PostgreSQL writes go to the client as they come, gathered into pieces of ``FLUSH_BYTES``.
No Python object per row: that is what makes a million rows take seconds. Elsewhere (SQLite, the
``make run`` demo) rows are read in chunks and written by ``csv_line``, which follows
PostgreSQL's CSV rules so that both paths give the same bytes:

- a row ends with ``\\n``;
- a cell is quoted when it holds a comma, a double quote, ``\\n`` or ``\\r`` (quotes doubled; line
  breaks inside a cell kept as they are);
- an empty cell is written as nothing, never ``""``: in SQL, empty text is made NULL
  (``Neutralised`` does it).

Spreadsheet programs run a cell that starts with ``=``, ``+``, ``-`` or ``@`` (or a tab or
carriage return before one) as a formula; cells a user chose get a leading apostrophe, which
makes them plain text: ``neutralise`` in Python, ``Neutralised`` in SQL.
"""

from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import UTC, datetime

from django.db import connections
from django.db.models import F, Func, OrderBy, TextField

# Bytes gathered before a piece of the body is handed to the server.
FLUSH_BYTES = 64 * 1024
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_QUOTED_IF_IN = (",", '"', "\n", "\r")


def neutralise(value) -> str:
    """The cell as text a spreadsheet shows rather than evaluates."""
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def _cell(text: str) -> str:
    if any(c in text for c in _QUOTED_IF_IN):
        return '"' + text.replace('"', '""') + '"'
    return text


def csv_line(cells: Iterable[str]) -> str:
    """One CSV row as PostgreSQL's ``COPY ... (FORMAT csv)`` writes it (cells are text)."""
    return ",".join(map(_cell, cells)) + "\n"


# --- SQL --------------------------------------------------------------------------------------------
_FORMULA_STARTS_SQL = "'=', '+', '-', '@', CHR(9), CHR(13)"


class Neutralised(Func):
    """SQL ``neutralise``: a leading ``'`` before a formula start; empty text (and NULL) as NULL.

    The expression appears three times in the SQL; keep it cheap (a column, a CASE of columns,
    an aggregate, which PostgreSQL computes once however often it is named).
    """

    arity = 1
    output_field = TextField()

    def as_sql(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.source_expressions[0])
        return (
            f"NULLIF(CASE WHEN LEFT({sql}, 1) IN ({_FORMULA_STARTS_SQL}) "
            f"THEN '''' || {sql} ELSE {sql} END, '')",
            (*params, *params, *params),
        )


def iso_timestamp(value: datetime | None) -> str:
    """The Python twin of ``IsoTimestamp``: ``2026-11-21T10:00:00.123456Z``; empty for None."""
    if value is None:
        return ""
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


class IsoTimestamp(Func):
    """A timestamp as Python's ``isoformat`` writes it in UTC, with ``Z``:
    ``2026-11-21T10:00:00.123456Z``, and ``2026-11-21T10:00:00Z`` when the microseconds are 0."""

    arity = 1
    output_field = TextField()

    def as_sql(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.source_expressions[0])
        utc = f"({sql} AT TIME ZONE 'UTC')"
        return (
            f"TO_CHAR({utc}, CASE WHEN DATE_TRUNC('second', {utc}) = {utc} "
            """THEN 'YYYY-MM-DD"T"HH24:MI:SS"Z"' ELSE 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"' END)""",
            (*params, *params, *params),
        )


class IsoDate(Func):
    """A date as ``2026-05-15``, whatever the session's DateStyle."""

    function = "TO_CHAR"
    template = "%(function)s(%(expressions)s, 'YYYY-MM-DD')"
    arity = 1
    output_field = TextField()


def uses_copy(queryset) -> bool:
    """Whether ``queryset``'s database writes the CSV itself (PostgreSQL's COPY)."""
    return connections[queryset.db].vendor == "postgresql"


@dataclass(frozen=True)
class Select:
    """A SELECT of CSV cells, ready for COPY, and the database it runs on."""

    sql: str
    params: tuple
    using: str


def _ordering(query) -> list[tuple[object, bool, str]]:
    """``query``'s ORDER BY as (expression, descending, nulls) triples: field names
    (``"-created_at"``) or ``OrderBy`` expressions (``F("amount").desc(nulls_last=True)``)."""
    names = query.order_by or (query.get_meta().ordering if query.default_ordering else ())
    if query.extra_order_by:
        raise ValueError("an export orders by field names or expressions only")
    ordering = []
    for name in names:
        if isinstance(name, OrderBy):
            descending = name.descending == query.standard_ordering
            nulls = " NULLS LAST" if name.nulls_last else " NULLS FIRST" if name.nulls_first else ""
            ordering.append((name.expression, descending, nulls))
            continue
        if not isinstance(name, str) or name.startswith("?"):
            raise ValueError(f"an export orders by field names or expressions only, not {name!r}")
        descending = name.startswith("-") == query.standard_ordering
        ordering.append((F(name.lstrip("-")), descending, ""))
    return ordering


def select(rows, cells: Sequence[str], *, joined: Mapping | None = None) -> Select:
    """The SELECT of ``cells`` (fields and annotations of ``rows``, in the CSV's order), in the
    order of ``rows``.

    ``joined`` maps a cell to ``(pairs, keys)``: that cell is read from ``pairs`` (a
    ``values_list`` queryset of key columns then the cell's text, at most one row per key)
    LEFT JOINed on ``keys`` (names of ``rows``' fields or annotations, which need not be cells).
    PostgreSQL joins it by hash, where a subquery in the row would run once per row: for the
    viewer's tags that alone took as long as the rest of the export. The rows are then a
    subquery whose columns are renamed by position, and are ordered again outside it.
    """
    using = rows.db

    def compiled(queryset) -> tuple[str, list]:
        # A filter that matches nothing (``id IN ()``) is compiled as such, not raised.
        return queryset.query.get_compiler(using=using, elide_empty=False).as_sql()

    if not joined:
        sql, params = compiled(rows.values_list(*cells))
        return Select(sql, tuple(params), using)
    ordering = _ordering(rows.query)
    order_keys = {f"csv_order_{i}": expression for i, (expression, _, _) in enumerate(ordering)}
    own = [cell for cell in cells if cell not in joined]
    keys = [k for _pairs, ks in joined.values() for k in ks if k not in own]
    columns = [*own, *dict.fromkeys(keys), *order_keys]
    inner = rows.annotate(**order_keys).order_by().values_list(*columns)
    sql, params = compiled(inner)
    params = list(params)
    position = {name: f"r.c{i}" for i, name in enumerate(columns)}
    source = f"({sql}) AS r ({', '.join(f'c{i}' for i in range(len(columns)))})"
    for j, (cell, (pairs, on)) in enumerate(joined.items()):
        pairs_sql, pairs_params = compiled(pairs.order_by())
        params += pairs_params
        names = [f"k{i}" for i in range(len(on))]
        condition = " AND ".join(
            f"j{j}.{k} = {position[key]}" for k, key in zip(names, on, strict=True)
        )
        source += f" LEFT JOIN ({pairs_sql}) AS j{j} ({', '.join(names)}, v) ON {condition}"
        position[cell] = f"j{j}.v"
    # Only Django's compiled SQL and aliases made here: every value is a parameter.
    sql = f"SELECT {', '.join(position[cell] for cell in cells)} FROM {source}"  # noqa: S608
    if ordering:
        sql += " ORDER BY " + ", ".join(
            f"{position[key]} {'DESC' if descending else 'ASC'}{nulls}"
            for key, (_, descending, nulls) in zip(order_keys, ordering, strict=True)
        )
    return Select(sql, tuple(params), using)


def copy_chunks(rows: Select, header: list[str]) -> Iterator[bytes]:
    """The CSV of ``rows`` (a SELECT of text cells), header first, in pieces of at least
    ``FLUSH_BYTES`` (the last one smaller), from one ``COPY ... TO STDOUT``.

    Runs when the response is iterated, after the view returned, in the connection's autocommit
    mode: the COPY is one statement, and its own transaction. Until the generator ends, the
    connection is busy with it: nothing else may query through it in between. If the iteration
    stops half-way (the client went away and the server closed the generator), psycopg cancels
    the COPY and reads what is left of it, so the connection is clean for the next request.
    """
    db = connections[rows.using]
    statement = f"COPY ({rows.sql}) TO STDOUT WITH (FORMAT csv)"
    if not rows.params:
        # psycopg reads placeholders only when there are parameters: unescape a literal ``%``.
        statement = statement.replace("%%", "%")
    pending = bytearray(csv_line(header).encode())
    with db.cursor() as cursor:
        # Logged like any query where queries are (DEBUG, the tests' query counts).
        logged = cursor.debug_sql(statement, rows.params) if db.queries_logged else nullcontext()
        # cursor.cursor is psycopg's own cursor: Django's wrapper has no COPY with parameters.
        # psycopg merges the parameters into the statement on the client (COPY takes none).
        copying = cursor.cursor.copy(statement, rows.params)
        with logged, db.wrap_database_errors, copying as copy:
            for block in copy:  # a row per block: gathered, not sent one by one
                pending += block
                if len(pending) >= FLUSH_BYTES:
                    yield bytes(pending)
                    pending.clear()
    yield bytes(pending)


def python_chunks(lines: Iterable[list[str]], header: list[str]) -> Iterator[str]:
    """``header`` and ``lines`` (rows of text cells) as CSV, in pieces of about ``FLUSH_BYTES``."""
    pending = [csv_line(header)]
    size = 0
    for cells in lines:
        line = csv_line(cells)
        pending.append(line)
        size += len(line)
        if size >= FLUSH_BYTES:
            yield "".join(pending)
            pending.clear()
            size = 0
    yield "".join(pending)
