"""From attempt slots to what a page shows, and from a posted form back to a response.

One parser (``response_from_form``) serves the per-answer autosave, the
no-JavaScript submit and the review, so what the student saw is what is stored.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal

from django.utils.html import escape, linebreaks, strip_tags
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext
from wagtail.rich_text import expand_db_html

from core.html import clean_html

from . import grading
from .files import link_files

HTML_FORMATS = {"html", "moodle", "moodle_auto_format"}


def format_mark(value) -> str:
    """A mark as Moodle prints it: exact, without trailing zeros (0.5, 1, 2.25)."""
    if value is None:
        return ""
    number = Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    text = format(number.normalize(), "f")
    return "0" if text in {"-0", ""} else text


def mark_state(fraction: float | None) -> str:
    """correct, partial or incorrect, as Moodle labels a graded question."""
    if fraction is None:
        return ""
    if fraction >= 1 - 1e-7:
        return "correct"
    return "partial" if fraction > 1e-7 else "incorrect"


def choice_html(choice: dict, files: dict | None = None) -> str:
    """A choice as shown: HTML choices cleaned by the allow-list, the rest escaped."""
    if choice.get("format") == "html":
        return link_files(clean_html(choice.get("text", "")), files or {})
    return escape(choice.get("text", ""))


def question_html(text: str, data: dict) -> str:
    fmt = data.get("text_format", "html")
    if fmt in HTML_FORMATS and ("<" in text):
        # Cleaned when stored (exambank.sanitise); cleaned again here so a row
        # written before that, or by hand, still cannot carry script.
        return link_files(expand_db_html(clean_html(text)), data.get("files") or {})
    return linebreaks(escape(text))


def response_from_form(qtype: str, data: dict, layout: dict, post, prefix: str):
    """Read a question's response from form fields named ``{prefix}`` / ``{prefix}_…``."""
    if qtype == "multichoice":
        if data.get("single", True):
            return post.get(prefix) or None
        return sorted(post.getlist(prefix)) or None
    if qtype == "truefalse":
        value = post.get(prefix)
        return None if value in (None, "") else value == "true"
    if qtype in {"shortanswer", "numerical", "essay"}:
        value = post.get(prefix, "")
        return value if value.strip() else None
    if qtype == "matching":
        answer = {
            str(i): post.get(f"{prefix}_m{i}", "")
            for i in range(len(data.get("pairs", [])))
            if post.get(f"{prefix}_m{i}")
        }
        return answer or None
    if qtype == "ordering":
        items = layout.get("items", data.get("items", []))
        ranks = []
        for i, item in enumerate(items):
            value = post.get(f"{prefix}_o{i}", "")
            if not value.isdigit():
                return None
            ranks.append((int(value), i, item))
        return [item for _, _, item in sorted(ranks)]
    if qtype == "cloze":
        answer = {}
        for i, gap in enumerate(data.get("gaps", [])):
            value = response_from_form(gap["type"], gap, {}, post, f"{prefix}_g{i}")
            if value is not None:
                answer[str(i)] = value
        return answer or None
    return None


def _choice_list(data: dict, order: list | None, response, name: str) -> list[dict]:
    choices = {c["id"]: c for c in data.get("choices", [])}
    ids = order or list(choices)
    picked = response if isinstance(response, list) else [response]
    return [
        {
            "id": cid,
            "text": choices[cid]["text"],
            "html": mark_safe(choice_html(choices[cid], data.get("files"))),
            "checked": cid in picked,
            "name": name,
            "fraction": float(choices[cid].get("fraction", 0)),
            "feedback": choices[cid].get("feedback", ""),
        }
        for cid in ids
        if cid in choices
    ]


def _gap_widget(gap: dict, order: list | None, value, name: str) -> str:
    if gap["type"] == "multichoice":
        options = "".join(
            f'<option value="{escape(c["id"])}"{" selected" if c["checked"] else ""}>'
            f"{escape(strip_tags(c['text']))}</option>"
            for c in _choice_list(gap, order, value, name)
        )
        return f'<select name="{name}"><option value=""></option>{options}</select>'
    return f'<input type="text" size="12" name="{name}" value="{escape(value or "")}">'


def slot_view(slot, prefix: str | None = None, version=None, answers: bool = True) -> dict:
    """Everything a template needs to show one question of an attempt.

    ``version`` may be the slot's cached card (exambank.snapshot.VersionCard),
    whose text is already rendered; ``answers=False`` leaves out the answer key
    (the page a student takes does not need it).
    """
    version = version or slot.version
    data, layout, response = version.data, slot.layout or {}, slot.response
    name = prefix or f"q{slot.position}"
    html = getattr(version, "html", None)
    view = {
        "position": slot.position,
        "qtype": version.qtype,
        "name": name,
        "html": mark_safe(html if html is not None else question_html(version.text, data)),
        "response": response,
        "mark": slot.mark,
        "fraction": slot.fraction,
        "mark_text": format_mark(slot.mark),
        "got_text": (
            "" if slot.fraction is None else format_mark(Decimal(str(slot.fraction)) * slot.mark)
        ),
        "state": "" if slot.needs_manual else mark_state(slot.fraction),
        "needs_manual": slot.needs_manual,
        "comment": slot.comment,
        "general_feedback": version.general_feedback,
        "saved": slot.saved_at is not None,
        "multi": version.qtype == "multichoice" and not data.get("single", True),
    }
    if version.qtype == "multichoice":
        view["choices"] = _choice_list(data, layout.get("choices"), response, name)
    elif version.qtype == "truefalse":
        view["choices"] = [
            {"id": "true", "text": gettext("True"), "checked": response is True},
            {"id": "false", "text": gettext("False"), "checked": response is False},
        ]
    elif version.qtype == "matching":
        rights = layout.get("rights") or sorted({p["right"] for p in data.get("pairs", [])})
        given = response or {}
        view["rows"] = [
            {
                "left": p["left"],
                "field": f"{name}_m{i}",
                "value": given.get(str(i), ""),
                "options": rights,
            }
            for i, p in enumerate(data.get("pairs", []))
        ]
    elif version.qtype == "ordering":
        items = layout.get("items") or data.get("items", [])
        current = response or []
        view["items"] = [
            {
                "text": item,
                "field": f"{name}_o{i}",
                "rank": current.index(item) + 1 if item in current else i + 1,
            }
            for i, item in enumerate(items)
        ]
        view["ranks"] = list(range(1, len(items) + 1))
    elif version.qtype == "cloze":
        given = response or {}
        gaps = data.get("gaps", [])
        orders = layout.get("gaps", {})

        def widget(match):
            i = int(match.group(1)) - 1
            if i >= len(gaps):
                return match.group(0)
            return _gap_widget(gaps[i], orders.get(str(i)), given.get(str(i)), f"{name}_g{i}")

        view["html"] = mark_safe(re.sub(r"\{#(\d+)\}", widget, str(view["html"])))
    if not answers:
        return view
    view["correct"] = grading.correct_response(version.qtype, data)
    view["correct_text"] = correct_text(version.qtype, data, view["correct"])
    return view


def correct_text(qtype: str, data: dict, correct) -> str:
    """The right answer as a student reads it on the review page."""
    if correct is None:
        return ""
    if qtype == "multichoice":
        chosen = correct if isinstance(correct, list) else [correct]
        return ", ".join(
            strip_tags(c["text"]) for c in data.get("choices", []) if c["id"] in chosen
        )
    if qtype == "truefalse":
        return gettext("True") if correct else gettext("False")
    if qtype == "numerical":
        return numerical_key(data)
    if qtype == "matching":
        return "; ".join(f"{p['left']} → {p['right']}" for p in data.get("pairs", []))
    if qtype == "ordering":
        return " → ".join(correct)
    if qtype == "cloze":
        gaps = data.get("gaps", [])
        return "; ".join(
            f"({i + 1}) {correct_text(g['type'], g, correct.get(str(i)))}"
            for i, g in enumerate(gaps)
        )
    return str(correct)


def numerical_key(data: dict) -> str:
    """Every full-mark numerical answer with its tolerance: 9 ± 0.5, or 1–5 for a range."""
    keys = []
    for answer in data.get("answers", []):
        if float(answer.get("fraction", 0)) < 1 - 1e-7 or answer.get("value") == "*":
            continue
        if "min" in answer:
            keys.append(f"{float(answer['min']):g}–{float(answer['max']):g}")
            continue
        tolerance = float(answer.get("tolerance", 0) or 0)
        value = f"{float(answer['value']):g}"
        keys.append(f"{value} ± {tolerance:g}" if tolerance else value)
    return gettext(" or ").join(keys)


# --- The page a student takes ---------------------------------------------------
#
# The same markup as templates/exambank/_question.html (which the review and
# grading pages keep using), written out directly: forty {% include %}s cost
# more than the rest of the request together, and a whole class loads this
# page within seconds. The browser test checks the page works end to end.


def _disabled(readonly: bool) -> str:
    return " disabled" if readonly else ""


def _option(value: str, selected: bool) -> str:
    return f"<option{' selected' if selected else ''}>{escape(value)}</option>"


def question_form_html(view: dict, readonly: bool = False) -> str:
    position, qtype, name = view["position"], view["qtype"], escape(view["name"])
    off = _disabled(readonly)
    saved = ' <span class="saved-mark">✓</span>' if view["saved"] else ""
    out = [
        f'<fieldset class="question" id="question-{position}" data-position="{position}">\n'
        f"<legend>{escape(gettext('Question'))} {position}{saved}</legend>\n"
        f'<div class="qtext">{view["html"]}</div>\n'
    ]
    if qtype in {"multichoice", "truefalse"}:
        kind = "checkbox" if view["multi"] else "radio"
        for c in view["choices"]:
            checked = " checked" if c["checked"] else ""
            text = c.get("html") or escape(c["text"])
            out.append(
                f'<label class="choice"><input type="{kind}" name="{name}"'
                f' value="{escape(c["id"])}"{checked}{off}> {text}</label>'
            )
    elif qtype in {"shortanswer", "numerical"}:
        value = "" if view["response"] is None else escape(view["response"])
        mode = ' inputmode="decimal"' if qtype == "numerical" else ""
        out.append(f'<input type="text" name="{name}" value="{value}"{mode}{off}>')
    elif qtype == "essay":
        value = "" if view["response"] is None else escape(view["response"])
        out.append(f'<textarea name="{name}" rows="6" cols="60"{off}>{value}</textarea>')
    elif qtype == "matching":
        rows = []
        for r in view["rows"]:
            options = "".join(_option(o, o == r["value"]) for o in r["options"])
            rows.append(
                f'<tr><td>{escape(r["left"])}</td><td><select name="{escape(r["field"])}"{off}>'
                f'<option value=""></option>{options}</select></td></tr>'
            )
        out.append(f"<table>{''.join(rows)}</table>")
    elif qtype == "ordering":
        items = []
        for it in view["items"]:
            options = "".join(_option(str(n), n == it["rank"]) for n in view["ranks"])
            items.append(
                f'<li><select name="{escape(it["field"])}"{off}>{options}</select>'
                f" {escape(it['text'])}</li>"
            )
        out.append(f'<ol class="ordering">{"".join(items)}</ol>')
    out.append("\n</fieldset>")
    return "".join(out)


def questions_form_html(slots, cards: dict) -> SafeString:
    """Every question of an attempt as form fields, from the slots and their cached cards."""
    return mark_safe(
        "".join(
            question_form_html(slot_view(slot, version=cards[slot.version_id], answers=False))
            for slot in slots
        )
    )
