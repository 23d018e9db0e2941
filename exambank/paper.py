"""Paper tests for schools without enough computers: a PDF, and its answer sheet back.

PDF library: fpdf2 with HarfBuzz text shaping (uharfbuzz). Thai stacks vowels
and tone marks above and below consonants; without a shaping engine (e.g.
ReportLab's default) marks collide or float. fpdf2 + HarfBuzz positions them
with the font's own GPOS/GSUB tables, needs no system libraries beyond a Thai
TrueType font (Debian's fonts-thai-tlwg, installed by scripts/ensure-system.sh),
and is pure Python on top of the uharfbuzz wheel.
"""

from __future__ import annotations

import hashlib
import io
import random
import re
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.csv_import import RowError
from core.i18n import bilingual
from core.models import User

from . import actions, grading
from .formats import QuestionImportError
from .formats.thai_words import CHOICE_LETTERS, FALSE_WORDS, TRUE_WORDS
from .models import Attempt, AttemptState, Quiz, QuizMode
from .rendering import correct_text

FONT_CANDIDATES = [
    "/usr/share/fonts/truetype/tlwg/Garuda.ttf",
    "/usr/share/fonts/truetype/tlwg/Loma.ttf",
    "/usr/share/fonts/opentype/tlwg/Garuda.otf",
    "/usr/share/fonts/truetype/noto/NotoSansThai-Regular.ttf",
]
# The student's line at the top of the paper (name, class, number in class).
NAME_LINE = _("Name ........................................  Class ........  No. ........")
ANSWER_WORDS = {**dict.fromkeys(TRUE_WORDS, True), **dict.fromkeys(FALSE_WORDS, False)}


def thai_font() -> Path:
    for candidate in FONT_CANDIDATES:
        if Path(candidate).exists():
            return Path(candidate)
    raise FileNotFoundError(bilingual(_("no Thai font found: install fonts-thai-tlwg")))


def paper_layout(quiz: Quiz):
    """The printed questions, in order: the same plan an on-paper attempt gets."""
    if quiz.mode != QuizMode.FIXED:
        raise actions.AttemptRefused(bilingual(_("only fixed-question quizzes can be printed")))
    return actions.plan_slots(quiz, None, random.Random(0), shuffle=False)


def _plain(html: str) -> str:
    from django.utils.html import strip_tags

    return strip_tags(html).replace("&nbsp;", " ").strip()


def _line(pdf, text: str, height: float = 6.5) -> None:
    pdf.multi_cell(0, height, text, new_x="LMARGIN", new_y="NEXT")


def _question_images(version) -> list:
    """Wagtail images the question shows: rich-text embeds and Moodle's embedded files."""
    from wagtail.images import get_image_model

    ids = [int(i) for i in re.findall(r'<embed[^>]*embedtype="image"[^>]*id="(\d+)"', version.text)]
    ids += [
        ref["id"]
        for ref in (version.data.get("files") or {}).values()
        if ref.get("kind") == "image"
    ]
    images = get_image_model().objects.in_bulk(ids)
    return [images[i] for i in dict.fromkeys(ids) if i in images]


def _print_images(pdf, version) -> None:
    """Each picture under its question; one that cannot be read is named, never dropped."""
    for image in _question_images(version):
        try:
            with image.file.open("rb") as handle:
                data = io.BytesIO(handle.read())
            pdf.image(data, x=pdf.l_margin + 8, w=min(70, max(20, image.width * 0.2)))
        except Exception:  # noqa: BLE001 - a broken file must not stop the whole paper
            picture = gettext("picture")
            _line(pdf, f"      [{picture}: {image.title}]")


def _print_cloze(pdf, number: int, version, mark) -> str:
    gaps = version.data.get("gaps", [])
    text = re.sub(r"\{#(\d+)\}", lambda m: f"({m.group(1)}) ________", _plain(version.text))
    pdf.set_font("thai", size=12)
    marks = gettext("marks")
    _line(pdf, f"{number}. {text}  ({mark:g} {marks})", 7)
    pdf.set_font("thai", size=11)
    for index, gap in enumerate(gaps, start=1):
        if gap["type"] == "multichoice":
            options = "   ".join(
                f"{CHOICE_LETTERS[i]}. {_plain(c['text'])}"
                for i, c in enumerate(gap.get("choices", []))
            )
            _line(pdf, f"      ({index}) {options}")
    return correct_text("cloze", version.data, grading.correct_response("cloze", version.data))


def _print_question(pdf, number: int, version, mark) -> str:
    """Print one question; return its key as the answer key prints it."""
    data = version.data
    if version.qtype == "cloze":
        key = _print_cloze(pdf, number, version, mark)
        _print_images(pdf, version)
        return key
    pdf.set_font("thai", size=12)
    marks = gettext("marks")
    _line(pdf, f"{number}. {_plain(version.text)}  ({mark:g} {marks})", 7)
    _print_images(pdf, version)
    pdf.set_font("thai", size=11)
    key = ""
    if version.qtype == "multichoice":
        for index, choice in enumerate(data.get("choices", [])):
            letter = CHOICE_LETTERS[index]
            _line(pdf, f"      {letter}. {_plain(choice['text'])}")
            if float(choice.get("fraction", 0)) > 0:
                key += letter
    elif version.qtype == "truefalse":
        true, false = gettext("True"), gettext("False")
        _line(pdf, f"      ( ) {true}     ( ) {false}")
        key = true if data.get("answer") else false
    elif version.qtype == "matching":
        rights = sorted(
            {p["right"] for p in data.get("pairs", [])} | set(data.get("extra_rights", []))
        )
        for pair in data.get("pairs", []):
            _line(pdf, f"      {pair['left']}  ........")
        options = gettext("Options")
        _line(pdf, f"      {options}: " + " / ".join(rights))
        key = "; ".join(f"{p['left']} → {p['right']}" for p in data.get("pairs", []))
    else:
        lines = 6 if version.qtype == "essay" else 1
        for _row in range(lines):
            _line(pdf, "      " + "." * 90, 7)
        if version.qtype == "essay":
            key = gettext("(marked by hand)")
        else:
            correct = grading.correct_response(version.qtype, data)
            key = correct_text(version.qtype, data, correct)
    return key


def render_paper(quiz: Quiz, with_key: bool = True) -> bytes:
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    font = thai_font()
    pdf.add_font("thai", "", str(font))
    pdf.set_text_shaping(True)
    pdf.set_auto_page_break(True, margin=15)
    pdf.add_page()
    pdf.set_font("thai", size=16)
    pdf.multi_cell(0, 9, quiz.title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("thai", size=11)
    pdf.multi_cell(0, 7, str(NAME_LINE), new_x="LMARGIN", new_y="NEXT")
    if quiz.intro:
        pdf.multi_cell(0, 7, quiz.intro, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    planned = paper_layout(quiz)
    keys = []
    for number, (version, mark) in enumerate(planned, start=1):
        # A question never splits across pages: fpdf2 moves the whole block on.
        with pdf.unbreakable() as block:
            keys.append((number, _print_question(block, number, version, mark)))
            block.ln(2)
    if with_key:
        pdf.add_page()
        pdf.set_font("thai", size=14)
        heading = bilingual(_("Answer key")) + f": {quiz.title}"
        pdf.multi_cell(0, 8, heading, new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("thai", size=11)
        for number, key in keys:
            pdf.multi_cell(0, 6.5, f"{number}. {key}", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def _sheet_response(qtype: str, data: dict, value: str):
    value = value.strip()
    if not value:
        return None
    if qtype == "multichoice":
        ids = [c["id"] for c in data.get("choices", [])]
        letters = [v.strip().upper() for v in value.replace(" ", "").split(",") if v.strip()]
        picked = []
        for letter in letters:
            if letter in CHOICE_LETTERS:
                index = CHOICE_LETTERS.index(letter)
            elif len(letter) == 1 and "A" <= letter <= "Z":
                index = ord(letter) - 65
            elif letter.isdigit():
                index = int(letter) - 1
            else:
                raise ValueError(letter)
            if not 0 <= index < len(ids):
                raise ValueError(letter)
            picked.append(ids[index])
        return picked[0] if data.get("single", True) and len(picked) == 1 else sorted(picked)
    if qtype == "truefalse":
        if value.lower() not in ANSWER_WORDS:
            raise ValueError(value)
        return ANSWER_WORDS[value.lower()]
    return value


def import_answer_sheet(quiz: Quiz, filename: str, content: bytes, teacher) -> list:
    """Grade a class's paper answers: CSV columns ``student`` (username), 1, 2, … N.

    All or nothing: an unknown student, a missing column or an answer that is
    not one of the printed choices stops the import with every such cell named.
    Importing the same file again changes nothing (the attempt key is the
    file's content and the student).
    """
    import csv
    import io

    planned = paper_layout(quiz)
    name = Path(filename).name
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise QuestionImportError(
            name, [RowError.translated(None, None, _("the file is not UTF-8"))]
        ) from None
    reader = csv.DictReader(io.StringIO(text))
    columns = [c.strip() for c in reader.fieldnames or []]
    wanted = ["student"] + [str(n) for n in range(1, len(planned) + 1)]
    missing = [c for c in wanted if c not in columns]
    if missing:
        raise QuestionImportError(
            name, [RowError.translated(1, ", ".join(missing), _("required column is missing"))]
        )
    reader.fieldnames = columns
    errors, rows = [], []
    users = {u.username: u for u in User.objects.all()}
    for row in reader:
        line = reader.line_num
        username = (row.get("student") or "").strip()
        user = users.get(username)
        if user is None:
            errors.append(
                RowError.translated(
                    line, "student", _("unknown student %(username)r"), username=username
                )
            )
            continue
        if Attempt.objects.filter(quiz=quiz, user=user, state=AttemptState.IN_PROGRESS).exists():
            online = _("%(username)s has an online attempt in progress")
            errors.append(RowError.translated(line, "student", online, username=username))
            continue
        responses = {}
        for number, (version, _mark) in enumerate(planned, start=1):
            try:
                responses[number] = _sheet_response(
                    version.qtype, version.data, row.get(str(number)) or ""
                )
            except ValueError:
                errors.append(
                    RowError.translated(
                        line,
                        str(number),
                        _("answer %(answer)r is not a printed choice"),
                        answer=row.get(str(number)),
                    )
                )
        rows.append((user, responses))
    if errors or not rows:
        raise QuestionImportError(
            name, errors or [RowError.translated(None, None, _("the file has no data rows"))]
        )
    digest = hashlib.sha256(content).hexdigest()[:32]
    attempts = []
    with transaction.atomic():
        for user, responses in rows:
            attempt = actions.start_attempt(
                quiz, user, f"paper:{digest}:{user.pk}"[:64], on_paper=True
            )
            attempts.append(actions.submit_attempt(attempt.pk, responses))
    return attempts
