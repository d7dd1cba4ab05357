"""
CSV exports: how a row is written.

Rows are written as PostgreSQL's ``COPY ... (FORMAT csv)`` writes them, so that the database can
write an export itself, byte for byte the same:

- a row ends with ``\\n``;
- a cell is quoted when it holds a comma, a double quote, ``\\n`` or ``\\r`` (quotes doubled; line
  breaks inside a cell kept as they are);
- an empty cell is written as nothing, never ``""``.

Spreadsheet programs run a cell that starts with ``=``, ``+``, ``-`` or ``@`` (or a tab or
carriage return before one) as a formula; cells a user chose get a leading apostrophe, which
makes them plain text (``neutralise``).
"""

from collections.abc import Iterable, Iterator

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
