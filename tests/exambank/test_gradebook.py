"""Grades as students and teachers read them: my grades, the gradebook, the queue count."""

from __future__ import annotations

import io
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from core import roles
from exambank import actions
from exambank.models import Category, Question

from .helpers import make_quiz


@pytest.fixture
def student(make_user, school):
    return make_user("nong", roles.STUDENT, school=school)


@pytest.fixture
def teacher(make_user, school):
    return make_user("kru", roles.TEACHER, school=school)


def _essay_quiz():
    category = Category.objects.create(name="ภาษาไทย")
    essay = Question(category=category, qtype="essay", name="เรียงความ", text="เล่าเรื่อง")
    actions.save_question(essay)
    return make_quiz(2, extra=[essay])


def test_my_grades_gradebook_and_queue_count(db, student, teacher, client):
    quiz = _essay_quiz()
    attempt = actions.start_attempt(quiz, student, "k")
    for slot in attempt.slots.all():
        if slot.version.qtype == "multichoice":
            right = next(c["id"] for c in slot.version.data["choices"] if c["fraction"] == 1)
            actions.save_answer(attempt.pk, slot.position, right, 1)
        else:
            actions.save_answer(attempt.pk, slot.position, "วันหยุด", 1)
    actions.submit_attempt(attempt.pk)

    client.force_login(teacher)
    home = client.get(reverse("exambank:quizzes")).content.decode()
    queue_link = re.search(r'<a href="([^"]+)" data-nav="grading">(.*?)</a>', home)
    assert queue_link and queue_link.group(1) == reverse("exambank:grading")
    assert re.search(r'<span class="count"[^>]*>1</span>', queue_link.group(2))
    essay = attempt.slots.get(version__qtype="essay")
    client.post(reverse("exambank:grading"), {"slot": essay.pk, "mark": "0.5", "comment": "ดี"})
    home = client.get(reverse("exambank:quizzes")).content.decode()
    queue_link = re.search(r'data-nav="grading">(.*?)</a>', home)
    assert queue_link and 'class="count"' not in queue_link.group(1)  # none left

    book = client.get(reverse("exambank:gradebook")).content.decode()
    assert "nong" in book and "83.33" in book  # 2.5 of 3 marks
    sheet = load_workbook(
        io.BytesIO(client.get(reverse("exambank:gradebook") + "?format=xlsx").content)
    ).active
    rows = list(sheet.values)
    assert rows[1][0] == "nong" and rows[1][2] == "83.33"
    csv_text = client.get(reverse("exambank:gradebook") + "?format=csv").content.decode("utf-8-sig")
    assert "nong" in csv_text

    client.force_login(student)
    mine = client.get(reverse("exambank:my_grades")).content.decode()
    assert quiz.title in mine and "2.5 / 3" in mine
    assert reverse("exambank:review", args=[attempt.pk]) in mine
    assert 'data-nav="grading"' not in mine and 'data-nav="my-grades"' in mine
    assert client.get(reverse("exambank:gradebook")).status_code == 403
