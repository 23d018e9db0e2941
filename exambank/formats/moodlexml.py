"""Moodle XML, read and written so that a round trip loses nothing.

Elements we understand become question fields; every other child of a
<question> (penalty, hidden, units, essay options, tags of plugins…) is kept
verbatim in ``data["_xml_extra"]`` and written back in place, so a file exported
from Moodle, imported here and exported again carries the same information.
Line numbers come from expat, so an error names the line of the bad question.

Why this module is long: the reader and the writer of every question type sit
side by side so that the round trip (tests/exambank/test_roundtrip.py) stays
exact; the cloze grammar, which Moodle checks on import, lives here too.
"""

from __future__ import annotations

import base64
import binascii
import functools
import re
import xml.etree.ElementTree as ET
from xml.parsers import expat

from django.utils.translation import gettext_lazy as _

from . import FormatError, ParsedQuestion, err, label, refused
from .grades import checked_fraction

# What a number error names: translated when the error is built.
VALUE, TOLERANCE = _("value"), _("tolerance")
# Translators: <defaultgrade>, the element of Moodle XML that holds a question's full marks.
DEFAULT_GRADE = _("defaultgrade")
DEFAULT_FORMAT = "moodle_auto_format"  # what Moodle assumes when an answer names none
CLOZE_GAP = re.compile(r"\{(\d*):([A-Z_]+):((?:\\.|[^}])*)\}")
CLOZE_TYPES = {
    "SHORTANSWER": "shortanswer",
    "SA": "shortanswer",
    "MW": "shortanswer",
    "SHORTANSWER_C": "shortanswer",
    "SAC": "shortanswer",
    "MWC": "shortanswer",
    "NUMERICAL": "numerical",
    "NM": "numerical",
    "MULTICHOICE": "multichoice",
    "MC": "multichoice",
    "MCV": "multichoice",
    "MCH": "multichoice",
    "MULTICHOICE_S": "multichoice",
    "MCS": "multichoice",
    "MULTIRESPONSE": "multichoice",
    "MR": "multichoice",
    "MULTIRESPONSE_S": "multichoice",
    "MRS": "multichoice",
}
KNOWN = {
    "name",
    "questiontext",
    "generalfeedback",
    "defaultgrade",
    "answer",
    "single",
    "shuffleanswers",
    "usecase",
    "subquestion",
    "tags",
}


def _parse_with_lines(source: bytes) -> tuple[ET.Element, dict[int, int]]:
    builder = ET.TreeBuilder()
    lines: dict[int, int] = {}
    parser = expat.ParserCreate("utf-8")

    def start(tag, attrs):
        lines[id(builder.start(tag, attrs))] = parser.CurrentLineNumber

    parser.StartElementHandler = start
    parser.EndElementHandler = builder.end
    parser.CharacterDataHandler = builder.data
    parser.buffer_text = True
    parser.Parse(source, True)
    return builder.close(), lines


def _text(element: ET.Element | None, path: str = "text") -> str:
    if element is None:
        return ""
    found = element.find(path)
    return (found.text or "") if found is not None else ""


def _fraction(answer: ET.Element) -> float:
    raw = answer.get("fraction", "0")
    try:
        value = float(raw) / 100
    except ValueError:
        raise FormatError(_("grade %(value)r is not a number"), value=raw) from None
    return checked_fraction(value)


def _number(text: str, what) -> float:
    """``text`` as a number; ``what`` names it in the error (a lazy catalogue string)."""
    try:
        return float(text.strip())
    except ValueError:
        raise FormatError(
            _("%(what)s %(value)r is not a number"), what=what, value=text.strip()
        ) from None


def _cloze_answers(kind: str, body: str) -> dict:
    # The first answer may start with ~ as well ({1:MC:~no~=yes}): not an empty answer.
    parts = re.split(r"(?<!\\)~", body.removeprefix("~"))
    answers = []
    for part in parts:
        fraction = 0.0
        if part.startswith("="):
            fraction, part = 1.0, part[1:]
        elif match := re.match(r"%(-?\d+(?:\.\d+)?)%", part):
            fraction, part = checked_fraction(float(match.group(1)) / 100), part[match.end() :]
        value, _hash, feedback = part.partition("#")
        answers.append((fraction, value.replace("\\~", "~").replace("\\}", "}"), feedback))
    if kind == "multichoice":
        return {
            "choices": [
                {"id": label(i), "text": v, "fraction": f, "feedback": fb}
                for i, (f, v, fb) in enumerate(answers)
            ],
            "single": True,
        }
    if kind == "numerical":
        out = []
        for f, v, fb in answers:
            value, _colon, tolerance = v.partition(":")
            if value.strip() == "*":
                out.append({"value": "*", "tolerance": 0.0, "fraction": f, "feedback": fb})
                continue
            out.append(
                {
                    "value": _number(value, VALUE),
                    "tolerance": abs(_number(tolerance, TOLERANCE)) if tolerance.strip() else 0.0,
                    "fraction": f,
                    "feedback": fb,
                }
            )
        return {"answers": out}
    return {"answers": [{"text": v, "fraction": f, "feedback": fb} for f, v, fb in answers]}


def _check_gap(gap: dict, number: int) -> None:
    """Refuse a gap Moodle's embedded-answers check refuses: it names the gap."""
    if gap["type"] == "multichoice":
        choices = gap["choices"]
        if len(choices) < 2:
            raise FormatError(_("gap %(number)s needs at least two choices"), number=number)
        fractions = [c["fraction"] for c in choices]
    else:
        fractions = [a["fraction"] for a in gap["answers"]]
    if gap.get("single", True) and not any(f >= 1 - 1e-7 for f in fractions):
        raise FormatError(_("gap %(number)s has no answer worth 100%%"), number=number)
    if not gap.get("single", True) and sum(f for f in fractions if f > 0) < 1 - 1e-5:
        raise FormatError(_("gap %(number)s: right answers sum below 100%%"), number=number)
    texts = [c.get("text", c.get("value")) for c in gap.get("choices", gap.get("answers", []))]
    if any(not str(t).strip() for t in texts if t != "*"):
        raise FormatError(_("gap %(number)s has an empty answer"), number=number)


def parse_cloze_text(source: str) -> tuple[str, list[dict]]:
    """Moodle's embedded answers: the text with {#n} markers, and the gaps."""
    gaps: list[dict] = []

    def replace(match):
        kind_code = match.group(2)
        kind = CLOZE_TYPES.get(kind_code)
        if kind is None:
            raise FormatError(_("unknown cloze gap type %(code)s"), code=kind_code)
        gap = {"type": kind, "code": kind_code, "weight": float(match.group(1) or 1)}
        gap.update(_cloze_answers(kind, match.group(3)))
        if kind_code in {"SHORTANSWER_C", "SAC", "MWC"}:
            gap["case_sensitive"] = True
        if kind_code.startswith(("MULTIRESPONSE", "MR")):
            gap["single"] = False
        _check_gap(gap, len(gaps) + 1)
        gaps.append(gap)
        return f"{{#{len(gaps)}}}"

    text = CLOZE_GAP.sub(replace, source)
    return text, gaps


def embedded_files(element: ET.Element) -> dict[str, bytes]:
    """Every <file encoding="base64"> of a question, by its @@PLUGINFILE@@ name."""
    files: dict[str, bytes] = {}
    for node in element.iter("file"):
        name = (node.get("path") or "/").lstrip("/") + (node.get("name") or "")
        if not node.get("name"):
            raise FormatError(_("an embedded file has no name"))
        if (node.get("encoding") or "base64") != "base64":
            raise FormatError(_("file %(name)s is not base64-encoded"), name=name)
        try:
            files[name] = base64.b64decode("".join((node.text or "").split()), validate=True)
        except (binascii.Error, ValueError):
            raise FormatError(_("file %(name)s: bad base64"), name=name) from None
    return files


PLUGINFILE = re.compile(r"@@PLUGINFILE@@/([^\"'<>\s?#]+)")


def _attach(element: ET.Element, text: str, files: dict[str, bytes]) -> None:
    """Embed, under ``element``, each file its text links with @@PLUGINFILE@@ (as Moodle does)."""
    from urllib.parse import unquote

    for name in dict.fromkeys(unquote(m) for m in PLUGINFILE.findall(text or "")):
        if name in files:
            path, _slash, base = name.rpartition("/")
            node = _sub(element, "file", name=base, path=f"/{path}/" if path else "/")
            node.set("encoding", "base64")
            node.text = base64.b64encode(files[name]).decode("ascii")


def _question(element: ET.Element, qtype: str) -> dict:
    """(qtype, data) of one <question>; raises FormatError naming what is wrong."""
    answers = element.findall("answer")
    data: dict = {}
    if qtype == "multichoice":
        data["single"] = _text(element, "single").strip().lower() != "false"
        data["shuffle"] = _text(element, "shuffleanswers").strip().lower() not in {"0", "false"}
        data["choices"] = []
        for i, a in enumerate(answers):
            choice = {
                "id": label(i),
                "text": _text(a),
                "fraction": _fraction(a),
                "feedback": _text(a.find("feedback")),
            }
            if a.get("format", DEFAULT_FORMAT) != DEFAULT_FORMAT:
                choice["format"] = a.get("format")  # html renders (cleaned) as HTML
            data["choices"].append(choice)
        if not any(c["fraction"] > 0 for c in data["choices"]):
            raise FormatError(_("no choice has a positive fraction"))
    elif qtype == "truefalse":
        by_value = {_text(a).strip().lower(): a for a in answers}
        if set(by_value) != {"true", "false"}:
            raise FormatError(_("needs answers 'true' and 'false'"))
        data["answer"] = _fraction(by_value["true"]) > 0
        data["feedback_true"] = _text(by_value["true"].find("feedback"))
        data["feedback_false"] = _text(by_value["false"].find("feedback"))
    elif qtype == "shortanswer":
        data["case_sensitive"] = _text(element, "usecase").strip() == "1"
        data["answers"] = [
            {"text": _text(a), "fraction": _fraction(a), "feedback": _text(a.find("feedback"))}
            for a in answers
        ]
        if not data["answers"]:
            raise FormatError(_("no answers"))
    elif qtype == "numerical":
        data["answers"] = []
        for a in answers:
            value = _text(a).strip()
            entry = {"fraction": _fraction(a), "feedback": _text(a.find("feedback"))}
            entry["value"] = "*" if value == "*" else _number(value, VALUE)
            entry["tolerance"] = abs(_number(_text(a, "tolerance") or "0", TOLERANCE))
            data["answers"].append(entry)
    elif qtype == "matching":
        data["shuffle"] = _text(element, "shuffleanswers").strip().lower() not in {"0", "false"}
        data["pairs"], data["extra_rights"] = [], []
        for sub in element.findall("subquestion"):
            left, right = _text(sub), _text(sub.find("answer"))
            if left.strip():
                data["pairs"].append({"left": left, "right": right})
            else:
                data["extra_rights"].append(right)
        if len(data["pairs"]) < 2:
            raise FormatError(_("matching needs at least two pairs"))
    elif qtype == "ordering":
        data["items"] = [_text(a) for a in answers]
        if len(data["items"]) < 2:
            raise FormatError(_("ordering needs two items"))
    elif qtype not in {"essay", "description", "cloze"}:
        raise FormatError(_("question type %(type)r is not supported"), type=qtype)
    return data


def parse_moodle_xml(source: bytes | str) -> tuple[list[ParsedQuestion], list]:
    if isinstance(source, str):
        source = source.encode("utf-8")
    try:
        root, lines = _parse_with_lines(source)
    except expat.ExpatError as exc:
        return [], [
            err(exc.lineno, _("malformed XML: %(error)s"), error=expat.ErrorString(exc.code))
        ]
    if root.tag != "quiz":
        return [], [err(lines.get(id(root)), _("the root element must be <quiz>"))]
    questions, errors = [], []
    category = category_info = ""
    for element in root.findall("question"):
        line = lines.get(id(element))
        qtype = element.get("type", "")
        if qtype == "category":
            category = _text(element.find("category")).strip()
            category = category.removeprefix("$course$/").removeprefix("$system$/")
            category = category.removeprefix("top/").removeprefix("top")
            category_info = _text(element.find("info"))
            continue
        name = _text(element.find("name"))
        try:
            data = _question(element, qtype)
            text_el = element.find("questiontext")
            text = _text(text_el)
            if qtype == "cloze":
                data["source"] = text
                text, data["gaps"] = parse_cloze_text(text)
                if not data["gaps"]:
                    raise FormatError(_("a cloze question has no gaps"))
            mark = _number(_text(element, "defaultgrade") or "1", DEFAULT_GRADE)
            files = embedded_files(element)
        except FormatError as exc:
            errors.append(refused(line, exc, name or None))
            continue
        except ValueError as exc:
            errors.append(err(line, _("invalid value: %(error)s"), name or None, error=exc))
            continue
        extra = []
        for child in element:
            if child.tag not in KNOWN and not (qtype == "ordering" and child.tag == "answer"):
                copy = ET.fromstring(ET.tostring(child, encoding="unicode"))
                for node in copy.iter():  # layout whitespace is not content
                    if len(node) and node.text is not None and not node.text.strip():
                        node.text = None
                    if node.tail is not None and not node.tail.strip():
                        node.tail = None
                copy.tail = None
                extra.append(ET.tostring(copy, encoding="unicode"))
        if extra:
            data["_xml_extra"] = extra
        tags = [_text(t) for t in element.findall("tags/tag")]
        questions.append(
            ParsedQuestion(
                qtype=qtype,
                text=text,
                line=line or 0,
                name=name,
                general_feedback=_text(element.find("generalfeedback")),
                data=data,
                default_mark=mark,
                category=category,
                category_info=category_info,
                text_format=(text_el.get("format", "html") if text_el is not None else "html"),
                tags=tags,
                files=files,
            )
        )
    return questions, errors


# --- Export ---------------------------------------------------------------------


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs) -> ET.Element:
    child = ET.SubElement(parent, tag, {k: v for k, v in attrs.items() if v is not None})
    if text is not None:
        child.text = text
    return child


def _textual(
    parent: ET.Element,
    tag: str,
    text: str,
    fmt: str | None = "html",
    files: dict[str, bytes] | None = None,
) -> ET.Element:
    element = _sub(parent, tag, format=fmt)
    _sub(element, "text", text)
    _attach(element, text, files or {})
    return element


def _pct(fraction: float) -> str:
    return f"{round(fraction * 100, 7):g}"


def _answer(parent, text, fraction, feedback, fmt="html", files=None, **children) -> ET.Element:
    answer = _sub(parent, "answer", fraction=_pct(fraction), format=fmt)
    _sub(answer, "text", text)
    _attach(answer, text, files or {})
    for tag, value in children.items():
        _sub(answer, tag, value)
    _textual(answer, "feedback", feedback, files=files)
    return answer


def _question_xml(quiz: ET.Element, q: ParsedQuestion) -> None:
    element = _sub(quiz, "question", type=q.qtype)
    add_answer = functools.partial(_answer, files=q.files)
    name = _sub(element, "name")
    _sub(name, "text", q.name)
    text = q.data.get("source", q.text) if q.qtype == "cloze" else q.text
    _textual(element, "questiontext", text, q.text_format or "html", q.files)
    _textual(element, "generalfeedback", q.general_feedback, files=q.files)
    _sub(element, "defaultgrade", f"{q.default_mark:g}")
    data = q.data
    if q.qtype == "multichoice":
        _sub(element, "single", "true" if data.get("single", True) else "false")
        _sub(element, "shuffleanswers", "true" if data.get("shuffle", True) else "false")
        for c in data["choices"]:
            fmt = c.get("format", DEFAULT_FORMAT)
            add_answer(element, c["text"], float(c["fraction"]), c.get("feedback", ""), fmt)
    elif q.qtype == "truefalse":
        answer = bool(data.get("answer"))
        add_answer(
            element,
            "true",
            1.0 if answer else 0.0,
            data.get("feedback_true", ""),
            "moodle_auto_format",
        )
        add_answer(
            element,
            "false",
            0.0 if answer else 1.0,
            data.get("feedback_false", ""),
            "moodle_auto_format",
        )
    elif q.qtype == "shortanswer":
        _sub(element, "usecase", "1" if data.get("case_sensitive") else "0")
        for a in data["answers"]:
            add_answer(
                element,
                a["text"],
                float(a["fraction"]),
                a.get("feedback", ""),
                "moodle_auto_format",
            )
    elif q.qtype == "numerical":
        for a in data["answers"]:
            value = a["value"] if a["value"] == "*" else f"{float(a['value']):g}"
            tolerance = f"{float(a.get('tolerance', 0)):g}"
            add_answer(
                element,
                value,
                float(a["fraction"]),
                a.get("feedback", ""),
                "moodle_auto_format",
                tolerance=tolerance,
            )
    elif q.qtype == "matching":
        _sub(element, "shuffleanswers", "true" if data.get("shuffle", True) else "false")
        pairs = [(p["left"], p["right"]) for p in data["pairs"]]
        pairs += [("", r) for r in data.get("extra_rights", [])]
        for left, right in pairs:
            sub = _sub(element, "subquestion", format="html")
            _sub(sub, "text", left)
            _sub(_sub(sub, "answer"), "text", right)
    elif q.qtype == "ordering":
        for index, item in enumerate(data["items"], start=1):
            answer = _sub(element, "answer", fraction=str(index), format="moodle_auto_format")
            _sub(answer, "text", item)
    if q.tags:
        tags = _sub(element, "tags")
        for tag in q.tags:
            _sub(_sub(tags, "tag"), "text", tag)
    for raw in data.get("_xml_extra", []):
        element.append(ET.fromstring(raw))


def export_moodle_xml(questions: list[ParsedQuestion]) -> str:
    quiz = ET.Element("quiz")
    category = None
    for q in questions:
        if q.category != category:
            category = q.category
            element = _sub(quiz, "question", type="category")
            _sub(_sub(element, "category"), "text", f"$course$/top/{category}".rstrip("/"))
            if q.category_info:
                _textual(element, "info", q.category_info)
        _question_xml(quiz, q)
    ET.indent(quiz)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(quiz, encoding="unicode") + "\n"
