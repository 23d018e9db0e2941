"""All-or-nothing CSV import with every bad row named (file, line, field).

Importers validate the whole file first and collect every error; only a file
with no error is written, inside one transaction. Messages are Thai first,
then English, so a school admin and a developer can both act on them; both come
from one catalogue entry (core.i18n).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from django.utils.translation import gettext_lazy as _

from core.i18n import in_both


@dataclass(frozen=True)
class RowError:
    line: int | None
    field: str | None
    th: str
    en: str

    @classmethod
    def translated(
        cls, line: int | None, field: str | None, message: str, /, **params: object
    ) -> RowError:
        """An error from one catalogue entry (English source, Thai msgstr)."""
        thai, english = in_both(message, **params)
        return cls(line, field, thai, english)

    def format(self, filename: str) -> str:
        if self.line is not None and self.field:
            where = _("file %(file)s line %(line)s field %(field)s")
        elif self.line is not None:
            where = _("file %(file)s line %(line)s")
        elif self.field:
            where = _("file %(file)s field %(field)s")
        else:
            where = _("file %(file)s")
        where_th, where_en = in_both(where, file=filename, line=self.line, field=self.field)
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
            path.name, [RowError.translated(None, None, "file not found")]
        ) from None
    except UnicodeDecodeError as exc:
        line = path.read_bytes()[: exc.start].count(b"\n") + 1
        raise CsvImportError(
            path.name,
            [RowError.translated(line, None, "the file is not UTF-8 (save it as CSV UTF-8)")],
        ) from None
    reader = csv.DictReader(io.StringIO(text))
    columns = [c.strip() for c in (reader.fieldnames or [])]
    missing = [c for c in required if c not in columns]
    if missing:
        raise CsvImportError(
            path.name,
            [RowError.translated(1, ", ".join(missing), "required column is missing")],
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


def require(row: dict, field: str, line: int, errors: list[RowError], label: str) -> str:
    """The stripped value of ``field``; an error naming ``label`` when it is empty.

    ``label`` is the field's name for people, a lazy English string.
    """
    value = row.get(field, "")
    if not value:
        # Thai names the field as people say it; English by its column name.
        thai, _english = in_both(_("%(label)s is required"), label=in_both(label)[0])
        _thai, english = in_both(_("%(label)s is required"), label=field)
        errors.append(RowError(line, field, thai, english))
    return value


def raise_if_invalid(
    path: Path, parsed: list, errors: list[RowError], empty: str, empty_en: str | None = None
) -> None:
    """Stop before any write: on any error, or on a file with no data rows.

    ``empty`` is the catalogue message for a file without data rows (an older
    caller may still pass it as a Thai and an English half).
    """
    if not parsed and not errors:
        if empty_en is None:
            errors.append(RowError.translated(None, None, empty))
        else:
            errors.append(RowError(None, None, empty, empty_en))
    if errors:
        raise CsvImportError(Path(path).name, errors)
