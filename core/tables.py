"""One table writer for every export: CSV (UTF-8 with a BOM) and XLSX.

A table is rows of cells; the first ``header_rows`` rows are headings. Both formats
come from the same rows, so a report exported twice says the same thing twice.

Why a BOM: Excel on Thai Windows reads a CSV without one as TIS-620 and shows
mojibake; with ``\\ufeff`` first it reads UTF-8. Why openpyxl: it writes real
XLSX (typed numbers, bold headings, frozen panes) with no server-side office suite.
Lazy translated strings (a gettext_lazy heading) are turned into text here, in
the language active while the file is written.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

from django.http import HttpResponse
from django.utils.functional import Promise

BOM = "\ufeff"
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
_MAX_WIDTH = 60  # characters; a long description should wrap, not push the sheet wide


def _plain(value: object) -> object:
    return str(value) if isinstance(value, Promise) else value


def csv_text(rows: Iterable[Sequence[object]]) -> str:
    """The rows as CSV text, BOM first."""
    out = io.StringIO()
    writer = csv.writer(out)
    for row in rows:
        writer.writerow([_plain(v) for v in row])
    return BOM + out.getvalue()


def csv_bytes(rows: Iterable[Sequence[object]]) -> bytes:
    return csv_text(rows).encode("utf-8")


def xlsx_bytes(
    rows: Iterable[Sequence[object]],
    *,
    sheet_title: str = "Sheet1",
    header_rows: int = 1,
    freeze: str | None = None,
) -> bytes:
    """The rows as one XLSX sheet: bold headings, columns sized to their content."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = str(sheet_title)[:31]  # Excel's limit on a sheet name
    widths: dict[int, int] = {}
    for number, row in enumerate(rows, start=1):
        values = [_plain(v) for v in row]
        sheet.append(values)
        if number <= header_rows:
            for cell in sheet[number]:
                cell.font = Font(bold=True)
        if number <= 200:  # enough rows to size columns without reading a huge table twice
            for index, value in enumerate(values, start=1):
                widths[index] = max(widths.get(index, 0), len(str(value)))
    for index, width in widths.items():
        sheet.column_dimensions[sheet.cell(1, index).column_letter].width = min(
            _MAX_WIDTH, width + 2
        )
    if freeze:
        sheet.freeze_panes = freeze
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def file_response(content: bytes | str, fmt: str, filename: str) -> HttpResponse:
    """An attachment of ``content`` as ``filename`` (``fmt`` is csv or xlsx)."""
    response = HttpResponse(content, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
