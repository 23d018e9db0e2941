"""The spreadsheet template (CSV UTF-8) teachers fill in with Excel or LibreOffice.

One question per row. ``answer`` holds the right choice letters (A or ก; several
separated by commas for a multiple-answer question), T/F (ถูก/ผิด), short
answers separated by |, or a number with an optional :tolerance.
"""

from __future__ import annotations

from pathlib import Path

from django.utils.translation import gettext_lazy as _

from core.csv_import import RowError, read_rows, require
from core.tables import csv_text

from . import ParsedQuestion, label
from .thai_words import (
    CHOICE_LETTERS,
    DIFFICULTY_WORDS,
    FALSE_WORD,
    FALSE_WORDS,
    TEMPLATE_EXAMPLES,
    TRUE_WORD,
    TRUE_WORDS,
    TYPE_WORDS,
)

CHOICE_COLUMNS = ["choice_a", "choice_b", "choice_c", "choice_d", "choice_e"]
COLUMNS = ["type", "question", "answer"]
# The template's column order: what a teacher fills in, left to right.
TEMPLATE_COLUMNS = ["type", "name", "question", *CHOICE_COLUMNS, "answer", "feedback", "mark",
                    "subject", "grade", "indicator", "difficulty", "tags"]  # fmt: skip
OPTIONAL = [c for c in TEMPLATE_COLUMNS if c not in COLUMNS]
LETTERS = {**{chr(65 + i): i for i in range(5)}, **{c: i for i, c in enumerate(CHOICE_LETTERS[:5])}}


def template_csv() -> str:
    """An empty template with two example rows, BOM first so Excel reads it as UTF-8."""
    return csv_text([TEMPLATE_COLUMNS, *TEMPLATE_EXAMPLES])


def _qtype(value: str) -> str | None:
    word = value.strip().lower()
    return next((k for k, words in TYPE_WORDS.items() if word in words), None)


def parse_sheet(path: Path | str) -> tuple[list[ParsedQuestion], list[RowError]]:
    questions, errors = [], []
    for line, row in read_rows(path, COLUMNS, OPTIONAL):
        before = len(errors)
        kind = require(row, "type", line, errors, _("question type"))
        text = require(row, "question", line, errors, _("question text"))
        qtype = _qtype(kind) if kind else None
        if kind and qtype is None:
            errors.append(RowError.translated(line, "type", _("unknown type %(type)r"), type=kind))
        answer = row.get("answer", "")
        data: dict = {}
        if qtype == "multichoice":
            texts = [row.get(c, "") for c in CHOICE_COLUMNS]
            choices = [t for t in texts if t]
            letters = [a.strip().upper() for a in answer.replace("，", ",").split(",") if a.strip()]
            bad = [a for a in letters if a not in LETTERS or LETTERS[a] >= len(choices)]
            if len(choices) < 2:
                errors.append(
                    RowError.translated(line, "choice_a", _("at least two choices are needed"))
                )
            elif not letters or bad:
                errors.append(
                    RowError.translated(
                        line,
                        "answer",
                        _("answer must name a choice letter (A or %(thai)s), got %(answer)r"),
                        thai=CHOICE_LETTERS[0],
                        answer=answer,
                    )
                )
            else:
                right = {LETTERS[a] for a in letters}
                share = 1.0 / len(right)
                data = {
                    "single": len(right) == 1,
                    "choices": [
                        {
                            "id": label(i),
                            "text": t,
                            "fraction": share if i in right else 0.0,
                            "feedback": "",
                        }
                        for i, t in enumerate(choices)
                    ],
                }
        elif qtype == "truefalse":
            word = answer.strip().lower()
            if word not in TRUE_WORDS | FALSE_WORDS:
                errors.append(
                    RowError.translated(
                        line,
                        "answer",
                        _("answer must be T or F (%(true)s/%(false)s)"),
                        true=TRUE_WORD,
                        false=FALSE_WORD,
                    )
                )
            data = {"answer": word in TRUE_WORDS}
        elif qtype == "shortanswer":
            answers = [a.strip() for a in answer.split("|") if a.strip()]
            if not answers:
                errors.append(RowError.translated(line, "answer", _("answer is required")))
            data = {"answers": [{"text": a, "fraction": 1.0, "feedback": ""} for a in answers]}
        elif qtype == "numerical":
            value, _colon, tolerance = answer.partition(":")
            try:
                data = {
                    "answers": [
                        {
                            "value": float(value),
                            "tolerance": float(tolerance or 0),
                            "fraction": 1.0,
                            "feedback": "",
                        }
                    ]
                }
            except ValueError:
                errors.append(
                    RowError.translated(
                        line,
                        "answer",
                        _("answer must be a number like 3.14:0.01, got %(answer)r"),
                        answer=answer,
                    )
                )
        mark = row.get("mark") or "1"
        try:
            mark_value = float(mark)
        except ValueError:
            errors.append(
                RowError.translated(
                    line, "mark", _("mark must be a number, got %(mark)r"), mark=mark
                )
            )
            mark_value = 1.0
        difficulty = DIFFICULTY_WORDS.get(row.get("difficulty", "").strip().lower())
        if difficulty is None:
            errors.append(
                RowError.translated(
                    line, "difficulty", _("difficulty must be easy, medium or hard")
                )
            )
        if len(errors) > before:
            continue
        questions.append(
            ParsedQuestion(
                qtype=qtype,
                text=text,
                line=line,
                name=row.get("name") or text[:60],
                general_feedback=row.get("feedback", ""),
                data=data,
                default_mark=mark_value,
                text_format="plain",
                tags=[t.strip() for t in row.get("tags", "").split(",") if t.strip()],
                difficulty=difficulty or "",
                subject=row.get("subject", ""),
                grade=row.get("grade", ""),
                indicator=row.get("indicator", ""),
            )
        )
    return questions, errors
