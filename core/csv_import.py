"""All-or-nothing CSV import with every bad row named (file, line, field).

Importers validate the whole file first and collect every error; only a file
with no error is written, inside one transaction. Messages are Thai first,
then English, so a school admin and a developer can both act on them.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class RowError:
    line: int | None
    field: str | None
    th: str
    en: str

    def format(self, filename: str) -> str:
        where_th = f"ไฟล์ {filename}"
        where_en = f"file {filename}"
        if self.line is not None:
            where_th += f" บรรทัด {self.line}"
            where_en += f" line {self.line}"
        if self.field:
            where_th += f" ช่อง {self.field}"
            where_en += f" field {self.field}"
        return f"{where_th}: {self.th} / {where_en}: {self.en}"


class CsvImportError(Exception):
    """Raised with every error found; nothing was written."""

    def __init__(self, filename: str, errors: list[RowError]):
        self.filename = filename
        self.errors = errors
        super().__init__("\n".join(e.format(filename) for e in errors))


def read_rows(
    path: Path | str, required: list[str], optional: list[str] = ()
) -> Iterator[tuple[int, dict]]:
    """Yield (first line number of the record, row) with stripped values.

    Accepts UTF-8 with or without the BOM Excel writes. Raises CsvImportError
    for an undecodable file or missing columns before yielding anything.
    """
    path = Path(path)
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except FileNotFoundError:
        raise CsvImportError(
            path.name, [RowError(None, None, "ไม่พบไฟล์", "file not found")]
        ) from None
    except UnicodeDecodeError as exc:
        line = path.read_bytes()[: exc.start].count(b"\n") + 1
        raise CsvImportError(
            path.name,
            [
                RowError(
                    line,
                    None,
                    "ไฟล์ไม่ใช่ UTF-8 (ให้บันทึกเป็น CSV UTF-8)",
                    "the file is not UTF-8 (save it as CSV UTF-8)",
                )
            ],
        ) from None
    reader = csv.DictReader(io.StringIO(text))
    columns = [c.strip() for c in (reader.fieldnames or [])]
    missing = [c for c in required if c not in columns]
    if missing:
        raise CsvImportError(
            path.name,
            [RowError(1, ", ".join(missing), "ไม่มีคอลัมน์ที่ต้องมี", "required column is missing")],
        )
    reader.fieldnames = columns
    known = set(required) | set(optional)
    next_line = 2
    for row in reader:
        start = next_line
        next_line = reader.line_num + 1
        values = {k: (v or "").strip() for k, v in row.items() if k in known}
        if not any(values.values()):
            continue  # blank line
        yield start, values


def require(row: dict, field: str, line: int, errors: list[RowError], th_name: str) -> str:
    value = row.get(field, "")
    if not value:
        errors.append(RowError(line, field, f"ต้องระบุ{th_name}", f"{field} is required"))
    return value


def raise_if_invalid(
    path: Path, parsed: list, errors: list[RowError], empty_th: str, empty_en: str
) -> None:
    """Stop before any write: on any error, or on a file with no data rows."""
    if not parsed and not errors:
        errors.append(RowError(None, None, empty_th, empty_en))
    if errors:
        raise CsvImportError(Path(path).name, errors)
