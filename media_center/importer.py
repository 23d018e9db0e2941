"""Bulk import of an existing library: a folder of files plus a CSV of metadata.

The whole CSV is checked first and every bad row named (file, line, field, Thai
then English); nothing is written unless all rows are good. Rows are then
imported one transaction each, keyed by ``import_key`` (the file's path in the
folder and its size), so an interrupted run started again skips what is done
and nothing is half-imported. Files are copied, never moved: the library stays.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext_lazy

from core.csv_import import RowError, raise_if_invalid, read_rows, require
from core.i18n import in_both
from core.models import GradeLevel, Indicator, SubjectGroup

from . import actions
from .models import Licence, MediaItem, MediaKind, Visibility

COLUMNS = ["file", "title", "type", "licence", "copyright_holder"]
OPTIONAL = [
    "description", "subjects", "grades", "indicators", "visibility", "language", "tags",
    "external_url",
]  # fmt: skip
LICENCE_NAMES = {c.value: c.value for c in Licence} | {c.label.lower(): c.value for c in Licence}


@dataclass
class ImportRow:
    line: int
    path: Path | None
    key: str
    fields: dict
    subjects: list = field(default_factory=list)
    grades: list = field(default_factory=list)
    indicators: list = field(default_factory=list)
    tags: list = field(default_factory=list)


@dataclass
class ImportResult:
    created: int = 0
    skipped: int = 0
    items: list = field(default_factory=list)


def _split(value: str) -> list[str]:
    return [v.strip() for v in value.replace(";", "|").split("|") if v.strip()]


def _lookup(codes, model, row, line, name, errors, label):
    found = {o.code: o for o in model.objects.filter(code__in=codes)}
    for code in codes:
        if code not in found:
            thai, _english = in_both(
                gettext_lazy("unknown %(label)s %(code)s"), label=in_both(label)[0], code=code
            )
            english = in_both(
                gettext_lazy("unknown %(label)s %(code)s"), label=f"{name} code", code=code
            )[1]
            errors.append(RowError(line, name, thai, english))
    return [found[c] for c in codes if c in found]


def check_rows(folder: Path, csv_path: Path) -> list[ImportRow]:
    """Parse and check every row; raises CsvImportError naming all bad rows."""
    folder = folder.resolve()
    errors: list[RowError] = []
    parsed: list[ImportRow] = []
    kinds, visibilities = set(MediaKind.values), set(Visibility.values)
    for line, row in read_rows(csv_path, COLUMNS, OPTIONAL):
        title = require(row, "title", line, errors, gettext_lazy("title"))
        kind = require(row, "type", line, errors, gettext_lazy("type"))
        licence_text = require(row, "licence", line, errors, gettext_lazy("licence"))
        holder = require(row, "copyright_holder", line, errors, gettext_lazy("copyright holder"))
        if kind and kind not in kinds:
            errors.append(RowError.translated(line, "type", "unknown type %(kind)s", kind=kind))
        licence = LICENCE_NAMES.get(licence_text.lower())
        if licence_text and not licence:
            errors.append(
                RowError.translated(
                    line, "licence", "unknown licence %(licence)s", licence=licence_text
                )
            )
        visibility = row.get("visibility") or Visibility.PUBLIC
        if visibility not in visibilities:
            errors.append(
                RowError.translated(
                    line, "visibility", "unknown visibility %(visibility)s", visibility=visibility
                )
            )
        path, key = None, ""
        if kind == MediaKind.LINK:
            if not row.get("external_url"):
                errors.append(RowError.translated(line, "external_url", "a link needs a URL"))
            key = f"link:{row.get('external_url', '')}"
        else:
            name = require(row, "file", line, errors, gettext_lazy("file"))
            candidate = (folder / name).resolve() if name else None
            if candidate and (not candidate.is_relative_to(folder) or not candidate.is_file()):
                errors.append(
                    RowError.translated(line, "file", "no file %(name)s in the folder", name=name)
                )
            elif candidate:
                path = candidate
                key = f"file:{candidate.relative_to(folder)}:{candidate.stat().st_size}"
        item = ImportRow(
            line=line,
            path=path,
            key=key,
            fields={
                "title": title, "type": kind, "licence": licence, "copyright_holder": holder,
                "description": row.get("description", ""), "visibility": visibility,
                "language": row.get("language") or "th",
                "external_url": row.get("external_url", ""),
            },
            tags=_split(row.get("tags", "")),
        )  # fmt: skip
        item.subjects = _lookup(
            _split(row.get("subjects", "")), SubjectGroup, row, line, "subjects", errors,
            gettext_lazy("subject group"),
        )  # fmt: skip
        item.grades = _lookup(
            _split(row.get("grades", "")),
            GradeLevel,
            row,
            line,
            "grades",
            errors,
            gettext_lazy("grade level"),
        )
        item.indicators = _lookup(
            _split(row.get("indicators", "")), Indicator, row, line, "indicators", errors,
            gettext_lazy("indicator"),
        )  # fmt: skip
        parsed.append(item)
    raise_if_invalid(csv_path, parsed, errors, "the file has no data rows")
    return parsed


def import_library(
    folder: str | Path,
    csv_path: str | Path,
    *,
    owner_school=None,
    owner_area=None,
    user=None,
    on_row: Callable[[int], None] | None = None,
) -> ImportResult:
    """Check everything, then import row by row (skipping rows already imported)."""
    rows = check_rows(Path(folder), Path(csv_path))
    result = ImportResult()
    if owner_school is not None:
        collection = actions.school_collection(owner_school)
        owner_area = owner_area or owner_school.network.area
    elif owner_area is not None:
        collection = actions.area_collection(owner_area)
    else:
        collection = actions.default_collection(user) if user else None
    done_keys = set(
        MediaItem.objects.filter(import_key__in=[r.key for r in rows]).values_list(
            "import_key", flat=True
        )
    )
    for number, row in enumerate(rows, start=1):
        if row.key in done_keys:
            result.skipped += 1
        else:
            result.items.append(_import_one(row, owner_school, owner_area, user, collection).pk)
            result.created += 1
            done_keys.add(row.key)
        if on_row:
            on_row(number)
    return result


def _import_one(row: ImportRow, school, area, user, collection) -> MediaItem:
    """One row in one transaction; on any failure (or Ctrl-C) its file copy goes too."""
    copied: list[str] = []
    try:
        with transaction.atomic():
            item = MediaItem(
                **row.fields, import_key=row.key, owner_school=school, owner_area=area,
                uploaded_by_user=user, status="processing",
            )  # fmt: skip
            if collection is not None:
                item.collection = collection
            if row.path is not None:
                with row.path.open("rb") as handle:
                    item.file.save(row.path.name, handle, save=False)
                copied.append(item.file.path)
            item.save()
            item.subject_groups.set(row.subjects)
            item.grade_levels.set(row.grades)
            item.indicators.set(row.indicators)
            if row.tags:
                item.tags.add(*row.tags)
            if row.fields["type"] == MediaKind.LINK:
                transaction.on_commit(lambda: actions.mark_ready(item.pk))
            else:
                actions.start_processing(item)
    except BaseException:
        for path in copied:
            Path(path).unlink(missing_ok=True)
        raise
    return item
