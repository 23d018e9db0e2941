"""GIFT: Moodle's plain-text question format, read and written in full.

Supported: // comments, $CATEGORY:, ::names::, [html|moodle|plain|markdown]
text formats, multiple choice (one or several answers, %weights%, negative
weights), true/false with both feedbacks, short answer, numerical (value:tolerance,
min..max ranges, several weighted answers), matching (=a -> b), essay ({}),
descriptions (no braces), missing word (text after the braces), per-answer
#feedback, ####general feedback, and the escapes \\~ \\= \\# \\{ \\} \\: \\\\ \\n.

Why this module is long: reading and writing GIFT are one grammar seen from both
sides (escapes, markers, answer blocks); kept together, a change to one side is
made beside the other and the round-trip tests cover both at once.
"""

from __future__ import annotations

import re

from django.utils.translation import gettext_lazy as _

from . import FormatError, ParsedQuestion, err, label, refused
from .grades import checked_fraction

ESCAPES = {
    "\\\\": "\ue000",
    "\\~": "\ue001",
    "\\=": "\ue002",
    "\\#": "\ue003",
    "\\{": "\ue004",
    "\\}": "\ue005",
    "\\:": "\ue006",
    "\\n": "\ue007",
}
UNESCAPE = {
    "\ue000": "\\",
    "\ue001": "~",
    "\ue002": "=",
    "\ue003": "#",
    "\ue004": "{",
    "\ue005": "}",
    "\ue006": ":",
    "\ue007": "\n",
}
_ESC_RE = re.compile(r"\\[\\~=#{}:n]")
_WEIGHT = re.compile(r"^%(-?\d+(?:\.\d+)?)%")


def _protect(text: str) -> str:
    return _ESC_RE.sub(lambda m: ESCAPES[m.group(0)], text)


def _restore(text: str) -> str:
    for key, value in UNESCAPE.items():
        text = text.replace(key, value)
    return text.strip()


def escape(text: str) -> str:
    out = text.replace("\\", "\\\\")
    for ch in "~=#{}:":
        out = out.replace(ch, "\\" + ch)
    return out.replace("\n", "\\n")


def _blocks(source: str):
    """Yield (first line number, text) of each question; comment lines dropped."""
    current: list[str] = []
    start = 0
    for number, raw in enumerate(source.splitlines(), start=1):
        stripped = raw.strip()
        if stripped.startswith("//"):
            continue
        if not stripped:
            if current:
                yield start, "\n".join(current)
                current = []
            continue
        if not current:
            start = number
        current.append(raw)
    if current:
        yield start, "\n".join(current)


_MARKER = re.compile(r"^\s*\[(html|moodle|plain|markdown)\]")
# GIFT's markers name Moodle's text formats; the question keeps Moodle's own name.
FORMAT_OF_MARKER = {
    "html": "html",
    "moodle": "moodle_auto_format",
    "plain": "plain_text",
    "markdown": "markdown",
}
MARKER_OF_FORMAT = {v: k for k, v in FORMAT_OF_MARKER.items()}


def _marker(text: str) -> tuple[str, str]:
    """(format, text without its leading [format] marker); no marker reads as plain."""
    match = _MARKER.match(text)
    if match is None:
        return "", text
    return FORMAT_OF_MARKER[match.group(1)], text[match.end() :]


def _split_feedback(part: str) -> tuple[str, str]:
    text, _hash, feedback = part.partition("#")
    return text, _marker(feedback)[1]


def _choice_text(value: str) -> dict:
    """A choice's text, its [format] marker applied: HTML choices are marked as such."""
    fmt, value = _marker(value)
    out = {"text": _restore(value)}
    if fmt:
        out["format"] = fmt  # html renders (cleaned) as HTML; others as text
    return out


def _weight(part: str, default: float) -> tuple[float, str]:
    part = part.strip()
    match = _WEIGHT.match(part)
    if match:
        return checked_fraction(float(match.group(1)) / 100), part[match.end() :]
    return default, part


def _tokens(body: str) -> list[tuple[str, str]]:
    """Split an answer block into (marker, text) at each unescaped = or ~."""
    return [(m.group(1), m.group(2)) for m in re.finditer(r"([=~])([^=~]*)", body)]


def _number(text: str) -> float:
    try:
        value = float(text.strip())
    except ValueError:
        raise FormatError(_("%(value)r is not a number"), value=text.strip()) from None
    if value != value or value in (float("inf"), float("-inf")):
        raise FormatError(_("%(value)r is not finite"), value=text.strip())
    return value


def _parse_numeric_answer(marker: str, text: str) -> dict:
    """One numerical answer: =value:tolerance, =min..max, %weight%, #feedback;
    ``~`` marks a wrong answer, and a bare ``~#feedback`` is Moodle's "any other answer"."""
    value_part, feedback = _split_feedback(text)
    fraction, value_part = _weight(value_part, 1.0 if marker == "=" else 0.0)
    value_part = value_part.strip()
    feedback = _restore(feedback)
    if not value_part:
        if marker == "~":
            return {"value": "*", "tolerance": 0.0, "fraction": fraction, "feedback": feedback}
        raise FormatError(_("an empty numerical answer"))
    if ".." in value_part:
        low, high = value_part.split("..", 1)
        low_value, high_value = _number(low), _number(high)
        if low_value > high_value:
            raise FormatError(_("range %(range)s: min above max"), range=value_part)
        return {"min": low_value, "max": high_value, "fraction": fraction, "feedback": feedback}
    value, _colon, tolerance = value_part.partition(":")
    return {
        "value": _number(value),
        "tolerance": abs(_number(tolerance)) if tolerance.strip() else 0.0,
        "fraction": fraction,
        "feedback": feedback,
    }


def _numerical(rest: str) -> dict:
    rest = rest.strip()
    if not rest:
        raise FormatError(_("a numerical question without an answer"))
    if rest[0] not in "=~":
        rest = "=" + rest  # {#3:2~#wrong}: the first answer needs no =
    answers = [_parse_numeric_answer(m, t) for m, t in _tokens(rest)]
    if not any(a["fraction"] >= 1 - 1e-9 for a in answers):
        raise FormatError(_("no answer gives full marks"))
    return {"answers": answers}


def _answer_block(body: str, line: int) -> tuple[str, dict, str]:
    """(qtype, data, general feedback) of the text between the braces."""
    body, _hashes, general = body.partition("####")
    general = _restore(general)
    stripped = body.strip()
    if not stripped:
        return "essay", {}, general
    upper = stripped.split("#", 1)[0].strip().upper()
    if upper in {"T", "TRUE", "F", "FALSE"}:
        parts = stripped.split("#")
        answer = upper.startswith("T")
        wrong = _restore(parts[1]) if len(parts) > 1 else ""
        right = _restore(parts[2]) if len(parts) > 2 else ""
        data = {
            "answer": answer,
            "feedback_true": right if answer else wrong,
            "feedback_false": wrong if answer else right,
        }
        return "truefalse", data, general
    if stripped.startswith("#"):
        return "numerical", _numerical(stripped[1:]), general
    tokens = _tokens(stripped)
    if not tokens:
        raise FormatError(_("the answer block has no = or ~ answers"))
    if all(m == "=" and "->" in t for m, t in tokens):
        pairs, extra = [], []
        for _marker_sign, text in tokens:
            left, right = text.split("->", 1)
            left, right = _restore(_marker(left)[1]), _restore(_marker(right)[1])
            if left:
                pairs.append({"left": left, "right": right})
            else:
                extra.append(right)
        if len(pairs) < 2:
            raise FormatError(_("matching needs at least two pairs"))
        return "matching", {"pairs": pairs, "extra_rights": extra}, general
    if all(m == "=" for m, _ in tokens):
        answers = []
        for _marker_sign, text in tokens:
            value, feedback = _split_feedback(text)
            fraction, value = _weight(value, 1.0)
            answers.append(
                {
                    "text": _restore(_marker(value)[1]),
                    "fraction": fraction,
                    "feedback": _restore(feedback),
                }
            )
        return "shortanswer", {"answers": answers}, general
    choices = []
    for index, (marker, text) in enumerate(tokens):
        value, feedback = _split_feedback(text)
        fraction, value = _weight(value, 1.0 if marker == "=" else 0.0)
        choices.append(
            {
                "id": label(index),
                **_choice_text(value),
                "fraction": fraction,
                "feedback": _restore(feedback),
            }
        )
    equals = sum(1 for m, _ in tokens if m == "=")
    if equals > 1:
        raise FormatError(_("more than one choice is marked ="))
    if not any(c["fraction"] > 0 for c in choices):
        raise FormatError(_("no choice is marked right (= or a positive %weight%)"))
    single = equals == 1
    return "multichoice", {"single": single, "choices": choices}, general


def _find_block(text: str) -> tuple[int, int] | None:
    opening = text.find("{")
    if opening < 0:
        if "}" in text:
            raise FormatError(_("a } without its {"))
        return None
    closing = text.find("}", opening)
    if closing < 0:
        raise FormatError(_("the answer block is not closed with }"))
    if "{" in text[opening + 1 : closing]:
        raise FormatError(_("nested { inside an answer block"))
    return opening, closing


def _second_question(text: str, opening: int, closing: int) -> int | None:
    """Offset of a second question in one block (no blank line between them), or None.

    Either a line that starts with ::name:: before the answer block, or a line
    after the block that starts a name or holds an answer block of its own.
    """
    before = re.search(r"\n[ \t]*::", text[:opening])
    if before is not None:
        return before.start() + 1
    after = re.search(r"\n[ \t]*(::|[^\n]*\{)", text[closing + 1 :])
    if after is not None:
        return closing + 1 + after.start() + 1
    return None


def _parse_one(text: str) -> tuple[str, str, dict, str, str, str]:
    """(name, qtype, data, general feedback, text, text format) of one protected block."""
    name = ""
    match = re.match(r"\s*::(.*?)::", text, flags=re.DOTALL)
    if match:
        name = _restore(match.group(1))
        text = text[match.end() :]
    text_format, text = _marker(text)
    text_format = text_format or "moodle_auto_format"
    block = _find_block(text)
    if block is None:
        return name, "description", {}, "", _restore(text), text_format
    opening, closing = block
    qtype, data, general = _answer_block(text[opening + 1 : closing], 0)
    if text_format != "moodle_auto_format":
        # Moodle: the parts of a question default to the format of its text.
        for choice in data.get("choices", []):
            choice.setdefault("format", text_format)
    before, after = text[:opening].strip(), text[closing + 1 :].strip()
    if after and qtype == "multichoice":
        data["missing_word"] = True
        body_text = _restore(before) + " _____ " + _restore(after)
    else:
        body_text = _restore(before + (" " + after if after else ""))
    if not body_text:
        raise FormatError(_("the question has no text"))
    return name, qtype, data, general, body_text, text_format


def parse_gift(source: str) -> tuple[list[ParsedQuestion], list]:
    """Every question of a GIFT file, or every error by line (Thai, then English)."""
    questions: list[ParsedQuestion] = []
    errors = []
    category = ""
    for line, raw in _blocks(source.lstrip("\ufeff")):
        text = _protect(raw)
        stripped = text.strip()
        if stripped.startswith("$CATEGORY:"):
            category = _restore(stripped[len("$CATEGORY:") :]).removeprefix("$course$/").strip()
            category = category.removeprefix("top/").removeprefix("top")
            continue
        label_match = re.match(r"\s*::(.*?)::", text, flags=re.DOTALL)
        where = _restore(label_match.group(1)) if label_match else None
        try:
            block = _find_block(text)
            if block is not None:
                second = _second_question(text, *block)
                if second is not None:
                    second_line = line + text[:second].count("\n")
                    errors.append(
                        err(
                            second_line,
                            _(
                                "a new question starts without a blank line before it"
                                " (questions are separated by an empty line)"
                            ),
                            where,
                        )
                    )
                    continue
            name, qtype, data, general, body_text, text_format = _parse_one(text)
        except FormatError as exc:
            errors.append(refused(line, exc, where))
            continue
        except Exception:  # noqa: BLE001 - a reader must never show a Python message
            errors.append(err(line, _("this question could not be read"), where))
            continue
        questions.append(
            ParsedQuestion(
                qtype=qtype,
                text=body_text.strip(),
                line=line,
                name=name or body_text.strip()[:60],
                general_feedback=general,
                data=data,
                category=category,
                text_format=text_format,
            )
        )
    return questions, errors


# --- Export ---------------------------------------------------------------------


def _pct(fraction: float, default: float) -> str:
    if abs(fraction - default) < 1e-9:
        return ""
    return f"%{round(fraction * 100, 5):g}%"


def _fb(text: str) -> str:
    return f"#{escape(text)}" if text else ""


def _answers(qtype: str, data: dict, text_format: str = "moodle_auto_format") -> str:
    if qtype == "essay":
        return ""
    if qtype == "truefalse":
        answer = data.get("answer")
        right = data.get("feedback_true" if answer else "feedback_false", "")
        wrong = data.get("feedback_false" if answer else "feedback_true", "")
        out = "TRUE" if answer else "FALSE"
        if wrong or right:
            out += f"#{escape(wrong)}"
        if right:
            out += f"#{escape(right)}"
        return out
    if qtype == "multichoice":
        single = data.get("single", True)
        parts = []
        for choice in data["choices"]:
            fraction = float(choice.get("fraction", 0))
            own = choice.get("format", "moodle_auto_format")
            marker = "" if own == text_format else MARKER_OF_FORMAT.get(own, "")
            text = (f"[{marker}]" if marker else "") + escape(choice["text"])
            if single and abs(fraction - 1) < 1e-9:
                parts.append(f"={text}{_fb(choice.get('feedback', ''))}")
            else:
                parts.append(
                    f"~{_pct(fraction, 0.0 if single else -999)}{text}"
                    f"{_fb(choice.get('feedback', ''))}"
                )
        return "\n".join(parts)
    if qtype == "shortanswer":
        parts = []
        for a in data["answers"]:
            weight = _pct(float(a.get("fraction", 1)), 1.0)
            parts.append(f"={weight}{escape(a['text'])}{_fb(a.get('feedback', ''))}")
        return "\n".join(parts)
    if qtype == "numerical":
        parts = []
        for a in data["answers"]:
            fraction = float(a.get("fraction", 1))
            if a.get("value") == "*":
                parts.append(f"~{_fb(a.get('feedback', ''))}")
                continue
            if "min" in a:
                value = f"{a['min']:g}..{a['max']:g}"
            else:
                value = f"{float(a['value']):g}:{float(a.get('tolerance', 0)):g}"
            sign = "~" if fraction == 0 else "=" + _pct(fraction, 1.0)
            parts.append(f"{sign}{value}{_fb(a.get('feedback', ''))}")
        return "#" + "\n".join(parts)
    if qtype == "matching":
        pairs = [f"={escape(p['left'])} -> {escape(p['right'])}" for p in data["pairs"]]
        pairs += [f"= -> {escape(r)}" for r in data.get("extra_rights", [])]
        return "\n".join(pairs)
    raise ValueError(qtype)


GIFT_TYPES = {
    "multichoice",
    "truefalse",
    "shortanswer",
    "numerical",
    "matching",
    "essay",
    "description",
}


def export_gift(questions: list[ParsedQuestion]) -> str:
    """Questions of types GIFT cannot hold (ordering, cloze) are left out by the caller
    (exambank.importing.export_questions), which lists them for the teacher."""
    out: list[str] = []
    category = None
    for q in questions:
        if q.category != category:
            category = q.category
            out.append(f"$CATEGORY: {category}\n")
        head = f"::{escape(q.name)}::" if q.name else ""
        marker = MARKER_OF_FORMAT.get(q.text_format or "", "")
        fmt = f"[{marker}]" if marker and marker != "moodle" else ""
        general = f"####{escape(q.general_feedback)}" if q.general_feedback else ""
        if q.qtype == "description":
            out.append(f"{head}{fmt}{escape(q.text)}\n")
            continue
        text = escape(q.text)
        # No blank line may fall inside a question: blank lines separate questions.
        answers = _answers(q.qtype, q.data, q.text_format or "moodle_auto_format")
        block = "{" + "\n".join(p for p in (answers, general) if p) + "}"
        if q.data.get("missing_word") and " _____ " in text:
            before, after = text.split(" _____ ", 1)
            out.append(f"{head}{fmt}{before} {block} {after}\n")
        else:
            out.append(f"{head}{fmt}{text} {block}\n")
    return "\n".join(out)
