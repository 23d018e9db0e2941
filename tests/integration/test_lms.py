"""The learning side on PostgreSQL, Redis and a real Celery worker."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connection
from django.utils import timezone

from core import roles
from core.demo import DEMO_PASSWORD
from core.models import GradeLevel, School, User
from lms.actions import enrol, open_lesson, record_heartbeat
from lms.completion import covered_seconds, normalise_ranges
from lms.models import CoursePage, Enrolment, LessonProgress
from tests.lms.builders import build_course, courses_index, lessons_of, make_media, video_body

from .conftest import wait_until

pytestmark = pytest.mark.integration


@pytest.fixture(autouse=True)
def fresh_cache():
    """Lesson facts and outlines are cached by id; ids repeat after a flush."""
    from django.core.cache import cache

    cache.clear()


def _students(count: int, school, grade, room="1"):
    students = []
    for n in range(count):
        user = User.objects.create_user(
            username=f"s{grade.slug}-{room}-{n}",
            password="x",
            school=school,
            grade_level=grade,
            classroom=room,
        )
        roles.assign_role(user, roles.STUDENT)
        students.append(user)
    return students


@pytest.mark.django_db(transaction=True)
def test_teacher_enrols_a_class_and_reads_the_report(client, demo_site):
    course = CoursePage.objects.get(slug="math-p5-fractions")
    school = School.objects.get(code="1058100001")
    grade = GradeLevel.objects.get(code="ป.5")
    students = _students(5, school, grade)
    _students(2, school, grade, room="2")
    assert client.login(username="teacher", password=DEMO_PASSWORD)
    client.post(
        f"/lms/courses/{course.pk}/enrol-class/", {"grade_level": grade.pk, "classroom": "1"}
    )
    # The demo student is in ป.5/1 too.
    assert Enrolment.objects.filter(course=course, source="class").count() == 6
    first = lessons_of(course)[0]
    for student in students[:3]:
        open_lesson(student, first, Enrolment.objects.get(user=student, course=course))
    response = client.get(f"/lms/courses/{course.pk}/report/?grade={grade.pk}&room=1&format=csv")
    lines = response.content.decode("utf-8-sig").splitlines()
    assert len(lines) == 1 + 6
    done = [line for line in lines[1:] if ",เสร็จ (done)," in line]
    assert len(done) == 3
    again = client.post(
        f"/lms/courses/{course.pk}/enrol-class/", {"grade_level": grade.pk, "classroom": "1"}
    )
    assert again.status_code == 302
    assert Enrolment.objects.filter(course=course).count() == 6


@pytest.mark.django_db(transaction=True)
def test_concurrent_heartbeats_never_lose_watched_ranges(area, school):
    """Tabs report different parts at once; the row lock keeps every part.

    Each part fits the grace allowance, so only a lost update could drop one.
    """
    assert connection.vendor == "postgresql"
    media = make_media(duration=200.0)
    course = build_course(
        courses_index(),
        units=[("always", [("คลิป", "video", {"video_percent": 95, "body": video_body(media)})])],
    )
    lesson = lessons_of(course)[0]
    student = _students(1, school, GradeLevel.objects.get(code="ป.5"))[0]
    start = timezone.now() - dt.timedelta(hours=1)
    open_lesson(student, lesson, enrol(student, course), now=start)
    barrier = threading.Barrier(4)
    errors = []

    def report(n: int):
        try:
            barrier.wait(timeout=10)
            record_heartbeat(student, lesson.pk, str(media.pk), [[n * 40, n * 40 + 20]], 0, 200)
        except Exception as error:  # surfaced below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=report, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not errors
    progress = LessonProgress.objects.get(user=student, lesson=lesson)
    ranges = normalise_ranges(progress.watched[str(media.pk)])
    assert covered_seconds(ranges) == 80 == progress.watched_seconds


@pytest.mark.django_db(transaction=True)
def test_a_passed_quiz_completes_the_lesson_through_the_worker(celery_worker_process, area, school):
    from core.signals import quiz_attempt_finished

    quiz_body = [
        {"type": "quiz", "value": {"quiz": "exambank.quiz:42", "required_to_complete": True}}
    ]
    course = build_course(
        courses_index(), units=[("always", [("สอบ", "quiz", {"body": quiz_body})])]
    )
    lesson = lessons_of(course)[0]
    student = _students(1, school, GradeLevel.objects.get(code="ป.6"))[0]
    open_lesson(student, lesson, enrol(student, course))

    class Quiz:
        class _meta:  # noqa: N801
            app_label, model_name = "exambank", "quiz"

        pk = 42

    quiz_attempt_finished.send(
        sender=Quiz, user=student, quiz=Quiz(), attempt=None, score=0.9, passed=True
    )
    progress = wait_until(
        lambda: LessonProgress.objects.filter(lesson=lesson, completed_at__isnull=False).first(),
        what="the worker to complete the quiz lesson",
    )
    assert progress.quiz_scores == {"exambank.quiz:42": 0.9}
    assert Enrolment.objects.get(user=student, course=course).progress_percent == 100
