"""GIFT: Moodle's plain-text question format, read and written in full.

Supported: // comments, $CATEGORY:, ::names::, [html|moodle|plain|markdown]
text formats, multiple choice (one or several answers, %weights%, negative
weights), true/false with both feedbacks, short answer, numerical (value:tolerance,
min..max ranges, several weighted answers), matching (=a -> b), essay ({}),
descriptions (no braces), missing word (text after the braces), per-answer
#feedback, ####general feedback, and the escapes \\~ \\= \\# \\{ \\} \\: \\\\ \\n.
"""

from __future__ import annotations

import re

from . import ParsedQuestion, err, label

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


def _split_feedback(part: str) -> tuple[str, str]:
    text, _, feedback = part.partition("#")
    return text, feedback


def _weight(part: str, default: float) -> tuple[float, str]:
    part = part.strip()
    match = _WEIGHT.match(part)
    if match:
        return float(match.group(1)) / 100, part[match.end() :]
    return default, part


def _tokens(body: str) -> list[tuple[str, str]]:
    """Split an answer block into (marker, text) at each unescaped = or ~."""
    return [(m.group(1), m.group(2)) for m in re.finditer(r"([=~])([^=~]*)", body)]


def _parse_numeric_answer(text: str) -> dict:
    value_part, feedback = _split_feedback(text)
    fraction, value_part = _weight(value_part, 1.0)
    value_part = value_part.strip()
    if ".." in value_part:
        low, high = value_part.split("..", 1)
        return {
            "min": float(low),
            "max": float(high),
            "fraction": fraction,
            "feedback": _restore(feedback),
        }
    value, _, tolerance = value_part.partition(":")
    return {
        "value": float(value),
        "tolerance": float(tolerance or 0),
        "fraction": fraction,
        "feedback": _restore(feedback),
    }


def _answer_block(body: str, line: int) -> tuple[str, dict, str]:
    """(qtype, data, general feedback) of the text between the braces."""
    body, _, general = body.partition("####")
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
        rest = stripped[1:].strip()
        pieces = [t for m, t in _tokens(rest)] if rest.startswith("=") else [rest]
        return "numerical", {"answers": [_parse_numeric_answer(p) for p in pieces]}, general
    tokens = _tokens(stripped)
    if not tokens:
        raise ValueError("ไม่รู้จักรูปแบบคำตอบในวงเล็บปีกกา / the answer block has no = or ~ answers")
    if all(m == "=" and "->" in t for m, t in tokens):
        pairs, extra = [], []
        for _, text in tokens:
            left, right = text.split("->", 1)
            if _restore(left):
                pairs.append({"left": _restore(left), "right": _restore(right)})
            else:
                extra.append(_restore(right))
        if len(pairs) < 2:
            raise ValueError("ข้อจับคู่ต้องมีอย่างน้อย 2 คู่ / matching needs at least two pairs")
        return "matching", {"pairs": pairs, "extra_rights": extra}, general
    if all(m == "=" for m, _ in tokens):
        answers = []
        for _, text in tokens:
            value, feedback = _split_feedback(text)
            fraction, value = _weight(value, 1.0)
            answers.append(
                {"text": _restore(value), "fraction": fraction, "feedback": _restore(feedback)}
            )
        return "shortanswer", {"answers": answers}, general
    choices = []
    for index, (marker, text) in enumerate(tokens):
        value, feedback = _split_feedback(text)
        fraction, value = _weight(value, 1.0 if marker == "=" else 0.0)
        choices.append(
            {
                "id": label(index),
                "text": _restore(value),
                "fraction": fraction,
                "feedback": _restore(feedback),
            }
        )
    equals = sum(1 for m, _ in tokens if m == "=")
    if equals > 1:
        raise ValueError("ตัวเลือกมีเครื่องหมาย = มากกว่าหนึ่ง / more than one choice is marked =")
    if not any(c["fraction"] > 0 for c in choices):
        raise ValueError("ไม่มีตัวเลือกที่ถูก / no choice is marked right (= or a positive %weight%)")
    single = equals == 1
    return "multichoice", {"single": single, "choices": choices}, general


def _find_block(text: str) -> tuple[int, int] | None:
    opening = text.find("{")
    if opening < 0:
        if "}" in text:
            raise ValueError("มี } แต่ไม่มี { / a } without its {")
        return None
    closing = text.find("}", opening)
    if closing < 0:
        raise ValueError("ไม่มีวงเล็บปิด } / the answer block is not closed with }")
    if "{" in text[opening + 1 : closing]:
        raise ValueError("วงเล็บปีกกาซ้อนกัน / nested { inside an answer block")
    return opening, closing


def _split_message(message: str) -> tuple[str, str]:
    th, _, en = message.partition(" / ")
    return th, en or th


def parse_gift(source: str) -> tuple[list[ParsedQuestion], list]:
    questions: list[ParsedQuestion] = []
    errors = []
    category = ""
    for line, raw in _blocks(source.lstrip("\ufeff")):
        text = _protect(raw)
        stripped = text.strip()
        if stripped.startswith("$CATEGORY:"):
            category = _restore(stripped[len("$CATEGORY:") :]).removeprefix("$course$/").strip()
            category = category.removeprefix("top/")
            continue
        name = ""
        match = re.match(r"\s*::(.*?)::", text, flags=re.DOTALL)
        if match:
            name = _restore(match.group(1))
            text = text[match.end() :]
        text_format = "moodle"
        fmt = re.match(r"\s*\[(html|moodle|plain|markdown)\]", text)
        if fmt:
            text_format = fmt.group(1)
            text = text[fmt.end() :]
        try:
            block = _find_block(text)
            if block is None:
                qtype, data, general = "description", {}, ""
                body_text = _restore(text)
            else:
                opening, closing = block
                qtype, data, general = _answer_block(text[opening + 1 : closing], line)
                before, after = text[:opening].strip(), text[closing + 1 :].strip()
                if after and qtype == "multichoice":
                    data["missing_word"] = True
                    body_text = _restore(before) + " _____ " + _restore(after)
                else:
                    body_text = _restore(before + (" " + after if after else ""))
            if not body_text and qtype != "description":
                raise ValueError("ไม่มีโจทย์ / the question has no text")
        except ValueError as exc:
            th, en = _split_message(str(exc))
            if "could not convert" in en or "float" in en:
                th, en = "ตัวเลขไม่ถูกต้อง", f"not a number: {en}"
            errors.append(err(line, th, en, name or None))
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


def _answers(qtype: str, data: dict) -> str:
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
            if single and abs(fraction - 1) < 1e-9:
                parts.append(f"={escape(choice['text'])}{_fb(choice.get('feedback', ''))}")
            else:
                parts.append(
                    f"~{_pct(fraction, 0.0 if single else -999)}{escape(choice['text'])}"
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
            if "min" in a:
                value = f"{a['min']:g}..{a['max']:g}"
            else:
                value = f"{float(a['value']):g}:{float(a.get('tolerance', 0)):g}"
            parts.append(
                f"={_pct(float(a.get('fraction', 1)), 1.0)}{value}{_fb(a.get('feedback', ''))}"
            )
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
    """Questions of types GIFT cannot hold (ordering, cloze) are left out by the caller."""
    out: list[str] = []
    category = None
    for q in questions:
        if q.qtype not in GIFT_TYPES:
            raise ValueError(f"GIFT has no {q.qtype} questions")
        if q.category != category:
            category = q.category
            out.append(f"$CATEGORY: {category}\n")
        head = f"::{escape(q.name)}::" if q.name else ""
        fmt = f"[{q.text_format}]" if q.text_format and q.text_format != "moodle" else ""
        general = f"####{escape(q.general_feedback)}" if q.general_feedback else ""
        if q.qtype == "description":
            out.append(f"{head}{fmt}{escape(q.text)}\n")
            continue
        text = escape(q.text)
        # No blank line may fall inside a question: blank lines separate questions.
        block = "{" + "\n".join(p for p in (_answers(q.qtype, q.data), general) if p) + "}"
        if q.data.get("missing_word") and " _____ " in text:
            before, after = text.split(" _____ ", 1)
            out.append(f"{head}{fmt}{before} {block} {after}\n")
        else:
            out.append(f"{head}{fmt}{text} {block}\n")
    return "\n".join(out)
