"""The quiz seam: lessons hold quiz references; results arrive by signal."""

import pytest

from core.signals import quiz_attempt_finished
from khlang.celery import app
from lms import quiz_bridge
from lms.actions import enrol, open_lesson, record_quiz_result
from lms.models import LessonProgress, LessonQuiz
from tests.lms.builders import build_course, lessons_of

pytestmark = pytest.mark.django_db


class FakeQuiz:
    """Stands in for the exam bank's model: anything with _meta and pk."""

    class _meta:  # noqa: N801
        app_label = "exambank"
        model_name = "quiz"

    def __init__(self, pk):
        self.pk = pk


def quiz_body(ref, required=True):
    return [
        {"type": "text", "value": "<p>ทำแบบทดสอบ</p>"},
        {"type": "quiz", "value": {"quiz": ref, "required_to_complete": required}},
    ]


@pytest.fixture
def quiz_course(index):
    return build_course(
        index,
        units=[("always", [("แบบทดสอบ", "quiz", {"body": quiz_body("exambank.quiz:7")})])],
    )


@pytest.fixture
def eager_tasks():
    before = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = before


def test_references_are_stable_strings():
    assert quiz_bridge.ref_for(FakeQuiz(7)) == "exambank.quiz:7"
    assert quiz_bridge.ref_for("exambank.quiz:7") == "exambank.quiz:7"


def test_saving_a_lesson_links_its_quizzes(quiz_course):
    lesson = lessons_of(quiz_course)[0]
    assert list(LessonQuiz.objects.values_list("lesson_id", "ref", "required")) == [
        (lesson.pk, "exambank.quiz:7", True)
    ]


def test_without_an_exam_bank_the_block_says_so(client, student, quiz_course):
    enrol(student, quiz_course)
    client.force_login(student)
    page = client.get(lessons_of(quiz_course)[0].url).content.decode()
    assert 'class="callout callout-warning quiz-unavailable"' in page
    assert quiz_bridge.choices() == []


def test_a_registered_provider_renders_the_quiz(client, student, quiz_course):
    class Provider:
        def choices(self):
            return [("exambank.quiz:7", "แบบทดสอบเศษส่วน")]

        def lookup(self, ref):
            return FakeQuiz(7) if ref == "exambank.quiz:7" else None

        def render(self, quiz, request, lesson):
            return f'<a href="/exams/{quiz.pk}/" data-lesson="{lesson.pk}">เริ่มทำแบบทดสอบ</a>'

        def passed(self, user, quiz):
            return False

    installed = quiz_bridge.provider()
    quiz_bridge.register(Provider())
    try:
        enrol(student, quiz_course)
        client.force_login(student)
        page = client.get(lessons_of(quiz_course)[0].url).content.decode()
        assert 'href="/exams/7/"' in page and "quiz-unavailable" not in page
        assert quiz_bridge.choices() == [("exambank.quiz:7", "แบบทดสอบเศษส่วน")]
    finally:
        quiz_bridge.register(installed)


def test_passing_the_quiz_by_signal_completes_the_lesson(
    student, quiz_course, eager_tasks, django_capture_on_commit_callbacks
):
    enrolment = enrol(student, quiz_course)
    lesson = lessons_of(quiz_course)[0]
    open_lesson(student, lesson, enrolment)
    with django_capture_on_commit_callbacks(execute=True):
        quiz_attempt_finished.send(
            sender=FakeQuiz, user=student, quiz=FakeQuiz(7), attempt=None, score=0.4, passed=False
        )
    progress = LessonProgress.objects.get(user=student, lesson=lesson)
    assert progress.quiz_scores == {"exambank.quiz:7": 0.4} and not progress.is_complete
    with django_capture_on_commit_callbacks(execute=True):
        quiz_attempt_finished.send(
            sender=FakeQuiz, user=student, quiz=FakeQuiz(7), attempt=None, score=0.8, passed=True
        )
    progress.refresh_from_db()
    assert progress.is_complete and progress.quiz_scores == {"exambank.quiz:7": 0.8}
    enrolment.refresh_from_db()
    assert enrolment.progress_percent == 100


def test_a_lower_later_score_keeps_the_best(student, quiz_course):
    enrol(student, quiz_course)
    record_quiz_result(student, "exambank.quiz:7", 0.9, True)
    record_quiz_result(student, "exambank.quiz:7", 0.2, False)
    progress = LessonProgress.objects.get(user=student)
    assert progress.quiz_scores == {"exambank.quiz:7": 0.9} and progress.is_complete


def test_results_for_courses_not_enrolled_are_ignored(student, quiz_course):
    assert record_quiz_result(student, "exambank.quiz:7", 1.0, True) == 0
    assert not LessonProgress.objects.exists()


def test_media_center_watch_reports_count(
    student, index, eager_tasks, django_capture_on_commit_callbacks
):
    from core.signals import media_watch_progress
    from tests.lms.builders import make_media, video_body

    media = make_media(duration=40.0)
    course = build_course(
        index,
        units=[("always", [("คลิป", "video", {"video_percent": 90, "body": video_body(media)})])],
    )
    lesson = lessons_of(course)[0]
    open_lesson(student, lesson, enrol(student, course))
    with django_capture_on_commit_callbacks(execute=True):
        media_watch_progress.send(
            sender=type(media), user=student, media_item=media, seconds_watched=37, duration=40
        )
    assert LessonProgress.objects.get(user=student, lesson=lesson).is_complete


def test_a_draft_with_another_quiz_leaves_the_live_lesson_alone(quiz_course):
    lesson = lessons_of(quiz_course)[0]
    lesson.body = quiz_body("exambank.quiz:8")
    revision = lesson.save_revision()
    assert list(LessonQuiz.objects.values_list("ref", flat=True)) == ["exambank.quiz:7"]
    revision.publish()
    assert list(LessonQuiz.objects.values_list("ref", flat=True)) == ["exambank.quiz:8"]
