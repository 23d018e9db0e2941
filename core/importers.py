"""Importers for schools and indicators: validate every row, then write all or nothing."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from .csv_import import RowError, raise_if_invalid, read_rows, require
from .curriculum import parse_indicator_code
from .i18n import in_both
from .models import (
    AreaOffice,
    GradeLevel,
    Indicator,
    LearningStandard,
    LinkType,
    School,
    SchoolNetwork,
    SizeClass,
    SubjectGroup,
)

SCHOOL_COLUMNS = ["code", "name", "network", "district", "size", "link"]
SCHOOL_OPTIONAL = ["bandwidth_kbps"]
_SCHOOL_CODE = re.compile(r"^\d{8,10}$")


@cache
def _choice_lookup(choices: type) -> dict[str, str]:
    """Accept the stored value, the Thai word or the English word of a choice."""
    lookup = {}
    for value, label in choices.choices:
        lookup[value.lower()] = value
        for words in in_both(label):
            lookup[words.partition(" (")[0].strip().lower()] = value
    return lookup


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    extra: dict = field(default_factory=dict)


def import_schools(path: Path | str, area: AreaOffice) -> ImportResult:
    """Create or update schools (by code) and their networks from a CSV file."""
    path = Path(path)
    errors: list[RowError] = []
    parsed: list[dict] = []
    seen: dict[str, int] = {}
    for line, row in read_rows(path, SCHOOL_COLUMNS, SCHOOL_OPTIONAL):
        code = require(row, "code", line, errors, _("school code"))
        if code and not _SCHOOL_CODE.match(code):
            errors.append(RowError.translated(line, "code", "school code must be 8–10 digits"))
        elif code in seen:
            errors.append(
                RowError.translated(
                    line,
                    "code",
                    "duplicate school code (also on line %(line)s)",
                    line=seen[code],
                )
            )
        seen.setdefault(code, line)
        name = require(row, "name", line, errors, _("school name"))
        network = require(row, "network", line, errors, _("school network"))
        district = require(row, "district", line, errors, _("district"))
        size = _choice_lookup(SizeClass).get(row["size"].lower())
        if size is None:
            errors.append(
                RowError.translated(
                    line,
                    "size",
                    "unknown size %(size)r (small, medium, large, extra_large)",
                    size=row["size"],
                )
            )
        link = _choice_lookup(LinkType).get(row["link"].lower())
        if link is None:
            errors.append(
                RowError.translated(
                    line,
                    "link",
                    "unknown link type %(link)r (%(choices)s)",
                    link=row["link"],
                    choices=", ".join(LinkType.values),
                )
            )
        bandwidth = row.get("bandwidth_kbps") or "0"
        if not bandwidth.isdigit():
            errors.append(
                RowError.translated(
                    line, "bandwidth_kbps", "bandwidth must be a whole number of kbps"
                )
            )
            bandwidth = "0"
        parsed.append(
            {
                "code": code,
                "name": name,
                "network": network,
                "district": district,
                "size_class": size,
                "link_type": link,
                "bandwidth_kbps": int(bandwidth),
            }
        )
    raise_if_invalid(path, parsed, errors, "the file has no school rows")

    result = ImportResult()
    with transaction.atomic():
        networks: dict[str, SchoolNetwork] = {}
        for item in parsed:
            name = item.pop("network")
            if name not in networks:
                networks[name], _created = SchoolNetwork.objects.get_or_create(area=area, name=name)
            _school, created = School.objects.update_or_create(
                code=item.pop("code"), defaults={**item, "network": networks[name]}
            )
            if created:
                result.created += 1
            else:
                result.updated += 1
    return result


INDICATOR_COLUMNS = ["code", "description"]
INDICATOR_OPTIONAL = ["standard_description"]


def import_indicators(path: Path | str) -> ImportResult:
    """Create or update learning standards and indicators from a CSV file."""
    path = Path(path)
    errors: list[RowError] = []
    parsed = []
    seen: dict[str, int] = {}
    subjects = {s.code: s for s in SubjectGroup.objects.all()}
    grades = {g.code: g for g in GradeLevel.objects.all()}
    for line, row in read_rows(path, INDICATOR_COLUMNS, INDICATOR_OPTIONAL):
        description = require(row, "description", line, errors, _("indicator description"))
        raw = require(row, "code", line, errors, _("indicator code"))
        if not raw:
            continue
        try:
            parsed_code = parse_indicator_code(raw)
        except ValueError as exc:
            th, _sep, en = str(exc).partition(" / ")
            errors.append(RowError(line, "code", th, en))
            continue
        if parsed_code.code in seen:
            errors.append(
                RowError.translated(
                    line,
                    "code",
                    "duplicate code (also on line %(line)s)",
                    line=seen[parsed_code.code],
                )
            )
            continue
        seen[parsed_code.code] = line
        missing = [g for g in parsed_code.grade_codes if g not in grades]
        if missing or parsed_code.subject_code not in subjects:
            errors.append(
                RowError.translated(
                    line, "code", "subject group or grade level is not in the database"
                )
            )
            continue
        parsed.append((parsed_code, description, row.get("standard_description", "")))
    raise_if_invalid(path, parsed, errors, "the file has no indicator rows")

    result = ImportResult()
    with transaction.atomic():
        for code, description, standard_description in parsed:
            standard, _created = LearningStandard.objects.get_or_create(
                code=code.standard_code, defaults={"subject_group": subjects[code.subject_code]}
            )
            if standard_description and standard.description != standard_description:
                standard.description = standard_description
                standard.save(update_fields=["description"])
            indicator, created = Indicator.objects.update_or_create(
                code=code.code, defaults={"standard": standard, "description": description}
            )
            indicator.grade_levels.set([grades[g] for g in code.grade_codes])
            result.created += created
            result.updated += not created
    return result
