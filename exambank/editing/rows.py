"""Stored question data ↔ the rows of the editor form (exambank.grading has the shapes).

Each type's rows are posted as parallel lists (``<prefix>-mc-text`` once per
row, in the order the teacher left them), so adding, removing and dragging rows
needs no numbering. Keys the editor does not show (files carried from Moodle,
the text format) are kept from the stored data by the form, not posted.
"""

from __future__ import annotations

from ..formats import label
from ..formats.grades import ALLOWED, match_fraction, percent_text

# What the editor writes for each type; any other stored key is kept as it was.
EDITED_KEYS: dict[str, set[str]] = {
    "multichoice": {"choices", "single"},
    "truefalse": {"answer", "feedback_true", "feedback_false"},
    "shortanswer": {"answers", "case_sensitive"},
    "numerical": {"answers"},
    "matching": {"pairs", "extra_rights"},
    "ordering": {"items"},
    "essay": set(),
    "description": set(),
    "cloze": {"gaps", "source"},
}

# Moodle's grade list, best first, as the select shows it: "100%", "83.33333%", "-50%".
FRACTION_CHOICES = [(percent_text(f), f"{percent_text(f)}%") for f in ALLOWED]


def fraction_value(fraction) -> str:
    """The select's value for a stored fraction (an unlisted one shows as 0%)."""
    allowed = match_fraction(float(fraction or 0))
    return percent_text(allowed if allowed is not None else 0.0)


def _number_text(value) -> str:
    """A stored number as a teacher would type it (a posted, unread one as it was)."""
    if value in (None, ""):
        return ""
    try:
        return f"{float(value):g}"
    except (TypeError, ValueError):
        return str(value)


def rows_from_data(qtype: str, data: dict) -> dict:
    """What the editor shows for ``data`` of type ``qtype`` (other types' rows empty)."""
    data = data or {}
    rows: dict = {
        "single": data.get("single", True),
        "choices": [],
        "answers": [],
        "numbers": [],
        "pairs": [],
        "items": [],
        "extra_rights": "",
        "case_sensitive": bool(data.get("case_sensitive")),
        "tf_answer": "" if qtype != "truefalse" else ("true" if data.get("answer") else "false"),
        "feedback_true": data.get("feedback_true", ""),
        "feedback_false": data.get("feedback_false", ""),
    }
    if qtype == "multichoice":
        rows["choices"] = [
            {
                "text": c.get("text", ""),
                "fraction": fraction_value(c.get("fraction")),
                "feedback": c.get("feedback", ""),
                "format": c.get("format", ""),
            }
            for c in data.get("choices", [])
        ]
    elif qtype == "shortanswer":
        rows["answers"] = [
            {
                "text": a.get("text", ""),
                "fraction": fraction_value(a.get("fraction")),
                "feedback": a.get("feedback", ""),
            }
            for a in data.get("answers", [])
        ]
    elif qtype == "numerical":
        for a in data.get("answers", []):
            if "min" in a and "max" in a:
                value, tolerance = f"{_number_text(a['min'])}..{_number_text(a['max'])}", ""
            else:
                value, tolerance = _number_text(a.get("value")), _number_text(a.get("tolerance"))
            rows["numbers"].append(
                {
                    "value": value,
                    "tolerance": "" if tolerance in ("0", "") else tolerance,
                    "fraction": fraction_value(a.get("fraction")),
                    "feedback": a.get("feedback", ""),
                }
            )
    elif qtype == "matching":
        rows["pairs"] = [
            {"left": p.get("left", ""), "right": p.get("right", "")} for p in data.get("pairs", [])
        ]
        rows["extra_rights"] = "\n".join(data.get("extra_rights", []))
    elif qtype == "ordering":
        rows["items"] = list(data.get("items", []))
    return rows


def _lists(post, prefix: str, *names: str) -> list[dict]:
    """Parallel posted lists zipped into rows; a row with every field empty is dropped."""
    columns = [post.getlist(f"{prefix}-{name}") for name in names]
    count = max((len(c) for c in columns), default=0)
    rows = []
    for i in range(count):
        row = {
            name: (column[i] if i < len(column) else "").strip()
            for name, column in zip(names, columns, strict=True)
        }
        if any(value for key, value in row.items() if key not in {"fraction", "format"}):
            rows.append(row)
    return rows


def _fraction(text: str) -> float:
    try:
        return float(text or 0) / 100
    except ValueError:
        return 0.0


def data_from_post(qtype: str, post, prefix: str) -> dict:
    """The posted rows of ``qtype`` as stored data (unchecked: see editing.checks)."""
    if qtype == "multichoice":
        choices = []
        rows = _lists(post, prefix, "mc-text", "mc-fraction", "mc-feedback", "mc-format")
        for i, row in enumerate(rows):
            choice = {
                "id": label(i),
                "text": row["mc-text"],
                "fraction": _fraction(row["mc-fraction"]),
                "feedback": row["mc-feedback"],
            }
            if row["mc-format"]:
                choice["format"] = row["mc-format"]
            choices.append(choice)
        return {"single": post.get(f"{prefix}-mc-single") != "multi", "choices": choices}
    if qtype == "truefalse":
        return {
            "answer": post.get(f"{prefix}-tf-answer") == "true",
            "answer_given": post.get(f"{prefix}-tf-answer") in {"true", "false"},
            "feedback_true": post.get(f"{prefix}-tf-feedback-true", "").strip(),
            "feedback_false": post.get(f"{prefix}-tf-feedback-false", "").strip(),
        }
    if qtype == "shortanswer":
        return {
            "answers": [
                {
                    "text": row["sa-text"],
                    "fraction": _fraction(row["sa-fraction"]),
                    "feedback": row["sa-feedback"],
                }
                for row in _lists(post, prefix, "sa-text", "sa-fraction", "sa-feedback")
            ],
            "case_sensitive": bool(post.get(f"{prefix}-sa-case")),
        }
    if qtype == "numerical":
        rows = _lists(post, prefix, "nu-value", "nu-tolerance", "nu-fraction", "nu-feedback")
        return {
            "answers": [
                {
                    "value": row["nu-value"],
                    "tolerance": row["nu-tolerance"],
                    "fraction": _fraction(row["nu-fraction"]),
                    "feedback": row["nu-feedback"],
                }
                for row in rows
            ]
        }
    if qtype == "matching":
        extra = [line.strip() for line in post.get(f"{prefix}-ma-extra", "").splitlines()]
        return {
            "pairs": [
                {"left": row["ma-left"], "right": row["ma-right"]}
                for row in _lists(post, prefix, "ma-left", "ma-right")
            ],
            "extra_rights": [line for line in extra if line],
        }
    if qtype == "ordering":
        return {"items": [row["or-item"] for row in _lists(post, prefix, "or-item")]}
    return {}
