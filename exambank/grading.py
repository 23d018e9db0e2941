"""Grading of every question type, as pure functions of (data, response).

``grade(qtype, data, response)`` returns a ``Grade`` with a fraction in [-1, 1]
(negative only where a teacher set negative marks on multiple choice), so the
same code grades an online attempt, a paper answer sheet and a regrade.

Data shapes (``QuestionVersion.data``):
  multichoice  {"single": bool, "choices": [{"id", "text", "fraction", "feedback"}]}
  truefalse    {"answer": bool, "feedback_true", "feedback_false"}
  shortanswer  {"answers": [{"text", "fraction", "feedback"}], "case_sensitive": bool}
  numerical    {"answers": [{"value", "tolerance", "fraction", "feedback"}]}
               (or "min"/"max" for a range answer)
  matching     {"pairs": [{"left", "right"}], "extra_rights": [str]}
  ordering     {"items": [str]}            correct order
  essay        {}                           graded by hand
  cloze        {"gaps": [{"type", "weight", ...sub-data}]}   text holds {#1}, {#2}
Responses: multichoice single → choice id, multi → list of ids; truefalse → bool;
shortanswer/numerical/essay → str; matching → {left index: right text};
ordering → list of item texts; cloze → {gap index: sub-response}.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass

# Thai digits ๐–๙ are U+0E50–U+0E59, in order.
THAI_DIGITS = str.maketrans({chr(0x0E50 + digit): str(digit) for digit in range(10)})
# Zero-width space/joiners, word joiner, BOM and soft hyphen: invisible when typed.
INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
TONE_MARKS = "\u0e48\u0e49\u0e4a\u0e4b"
# Vowels written above or below a consonant; typed before or after a tone mark
# they look the same, so we put them first.
UPPER_LOWER_VOWELS = "\u0e31\u0e34\u0e35\u0e36\u0e37\u0e38\u0e39\u0e3a\u0e47"
_MARK_ORDER = re.compile(f"([{TONE_MARKS}])([{UPPER_LOWER_VOWELS}])")


@dataclass(frozen=True)
class Grade:
    fraction: float | None  # None while it waits for a teacher
    needs_manual: bool = False
    feedback: str = ""


def normalise_text(value: str, case_sensitive: bool = False) -> str:
    """Compare Thai answers as readers see them, not as keyboards typed them.

    NFKC folds full-width forms and splits sara am (ำ) into nikhahit + sara aa,
    as many Thai keyboards type it; invisible characters and every space go
    (Thai has no spaces between words, so students put them anywhere); Thai
    digits become Arabic ones; a tone mark typed before its vowel is reordered.
    """
    text = unicodedata.normalize("NFKC", str(value)).translate(INVISIBLE)
    text = text.translate(THAI_DIGITS)
    text = "".join(text.split())
    text = _MARK_ORDER.sub(r"\2\1", text)
    return text if case_sensitive else text.casefold()


def parse_number(value) -> float | None:
    """Read a student's number: Thai digits, thousands commas and spaces allowed."""
    if isinstance(value, int | float):
        return float(value)
    text = normalise_text(str(value or "")).replace(",", "")
    try:
        number = float(text)
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def _clamp(value: float, low: float = -1.0, high: float = 1.0) -> float:
    return max(low, min(high, value))


def grade_multichoice(data: dict, response) -> Grade:
    choices = {str(c["id"]): c for c in data.get("choices", [])}
    if data.get("single", True):
        choice = choices.get(str(response)) if response not in (None, "") else None
        if choice is None:
            return Grade(0.0)
        fraction = _clamp(float(choice.get("fraction", 0)), 0.0)
        return Grade(fraction, feedback=choice.get("feedback", ""))
    picked = [choices[str(r)] for r in (response or []) if str(r) in choices]
    total = sum(float(c.get("fraction", 0)) for c in picked)
    feedback = " ".join(c.get("feedback", "") for c in picked if c.get("feedback"))
    # Moodle floors a question at 0: wrong picks never take marks from other questions.
    return Grade(_clamp(total, 0.0), feedback=feedback)


def grade_truefalse(data: dict, response) -> Grade:
    if response in (None, ""):
        return Grade(0.0)
    said = response if isinstance(response, bool) else str(response).lower() in {"true", "1", "t"}
    right = bool(data.get("answer"))
    feedback = data.get("feedback_true" if said else "feedback_false", "")
    return Grade(1.0 if said == right else 0.0, feedback=feedback)


def _pattern_matches(pattern: str, answer: str) -> bool:
    if "*" not in pattern:
        return pattern == answer
    regex = ".*".join(re.escape(part) for part in pattern.split("*"))
    return re.fullmatch(regex, answer, flags=re.DOTALL) is not None


def grade_shortanswer(data: dict, response) -> Grade:
    case = bool(data.get("case_sensitive"))
    said = normalise_text(response or "", case)
    if not said:
        return Grade(0.0)
    best: dict | None = None
    for answer in data.get("answers", []):
        if _pattern_matches(normalise_text(answer["text"], case), said):
            if best is None or float(answer.get("fraction", 0)) > float(best.get("fraction", 0)):
                best = answer
    if best is None:
        return Grade(0.0)
    return Grade(_clamp(float(best.get("fraction", 0)), 0.0), feedback=best.get("feedback", ""))


def _numeric_hit(answer: dict, number: float) -> bool:
    if "min" in answer and "max" in answer:
        return float(answer["min"]) <= number <= float(answer["max"])
    if answer.get("value") in (None, "*"):
        return True  # Moodle's "any other answer"
    tolerance = abs(float(answer.get("tolerance", 0) or 0))
    # A relative epsilon keeps 0.1 + 0.2 == 0.3 when the tolerance is zero.
    return abs(number - float(answer["value"])) <= tolerance + 1e-9 * max(1.0, abs(number))


def grade_numerical(data: dict, response) -> Grade:
    number = parse_number(response)
    if number is None:
        return Grade(0.0)
    hits = [a for a in data.get("answers", []) if _numeric_hit(a, number)]
    if not hits:
        return Grade(0.0)
    best = max(hits, key=lambda a: float(a.get("fraction", 0)))
    return Grade(_clamp(float(best.get("fraction", 0)), 0.0), feedback=best.get("feedback", ""))


def grade_matching(data: dict, response) -> Grade:
    pairs = data.get("pairs", [])
    if not pairs:
        return Grade(0.0)
    response = response or {}
    right = sum(
        1
        for index, pair in enumerate(pairs)
        if normalise_text(str(response.get(str(index), response.get(index, ""))), True)
        == normalise_text(pair["right"], True)
    )
    return Grade(right / len(pairs))


def grade_ordering(data: dict, response) -> Grade:
    """Credit for each neighbour placed right after its true predecessor.

    Moodle's "relative to the next item": one early slip costs one pair, not
    every position after it.
    """
    items = [normalise_text(i, True) for i in data.get("items", [])]
    said = [normalise_text(i, True) for i in (response or [])]
    if len(items) < 2:
        return Grade(1.0 if items and said == items else 0.0)
    truth = set(zip(items, items[1:], strict=False))
    hits = sum(1 for pair in zip(said, said[1:], strict=False) if pair in truth)
    return Grade(hits / (len(items) - 1))


def grade_essay(data: dict, response) -> Grade:
    return Grade(None, needs_manual=True)


def grade_cloze(data: dict, response) -> Grade:
    gaps = data.get("gaps", [])
    response = response or {}
    total_weight = sum(float(g.get("weight", 1)) for g in gaps)
    if not gaps or total_weight <= 0:
        return Grade(0.0)
    score = 0.0
    for index, gap in enumerate(gaps):
        said = response.get(str(index), response.get(index))
        sub = GRADERS[gap["type"]](gap, said)
        score += float(gap.get("weight", 1)) * max(0.0, sub.fraction or 0.0)
    return Grade(score / total_weight)


def grade_description(data: dict, response) -> Grade:
    return Grade(0.0)


GRADERS = {
    "multichoice": grade_multichoice,
    "truefalse": grade_truefalse,
    "shortanswer": grade_shortanswer,
    "numerical": grade_numerical,
    "matching": grade_matching,
    "ordering": grade_ordering,
    "essay": grade_essay,
    "cloze": grade_cloze,
    "description": grade_description,
}


def grade(qtype: str, data: dict, response) -> Grade:
    return GRADERS[qtype](data, response)


def max_fraction(qtype: str, data: dict) -> float:
    """The best fraction a response can reach (a question set up wrong may give < 1)."""
    if qtype == "multichoice":
        fractions = [float(c.get("fraction", 0)) for c in data.get("choices", [])]
        if data.get("single", True):
            return max(fractions, default=0.0)
        return min(1.0, sum(f for f in fractions if f > 0))
    return 0.0 if qtype == "description" else 1.0


def correct_response(qtype: str, data: dict):
    """A response that earns the most; used by the review page and the answer key."""
    if qtype == "multichoice":
        choices = data.get("choices", [])
        if data.get("single", True):
            best = max(choices, key=lambda c: float(c.get("fraction", 0)), default=None)
            return best and best["id"]
        return [c["id"] for c in choices if float(c.get("fraction", 0)) > 0]
    if qtype == "truefalse":
        return bool(data.get("answer"))
    if qtype == "shortanswer":
        answers = sorted(data.get("answers", []), key=lambda a: -float(a.get("fraction", 0)))
        return answers[0]["text"] if answers else ""
    if qtype == "numerical":
        answers = sorted(data.get("answers", []), key=lambda a: -float(a.get("fraction", 0)))
        if not answers:
            return ""
        best = answers[0]
        if "min" in best:
            return f"{best['min']}..{best['max']}"
        return str(best.get("value"))
    if qtype == "matching":
        return {str(i): p["right"] for i, p in enumerate(data.get("pairs", []))}
    if qtype == "ordering":
        return list(data.get("items", []))
    if qtype == "cloze":
        return {str(i): correct_response(g["type"], g) for i, g in enumerate(data.get("gaps", []))}
    return None


def combine_attempt_scores(method: str, scores_in_order: list[float]) -> float | None:
    """The quiz grade from finished attempts' scores (oldest first)."""
    if not scores_in_order:
        return None
    if method == "highest":
        return max(scores_in_order)
    if method == "average":
        return sum(scores_in_order) / len(scores_in_order)
    if method == "first":
        return scores_in_order[0]
    if method == "last":
        return scores_in_order[-1]
    raise ValueError(f"unknown grading method {method!r}")
