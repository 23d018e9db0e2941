"""Paper tests for schools without enough computers: a PDF, and its answer sheet back.

The paper is exambank/paper_pdf.html printed through core.pdf (which says why
WeasyPrint): each question is a block that never splits across pages, the
answer key starts a page of its own, pages are numbered. Fonts are Debian's
fonts-thai-tlwg (Garuda, then Loma), found by fontconfig.
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
from core.pdf import data_url, render_template_pdf

from . import actions, grading
from .formats import QuestionImportError
from .formats.thai_words import CHOICE_LETTERS, FALSE_WORDS, TRUE_WORDS
from .models import Attempt, AttemptState, Quiz, QuizMode
from .rendering import correct_text

# The student's line at the top of the paper (name, class, number in class).
NAME_LINE = _("Name ........................................  Class ........  No. ........")
ANSWER_WORDS = {**dict.fromkeys(TRUE_WORDS, True), **dict.fromkeys(FALSE_WORDS, False)}
WRITING_LINE = "." * 90


def paper_layout(quiz: Quiz):
    """The printed questions, in order: the same plan an on-paper attempt gets."""
    if quiz.mode != QuizMode.FIXED:
        raise actions.AttemptRefused(bilingual(_("only fixed-question quizzes can be printed")))
    return actions.plan_slots(quiz, None, random.Random(0), shuffle=False)


def _plain(html: str) -> str:
    from django.utils.html import strip_tags

    return strip_tags(html).replace("&nbsp;", " ").strip()


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


def _picture(image) -> dict:
    """A picture embedded as a data: URL; one that cannot be read is named, never dropped."""
    from PIL import Image

    try:
        with image.file.open("rb") as handle:
            content = handle.read()
        with Image.open(io.BytesIO(content)) as picture:
            picture.verify()
            mime = Image.MIME.get(picture.format or "")
    except Exception:  # noqa: BLE001 - a broken file must not stop the whole paper
        mime = None
    if mime is None:
        return {"title": image.title}
    width = min(70, max(20, image.width * 0.2))
    return {"title": image.title, "src": data_url(content, mime), "width_mm": f"{width:.1f}"}


def _cloze(version) -> tuple[str, list[str], str]:
    gaps = version.data.get("gaps", [])
    text = re.sub(r"\{#(\d+)\}", lambda m: f"({m.group(1)}) ________", _plain(version.text))
    lines = [
        f"({index}) "
        + "   ".join(
            f"{CHOICE_LETTERS[i]}. {_plain(c['text'])}"
            for i, c in enumerate(gap.get("choices", []))
        )
        for index, gap in enumerate(gaps, start=1)
        if gap["type"] == "multichoice"
    ]
    key = correct_text("cloze", version.data, grading.correct_response("cloze", version.data))
    return text, lines, key


def _answers(version) -> tuple[list[str], int, str]:
    """(printed answer lines, lines left to write on, the key) of a question that is not cloze."""
    data, qtype = version.data, version.qtype
    if qtype == "multichoice":
        choices = list(enumerate(data.get("choices", [])))
        lines = [f"{CHOICE_LETTERS[i]}. {_plain(c['text'])}" for i, c in choices]
        key = "".join(CHOICE_LETTERS[i] for i, c in choices if float(c.get("fraction", 0)) > 0)
        return lines, 0, key
    if qtype == "truefalse":
        true, false = gettext("True"), gettext("False")
        return [f"( ) {true}     ( ) {false}"], 0, true if data.get("answer") else false
    if qtype == "matching":
        pairs = data.get("pairs", [])
        rights = sorted({p["right"] for p in pairs} | set(data.get("extra_rights", [])))
        lines = [f"{p['left']}  ........" for p in pairs]
        lines.append(f"{gettext('Options')}: " + " / ".join(rights))
        return lines, 0, "; ".join(f"{p['left']} → {p['right']}" for p in pairs)
    if qtype == "essay":
        return [], 6, gettext("(marked by hand)")
    correct = grading.correct_response(qtype, data)
    return [], 1, correct_text(qtype, data, correct)


def paper_questions(quiz: Quiz) -> tuple[list[dict], list[tuple[int, str]]]:
    """What the paper prints for each question, and the answer key, in order."""
    questions, keys = [], []
    for number, (version, mark) in enumerate(paper_layout(quiz), start=1):
        if version.qtype == "cloze":
            text, answers, key = _cloze(version)
            write = 0
        else:
            text = _plain(version.text)
            answers, write, key = _answers(version)
        questions.append(
            {
                "number": number,
                "text": text,
                "mark": f"{mark:g}",
                "images": [_picture(image) for image in _question_images(version)],
                "images_last": version.qtype == "cloze",
                "answers": answers,
                "write_lines": range(write),
            }
        )
        keys.append((number, key))
    return questions, keys


def render_paper(quiz: Quiz, with_key: bool = True) -> bytes:
    questions, keys = paper_questions(quiz)
    return render_template_pdf(
        "exambank/paper_pdf.html",
        {
            "quiz": quiz,
            "name_line": NAME_LINE,
            "questions": questions,
            "dots": WRITING_LINE,
            "key": keys if with_key else [],
            "key_heading": bilingual(_("Answer key")),
        },
    )


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
