"""Report tables as data, so one table renders as HTML, CSV and XLSX alike."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.http import HttpResponse

from core import tables


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


def table_rows(table: Table) -> list[list]:
    """The rows an export writes: the column headings, then the data."""
    return [table.columns, *([_cell(v) for v in row] for row in table.rows)]


def csv_bytes(table: Table) -> bytes:
    return tables.csv_bytes(table_rows(table))


def xlsx_bytes(table: Table) -> bytes:
    # The title above the headings, as the report page shows it.
    return tables.xlsx_bytes(
        [[table.title], *table_rows(table)], sheet_title=table.slug, header_rows=2
    )


EXPORTS = {"csv": csv_bytes, "xlsx": xlsx_bytes}


def export_response(
    tables_: list[Table], fmt: str, slug: str, basename: str
) -> HttpResponse | None:
    """The file for ``?export=csv|xlsx&table=slug``, or None when nothing matches."""
    table = next((t for t in tables_ if t.slug == slug), None)
    if table is None or fmt not in EXPORTS:
        return None
    return tables.file_response(EXPORTS[fmt](table), fmt, f"{basename}-{table.slug}.{fmt}")
