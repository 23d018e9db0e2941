"""Report tables as data, so one table renders as HTML, CSV and XLSX alike."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from django.http import HttpResponse


@dataclass
class Table:
    slug: str
    title: str
    columns: list[str]
    rows: list[list] = field(default_factory=list)
    links: list[str] = field(default_factory=list)  # per row, "" for none: the drill-down

    def link(self, index: int) -> str:
        return self.links[index] if index < len(self.links) else ""

    def html_rows(self):
        return [(row, self.link(i)) for i, row in enumerate(self.rows)]


def _cell(value):
    if isinstance(value, float):
        return round(value, 2)
    return value


def csv_bytes(table: Table) -> bytes:
    """UTF-8 with a byte-order mark: Excel on Thai Windows then reads Thai correctly."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(table.columns)
    for row in table.rows:
        writer.writerow([_cell(v) for v in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def xlsx_bytes(table: Table) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = table.slug[:31]
    sheet.append([table.title])
    sheet["A1"].font = Font(bold=True)
    sheet.append(table.columns)
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for row in table.rows:
        sheet.append([_cell(v) for v in row])
    for index, column in enumerate(table.columns, start=1):
        width = max([len(str(column))] + [len(str(r[index - 1])) for r in table.rows[:200]])
        sheet.column_dimensions[sheet.cell(2, index).column_letter].width = min(60, width + 2)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


EXPORTS = {
    "csv": (csv_bytes, "text/csv; charset=utf-8"),
    "xlsx": (xlsx_bytes, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
}


def export_response(tables: list[Table], fmt: str, slug: str, basename: str) -> HttpResponse | None:
    """The file for ``?export=csv|xlsx&table=slug``, or None when nothing matches."""
    table = next((t for t in tables if t.slug == slug), None)
    if table is None or fmt not in EXPORTS:
        return None
    make, content_type = EXPORTS[fmt]
    response = HttpResponse(make(table), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{basename}-{table.slug}.{fmt}"'
    return response
