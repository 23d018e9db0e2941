"""Heartbeats, completion by each rule, the resume point and course totals."""

import datetime as dt
import json

import pytest
from django.utils import timezone

from core.models import UsageEvent
from lms.actions import (
    USAGE_FLUSH_SECONDS,
    enrol,
    mark_done,
    open_lesson,
    record_heartbeat,
    refresh_enrolment,
)
from lms.models import Enrolment, EnrolmentEvent, LessonPage, LessonProgress
from tests.lms.builders import build_course, lessons_of, make_media, video_body

pytestmark = pytest.mark.django_db


@pytest.fixture
def video_lesson(index, school):
    media = make_media(duration=100.0)
    course = build_course(
        index,
        units=[("always", [("คลิป", "video", {"video_percent": 80, "body": video_body(media)})])],
    )
    lesson = lessons_of(course)[0]
    return course, lesson, media


def _post(client, **data):
    return client.post("/lms/heartbeat/", json.dumps(data), content_type="application/json")


def test_lesson_remembers_its_videos(video_lesson):
    _course, lesson, media = video_lesson
    assert lesson.tracked_media == [str(media.pk)]


def test_heartbeat_needs_an_opened_lesson(client, student, video_lesson):
    _course, lesson, media = video_lesson
    client.force_login(student)
    response = _post(client, lesson=lesson.pk, media=media.pk, ranges=[[0, 10]])
    assert response.status_code == 404


def test_bad_reports_get_a_thai_then_english_message(client, student):
    client.force_login(student)
    response = _post(client, media=1, ranges=[[0, 1]])
    assert response.status_code == 400
    assert "ไม่ถูกต้อง" in response.json()["error"] and "bad watch report" in response.json()["error"]
    response = client.post("/lms/heartbeat/", "not json", content_type="application/json")
    assert response.status_code == 400


def test_watching_with_seeks_completes_at_the_threshold(client, student, video_lesson):
    course, lesson, media = video_lesson
    enrolment = enrol(student, course)
    start = timezone.now() - dt.timedelta(minutes=5)
    open_lesson(student, lesson, enrolment, now=start)
    # 0–50 s, a seek back to 20 and on to 70: 70 distinct seconds of 100.
    result = record_heartbeat(
        student, lesson.pk, str(media.pk), [[0, 50]], 50, 100, now=start + dt.timedelta(seconds=50)
    )
    assert result.watched_seconds == 50 and not result.complete
    result = record_heartbeat(
        student, lesson.pk, str(media.pk), [[0, 70]], 70, 100, now=start + dt.timedelta(seconds=100)
    )
    assert result.watched_seconds == 70 and result.fraction == 0.7 and not result.complete
    # The same report again (a retry) adds nothing.
    result = record_heartbeat(
        student, lesson.pk, str(media.pk), [[0, 70]], 70, 100, now=start + dt.timedelta(seconds=101)
    )
    assert result.watched_seconds == 70
    result = record_heartbeat(
        student,
        lesson.pk,
        str(media.pk),
        [[0, 70], [75, 86]],
        86,
        100,
        now=start + dt.timedelta(seconds=120),
    )
    assert result.complete and result.watched_seconds == 81
    progress = LessonProgress.objects.get(user=student, lesson=lesson)
    assert progress.completed_at is not None and progress.position == 86
    enrolment.refresh_from_db()
    assert enrolment.progress_percent == 100 and enrolment.completed_at is not None
    assert UsageEvent.objects.filter(action="complete", service="elearning").count() == 2


def test_a_forged_full_report_is_not_credited_at_once(student, video_lesson):
    course, lesson, media = video_lesson
    enrolment = enrol(student, course)
    now = timezone.now()
    open_lesson(student, lesson, enrolment, now=now)
    result = record_heartbeat(
        student, lesson.pk, str(media.pk), [[0, 100]], 100, 100, now=now + dt.timedelta(seconds=1)
    )
    assert result.watched_seconds < 30 and not result.complete


def test_media_length_comes_from_the_library_not_the_player(student, video_lesson):
    course, lesson, media = video_lesson
    enrolment = enrol(student, course)
    now = timezone.now() - dt.timedelta(minutes=10)
    open_lesson(student, lesson, enrolment, now=now)
    result = record_heartbeat(
        student, lesson.pk, str(media.pk), [[0, 9]], 9, 10, now=now + dt.timedelta(seconds=60)
    )
    assert result.fraction == 0.09 and not result.complete


def test_watch_time_reaches_usage_in_chunks(student, video_lesson):
    course, lesson, media = video_lesson
    enrolment = enrol(student, course)
    t = timezone.now() - dt.timedelta(minutes=10)
    open_lesson(student, lesson, enrolment, now=t)
    record_heartbeat(
        student, lesson.pk, str(media.pk), [[0, 15]], 15, None, now=t + dt.timedelta(seconds=15)
    )
    assert not UsageEvent.objects.filter(action="watch").exists()
    record_heartbeat(
        student, lesson.pk, str(media.pk), [[0, 65]], 65, None, now=t + dt.timedelta(seconds=65)
    )
    watch = UsageEvent.objects.get(action="watch")
    assert watch.seconds == 65 >= USAGE_FLUSH_SECONDS and watch.user_id == student.pk


def test_heartbeat_for_another_media_is_refused(student, video_lesson):
    course, lesson, media = video_lesson
    open_lesson(student, lesson, enrol(student, course))
    assert record_heartbeat(student, lesson.pk, "999999", [[0, 5]]) is None


def test_viewed_rule_and_resume_point(client, student, course):
    first, second, _third = lessons_of(course)
    client.post(f"/lms/courses/{course.pk}/enrol/")  # anonymous: login first
    assert not Enrolment.objects.exists()
    client.force_login(student)
    client.post(f"/lms/courses/{course.pk}/enrol/")
    assert client.get(second.url).status_code == 200
    enrolment = Enrolment.objects.get(user=student)
    assert enrolment.last_lesson_id == second.pk
    assert LessonProgress.objects.get(lesson=second).completed_at is None  # video rule
    assert client.get(first.url).status_code == 200
    assert LessonProgress.objects.get(lesson=first).completed_at is not None
    page = client.get("/lms/my/").content.decode()
    assert first.title in page and "33%" in page


def test_manual_rule_and_unit_unlock(client, student, course):
    first, second, third = lessons_of(course)
    enrolment = enrol(student, course)
    open_lesson(student, first, enrolment)
    progress = LessonProgress.objects.get(user=student, lesson=first)
    assert progress.is_complete
    # Unit 2 opens only when unit 1 is complete: complete the video lesson by hand.
    open_lesson(student, second, enrolment)
    LessonProgress.objects.filter(lesson=second).update(completed_at=timezone.now())
    client.force_login(student)
    assert client.get(third.url).status_code == 200
    assert mark_done(student, third).is_complete
    enrolment = refresh_enrolment(student.pk, course.pk)
    assert enrolment.progress_percent == 100


def test_unenrol_keeps_history_and_progress(client, student, course):
    first = lessons_of(course)[0]
    enrolment = enrol(student, course)
    open_lesson(student, first, enrolment)
    client.force_login(student)
    client.post(f"/lms/courses/{course.pk}/unenrol/")
    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.UNENROLLED and enrolment.unenrolled_at
    assert LessonProgress.objects.filter(user=student).count() == 1
    assert client.get(first.url).status_code == 302  # no longer open
    client.post(f"/lms/courses/{course.pk}/enrol/")
    enrolment.refresh_from_db()
    assert enrolment.is_active
    assert list(
        EnrolmentEvent.objects.filter(enrolment=enrolment).values_list("action", flat=True)
    ) == [
        "enrol",
        "unenrol",
        "enrol",
    ]
    assert LessonProgress.objects.get(user=student, lesson=first).is_complete


def test_enrolment_key(client, student, index):
    course = build_course(index, units=[("always", [("ก", "viewed", {})])], enrolment_key="ลับ55")
    client.force_login(student)
    client.post(f"/lms/courses/{course.pk}/enrol/", {"key": "ผิด"})
    assert not Enrolment.objects.exists()
    client.post(f"/lms/courses/{course.pk}/enrol/", {"key": "ลับ55"})
    assert Enrolment.objects.get().source == Enrolment.Source.KEY


def test_teacher_enrols_a_class(client, teacher, student, course, make_user, school):
    from core import roles
    from core.models import GradeLevel

    other_room = make_user(
        "stu2", roles.STUDENT, school=school, grade_level=student.grade_level, classroom="2"
    )
    client.force_login(teacher)
    grade = GradeLevel.objects.get(code="ป.5")
    response = client.post(
        f"/lms/courses/{course.pk}/enrol-class/", {"grade_level": grade.pk, "classroom": "1"}
    )
    assert response.status_code == 302
    assert list(Enrolment.objects.values_list("user__username", "source")) == [("stu1", "class")]
    assert not Enrolment.objects.filter(user=other_room).exists()


def test_students_cannot_enrol_classes(client, student, course):
    from core.models import GradeLevel

    client.force_login(student)
    grade = GradeLevel.objects.get(code="ป.5")
    response = client.post(f"/lms/courses/{course.pk}/enrol-class/", {"grade_level": grade.pk})
    assert response.status_code == 403


def test_saving_a_lesson_refreshes_cached_facts(course):
    from lms.facts import lesson_facts

    lesson = lessons_of(course)[0]
    assert lesson_facts(lesson.pk).rule == "viewed"
    lesson = LessonPage.objects.get(pk=lesson.pk)
    lesson.completion_rule = "manual"
    lesson.save()
    assert lesson_facts(lesson.pk).rule == "manual"


def test_moving_a_unit_moves_its_lessons_to_the_other_course(index, course):
    from lms.access import course_outline
    from lms.models import UnitPage

    other = build_course(index, units=[("always", [("อื่น", "viewed", {})])], slug="other")
    unit = UnitPage.objects.get(course=course, slug="u2")
    lesson = lessons_of(course)[2]
    assert len(course_outline(other, student_anonymous()).lessons) == 1
    unit.move(other, pos="last-child")
    assert LessonPage.objects.get(pk=lesson.pk).course_id == other.pk
    assert UnitPage.objects.get(pk=unit.pk).course_id == other.pk
    assert [le.id for le in course_outline(other, student_anonymous()).lessons][-1] == lesson.pk
    assert lesson.pk not in [le.id for le in course_outline(course, student_anonymous()).lessons]


def student_anonymous():
    from django.contrib.auth.models import AnonymousUser

    return AnonymousUser()


def test_dashboard_next_skips_units_that_open_later(client, student, index):
    from lms.models import UnitPage

    course = build_course(
        index,
        units=[
            ("always", [("เปิดแล้ว", "viewed", {})]),
            ("date", [("ยังไม่ถึงวัน", "viewed", {})]),
            ("always", [("เรียนได้เลย", "viewed", {})]),
        ],
    )
    UnitPage.objects.filter(course=course, slug="u2").update(
        unlock_at=timezone.now() + dt.timedelta(days=3)
    )
    first = lessons_of(course)[0]
    open_lesson(student, first, enrol(student, course))
    client.force_login(student)
    page = client.get("/lms/my/").content.decode()
    assert "เรียนได้เลย" in page and "ยังไม่ถึงวัน" not in page
