"""The CSVs an import offers: the template to fill in and the error report. Every cell that
came from the file goes through ``csvexport.neutralise``: a formula in an uploaded cell is
shown as text, never run, by the spreadsheet that opens the report."""

from collections.abc import Iterator

from cleopay.core.csvexport import neutralise, python_chunks
from imports.csvformat import COLUMNS, template_lines
from imports.models import Import
from imports.selectors import import_problems

ERROR_HEADER = ["row", "column", "message"]
EXPORT_CHUNK_SIZE = 2000


def template_chunks() -> Iterator[str]:
    return python_chunks(template_lines(), list(COLUMNS))


def error_report_chunks(job: Import) -> Iterator[str]:
    rows = (
        import_problems(job)
        .values_list("row", "column", "message")
        .iterator(chunk_size=EXPORT_CHUNK_SIZE)
    )
    lines = ([str(row), column, neutralise(message)] for row, column, message in rows)
    return python_chunks(lines, ERROR_HEADER)
