"""What Moodle's question forms refuse, refused here with a message naming the row.

``checked(qtype, data)`` returns the data ready to store (numbers read, grades
snapped to Moodle's list) and the list of problems; a question with problems is
not saved, so no student ever meets a question nobody can answer right.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from ..formats.grades import match_fraction
from ..grading import parse_number

FULL = 1 - 1e-7


def _grades_allowed(rows: list[dict], what: str, problems: list[str]) -> None:
    for number, row in enumerate(rows, 1):
        allowed = match_fraction(float(row.get("fraction", 0)))
        if allowed is None:
            problems.append(
                _("%(what)s %(number)s: the grade is not one Moodle allows")
                % {"what": what, "number": number}
            )
        else:
            row["fraction"] = allowed


def _multichoice(data: dict, problems: list[str]) -> None:
    choices = data["choices"]
    _grades_allowed(choices, _("Choice"), problems)
    if len(choices) < 2:
        problems.append(_("Give at least two choices."))
    for number, choice in enumerate(choices, 1):
        if not choice["text"]:
            problems.append(_("Choice %(number)s has no text.") % {"number": number})
    fractions = [c["fraction"] for c in choices]
    if data["single"] and fractions and max(fractions) < FULL:
        problems.append(_("One choice must be worth 100%."))
    if not data["single"] and abs(sum(f for f in fractions if f > 0) - 1) > 1e-5:
        problems.append(_("The positive grades of the choices must add up to 100%."))


def _answers_with_full_mark(answers: list[dict], problems: list[str]) -> None:
    if not answers:
        problems.append(_("Give at least one answer."))
    elif max(a["fraction"] for a in answers) < FULL:
        problems.append(_("One answer must be worth 100%."))


def _shortanswer(data: dict, problems: list[str]) -> None:
    _grades_allowed(data["answers"], _("Answer"), problems)
    for number, answer in enumerate(data["answers"], 1):
        if not answer["text"]:
            problems.append(_("Answer %(number)s has no text.") % {"number": number})
    _answers_with_full_mark(data["answers"], problems)


def _numerical(data: dict, problems: list[str]) -> None:
    answers = data["answers"]
    _grades_allowed(answers, _("Answer"), problems)
    for number, answer in enumerate(answers, 1):
        value, tolerance = answer["value"], answer.pop("tolerance") or "0"
        if value == "*":
            answer["tolerance"] = 0.0
            continue
        low, dots, high = value.partition("..")
        if dots:
            bounds = parse_number(low), parse_number(high)
            if None in bounds or bounds[0] > bounds[1]:
                problems.append(
                    _("Answer %(number)s: write a range as smallest..largest, e.g. 1..5")
                    % {"number": number}
                )
                continue
            del answer["value"]
            answer["min"], answer["max"] = bounds
            continue
        number_value, tolerance_value = parse_number(value), parse_number(tolerance)
        if number_value is None:
            problems.append(_("Answer %(number)s is not a number.") % {"number": number})
        if tolerance_value is None or tolerance_value < 0:
            problems.append(
                _("Answer %(number)s: the error allowed must be a number 0 or more.")
                % {"number": number}
            )
        answer["value"], answer["tolerance"] = number_value, tolerance_value
    _answers_with_full_mark(answers, problems)


def _truefalse(data: dict, problems: list[str]) -> None:
    if not data.pop("answer_given", True):
        problems.append(_("Choose whether the statement is true or false."))


def _matching(data: dict, problems: list[str]) -> None:
    pairs = data["pairs"]
    for number, pair in enumerate(pairs, 1):
        if not (pair["left"] and pair["right"]):
            problems.append(_("Pair %(number)s needs both sides.") % {"number": number})
    rights = {p["right"] for p in pairs} | set(data["extra_rights"])
    # Moodle's own rule: at least two questions and three answers to pick from.
    if len(pairs) < 2 or len(rights) < 3:
        problems.append(
            _("Give at least two pairs and three answers to pick from (add an extra answer).")
        )


def _ordering(data: dict, problems: list[str]) -> None:
    if len(data["items"]) < 2:
        problems.append(_("Give at least two items to put in order."))
    if len(set(data["items"])) != len(data["items"]):
        problems.append(_("Two items have the same text; students could not tell them apart."))


CHECKS = {
    "multichoice": _multichoice,
    "truefalse": _truefalse,
    "shortanswer": _shortanswer,
    "numerical": _numerical,
    "matching": _matching,
    "ordering": _ordering,
}


def checked(qtype: str, data: dict) -> tuple[dict, list[str]]:
    problems: list[str] = []
    check = CHECKS.get(qtype)
    if check is not None:
        check(data, problems)
    return data, problems
