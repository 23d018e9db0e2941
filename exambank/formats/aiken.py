"""Aiken: one-answer multiple choice in plain text.

    ข้อใดเป็นจำนวนเฉพาะ
    A. 4
    B) 7
    ANSWER: B

Questions are separated by the ANSWER line; blank lines are ignored. Choice
letters may be Latin (A–Z) or Thai (ก ข ค ง …), as Thai teachers write them.
"""

from __future__ import annotations

import re

from django.utils.translation import gettext_lazy as _

from . import ParsedQuestion, err, label
from .thai_words import CHOICE_LETTERS

_CHOICE = re.compile(rf"^([A-Z{CHOICE_LETTERS}])\s*[.)]\s*(.*)$")
_ANSWER = re.compile(r"^ANSWER\s*:\s*(.*)$", re.IGNORECASE)


def parse_aiken(source: str) -> tuple[list[ParsedQuestion], list]:
    questions, errors = [], []
    stem: list[str] = []
    choices: list[tuple[str, str]] = []
    start = 0
    broken = False  # this question already has an error; report it once
    for number, raw in enumerate(source.lstrip("\ufeff").splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        answer = _ANSWER.match(line)
        choice = _CHOICE.match(line) if stem else None
        if answer:
            letter = answer.group(1).strip().upper()
            letters = [c[0] for c in choices]
            if broken:
                pass
            elif not stem:
                errors.append(err(number, _("ANSWER without a question")))
            elif len(choices) < 2:
                errors.append(err(start, _("a question needs at least two choices")))
            elif letter not in letters:
                errors.append(
                    err(
                        number,
                        _("answer %(letter)s is not one of the choices %(choices)s"),
                        letter=letter,
                        choices=", ".join(letters),
                    )
                )
            else:
                text = "\n".join(stem)
                questions.append(
                    ParsedQuestion(
                        qtype="multichoice",
                        text=text,
                        line=start,
                        name=text[:60],
                        text_format="plain",
                        data={
                            "single": True,
                            "choices": [
                                {
                                    "id": label(i),
                                    "text": t,
                                    "fraction": 1.0 if c == letter else 0.0,
                                    "feedback": "",
                                }
                                for i, (c, t) in enumerate(choices)
                            ],
                        },
                    )
                )
            stem, choices, broken = [], [], False
            continue
        if choice:
            choices.append((choice.group(1), choice.group(2).strip()))
        elif choices:
            broken = True
            errors.append(err(number, _("expected a choice (e.g. 'A. text') or 'ANSWER:'")))
        else:
            if not stem:
                start = number
            stem.append(line)
    if stem:
        errors.append(err(start, _("this question has no ANSWER: line")))
    return questions, errors


def export_aiken(questions: list[ParsedQuestion]) -> str:
    out = []
    for q in questions:
        if q.qtype != "multichoice" or not q.data.get("single", True):
            raise ValueError(f"Aiken holds single-answer multiple choice only, not {q.qtype}")
        lines = [q.text.replace("\n", " ")]
        right = ""
        for index, choice in enumerate(q.data["choices"]):
            letter = chr(65 + index)
            lines.append(f"{letter}. {choice['text']}")
            if float(choice.get("fraction", 0)) >= 1:
                right = letter
        lines.append(f"ANSWER: {right}")
        out.append("\n".join(lines))
    return "\n\n".join(out) + "\n"
