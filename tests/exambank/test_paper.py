"""Paper tests: cloze options and key, numerical tolerance, pictures, one question per page."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from exambank.importing import import_questions
from exambank.models import Category, Quiz, QuizSlot
from exambank.paper import render_paper

from .test_roundtrip import _png, _xml

pytestmark = pytest.mark.skipif(not shutil.which("pdftotext"), reason="needs poppler-utils")


def _pages(pdf: bytes, tmp_path) -> list[str]:
    path = tmp_path / "paper.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True, text=True
    ).stdout
    return text.split("\f")


def test_paper_prints_cloze_numerical_pictures_and_keeps_questions_whole(db, tmp_path):
    root = Category.objects.create(name="กระดาษ")
    created = import_questions("bank.xml", _xml(_png("red"), b"x").encode(), "xml", root)
    by_name = {q.name: q for q in created}
    quiz = Quiz.objects.create(title="สอบกระดาษ")
    # Many questions so that some fall at a page end.
    order = 0
    for _ in range(6):
        for name in ["รูปภาพ", "ตัวเลข", "เติมคำ", "จับคู่", "เรียงความ"]:
            QuizSlot.objects.create(quiz=quiz, order=order, question=by_name[name])
            order += 1
    pdf = render_paper(quiz)
    assert b"/Subtype /Image" in pdf
    pages = _pages(pdf, tmp_path)
    text = "\f".join(pages)
    assert "{#1}" not in text and "{'0'" not in text
    assert "(1) ________" in text and "เค็ม" in text and "จืด" in text
    key = pages[-2] if not pages[-1].strip() else pages[-1]
    assert "9 ± 0.5" in key
    assert "เค็ม" in key and "100 ± 5" in key
    # Each essay keeps its six answer lines with its number on the same page.
    for page in pages:
        if "เขียนเรื่องครอบครัว" in page:
            after = page.split("เขียนเรื่องครอบครัว", 1)[1]
            assert after.count("......") >= 6
