"""Import and export of question files: all or nothing, every bad question named.

Parsing is pure (exambank.formats); this module resolves curriculum codes and
categories, then writes every question and its first version in one
transaction, or raises ``QuestionImportError`` and writes nothing.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.models import GradeLevel, Indicator, SubjectGroup

from .actions import snapshot_version
from .files import read_files, store_files
from .formats import ParsedQuestion, QuestionImportError, err
from .formats.aiken import export_aiken, parse_aiken
from .formats.gift import GIFT_TYPES, export_gift, parse_gift
from .formats.moodlexml import export_moodle_xml, parse_moodle_xml
from .formats.sheet import parse_sheet
from .models import Category, Question

FORMATS = {"gift": "GIFT", "aiken": "Aiken", "xml": "Moodle XML", "csv": _("Spreadsheet (CSV)")}


def parse_file(filename: str, content: bytes, fmt: str) -> tuple[list[ParsedQuestion], list]:
    if fmt == "xml":
        return parse_moodle_xml(content)
    if fmt == "csv":
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / Path(filename).name
            path.write_bytes(content)
            return parse_sheet(path)
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = content[: exc.start].count(b"\n") + 1
        return [], [err(line, _("the file is not UTF-8"))]
    if fmt == "gift":
        return parse_gift(text)
    if fmt == "aiken":
        return parse_aiken(text)
    raise ValueError(f"unknown format {fmt!r}")


def _category_for(root: Category, path: str, cache: dict) -> Category:
    node = root
    for part in [p.strip() for p in path.split("/") if p.strip()]:
        key = (node.pk, part)
        if key not in cache:
            cache[key], _created = Category.objects.get_or_create(
                parent=node, school=root.school, name=part
            )
        node = cache[key]
    return node


def import_questions(
    filename: str, content: bytes, fmt: str, category: Category, user=None
) -> list[Question]:
    parsed, errors = parse_file(filename, content, fmt)
    subjects = {s.code: s for s in SubjectGroup.objects.all()}
    grades = {g.code: g for g in GradeLevel.objects.all()}
    indicators: dict[str, Indicator] = {}
    wanted = {p.indicator for p in parsed if p.indicator}
    if wanted:
        indicators = {i.code: i for i in Indicator.objects.filter(code__in=wanted)}
    for p in parsed:
        if p.subject and p.subject not in subjects:
            errors.append(
                err(p.line, _("unknown subject group %(code)r"), "subject", code=p.subject)
            )
        if p.grade and p.grade not in grades:
            errors.append(err(p.line, _("unknown grade level %(code)r"), "grade", code=p.grade))
        if p.indicator and p.indicator not in indicators:
            errors.append(
                err(p.line, _("unknown indicator %(code)r"), "indicator", code=p.indicator)
            )
    if not parsed and not errors:
        errors.append(err(None, _("the file holds no questions")))
    if errors:
        errors.sort(key=lambda e: e.line or 0)
        raise QuestionImportError(Path(filename).name, errors)
    created = []
    cache: dict = {}
    with transaction.atomic():
        for p in parsed:
            data = dict(p.data)
            data["text_format"] = p.text_format
            if p.files:
                data["files"] = store_files(p.files, user)
            target = _category_for(category, p.category, cache)
            if p.category_info and not target.info:
                target.info = p.category_info
                target.save(update_fields=["info"])
            question = Question.objects.create(
                category=target,
                qtype=p.qtype,
                name=p.name[:255],
                text=p.text,
                general_feedback=p.general_feedback,
                data=data,
                default_mark=p.default_mark,
                subject_group=subjects.get(p.subject),
                grade_level=grades.get(p.grade),
                difficulty=p.difficulty or "medium",
                created_by=user,
            )
            if p.indicator:
                question.indicators.add(indicators[p.indicator])
            if p.tags:
                question.tags.add(*p.tags)
            snapshot_version(question, user)
            created.append(question)
    return created


def to_parsed(question: Question, root: Category | None = None) -> ParsedQuestion:
    data = dict(question.data)
    text_format = data.pop("text_format", "html")
    files = read_files(data.pop("files", {}))
    path = question.category.path
    if root is not None and path.startswith(root.path):
        path = path[len(root.path) :].lstrip("/")
    return ParsedQuestion(
        qtype=question.qtype,
        text=question.text,
        line=0,
        name=question.name,
        general_feedback=question.general_feedback,
        data=data,
        default_mark=float(question.default_mark),
        category=path,
        category_info=question.category.info,
        text_format=text_format,
        tags=sorted(question.tags.names()),
        files=files,
    )


def holds(fmt: str, question: ParsedQuestion) -> bool:
    """Whether a format can carry this question at all."""
    if fmt == "gift":
        return question.qtype in GIFT_TYPES
    if fmt == "aiken":
        return question.qtype == "multichoice" and question.data.get("single", True)
    return True


@dataclass
class Export:
    """An export's text and the questions the format could not hold (left out, listed)."""

    text: str
    skipped: list[Question]

    def report(self, fmt: str) -> str:
        """A plain-text list of what was left out, Thai line then English line."""
        name = FORMATS.get(fmt, fmt)
        lines = []
        for language in ("th", "en"):
            with translation.override(language):
                lines.append(
                    gettext("Questions left out: the %(format)s format cannot hold them")
                    % {"format": name}
                )
        lines.append("")
        for question in self.skipped:
            lines.append(
                f"#{question.pk} {question.name} ({question.get_qtype_display()})"
                f" {question.category.path}"
            )
        return "\n".join(lines) + "\n"


def export_questions(questions, fmt: str, root: Category | None = None) -> Export:
    """Export every question the format can hold; one it cannot never blocks the rest."""
    exporters = {"gift": export_gift, "aiken": export_aiken, "xml": export_moodle_xml}
    if fmt not in exporters:
        raise ValueError(f"unknown format {fmt!r}")
    kept, skipped = [], []
    for question in questions:
        parsed = to_parsed(question, root)
        if holds(fmt, parsed):
            kept.append(parsed)
        else:
            skipped.append(question)
    return Export(exporters[fmt](kept) if kept else "", skipped)
