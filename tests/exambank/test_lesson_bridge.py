"""Lessons embed exam-bank quizzes and complete when the quiz is passed."""

import pytest

from exambank.actions import save_answer, start_attempt, submit_attempt
from khlang.celery import app
from lms import quiz_bridge
from lms.actions import enrol
from lms.models import LessonProgress
from tests.exambank.helpers import make_quiz
from tests.lms.builders import build_course, lessons_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def eager_tasks():
    before = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = before


@pytest.fixture
def quiz_lesson(area, school):
    from tests.lms.builders import courses_index

    quiz = make_quiz(n_questions=2, school=school, pass_fraction=0.5)
    ref = quiz_bridge.ref_for(quiz)
    course = build_course(
        courses_index(),
        units=[("always", [("แบบทดสอบท้ายบท", "quiz", {"body": [
            {"type": "quiz", "value": {"quiz": ref, "required_to_complete": True}},
        ]})])],
    )  # fmt: skip
    return quiz, lessons_of(course)[0], course


def test_the_exam_bank_is_the_installed_provider(quiz_lesson):
    quiz, _, _ = quiz_lesson
    assert quiz_bridge.available()
    assert (quiz_bridge.ref_for(quiz), quiz.title) in quiz_bridge.choices()
    assert quiz_bridge.lookup(quiz_bridge.ref_for(quiz)) == quiz
    assert quiz_bridge.lookup("exambank.quiz:999999") is None
    assert quiz_bridge.lookup("exambank.quiz:x") is None


def test_lesson_page_embeds_the_quiz(client, make_user, school, quiz_lesson):
    quiz, lesson, course = quiz_lesson
    student = make_user("nong-quiz", "student", school=school)
    enrol(student, course)
    client.force_login(student)
    html = client.get(lesson.url).content.decode()
    assert f'data-quiz-ref="{quiz_bridge.ref_for(quiz)}"' in html
    assert quiz.title in html and "quiz-unavailable" not in html


def test_passing_the_quiz_completes_the_lesson(
    make_user, school, quiz_lesson, eager_tasks, django_capture_on_commit_callbacks
):
    quiz, lesson, course = quiz_lesson
    student = make_user("nong-pass", "student", school=school)
    enrol(student, course)
    with django_capture_on_commit_callbacks(execute=True):
        attempt = start_attempt(quiz, student, "k-1")
        for slot in attempt.slots.all():
            right = next(c["id"] for c in slot.version.data["choices"] if c["fraction"] == 1)
            save_answer(attempt.pk, slot.position, right, 1)
        submit_attempt(attempt.pk)
    assert quiz_bridge.passed(student, quiz_bridge.ref_for(quiz))
    progress = LessonProgress.objects.get(user=student, lesson=lesson)
    assert progress.completed_at is not None
