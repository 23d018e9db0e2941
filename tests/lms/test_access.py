"""Who may enrol, and which lessons open: rules and the pages that apply them."""

import datetime as dt

import pytest
from django.utils import timezone

from lms.access import LessonEntry, Outline, UnitEntry, apply_unlocks, course_outline, enrol_refusal
from lms.actions import enrol, open_lesson
from tests.lms.builders import lessons_of

OPEN = dict(
    authenticated=True,
    enrol_open=True,
    key_required="",
    key_given=None,
    cohort_school_ids=set(),
    user_school_id=1,
    is_teacher=False,
    course_for_teachers=False,
)


def test_open_course_admits_anyone_logged_in():
    assert enrol_refusal(**OPEN) is None
    assert "log in" in enrol_refusal(**{**OPEN, "authenticated": False})


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"enrol_open": False}, "teacher enrols"),
        ({"key_required": "ก1234", "key_given": "x"}, "key is wrong"),
        ({"cohort_school_ids": {2, 3}}, "some schools"),
        ({"course_for_teachers": True}, "for teachers"),
    ],
)
def test_refusals_say_why_in_thai_then_english(change, words):
    message = enrol_refusal(**{**OPEN, **change})
    thai, english = message.split(" / ")
    assert any("\u0e00" <= ch <= "\u0e7f" for ch in thai)
    assert words in english


def test_right_key_and_cohort_school_admit():
    assert enrol_refusal(**{**OPEN, "key_required": "ก1234", "key_given": " ก1234 "}) is None
    assert enrol_refusal(**{**OPEN, "cohort_school_ids": {1, 2}}) is None
    assert enrol_refusal(**{**OPEN, "course_for_teachers": True, "is_teacher": True}) is None


def _units(*rules, complete=()):
    units = []
    for i, rule in enumerate(rules):
        unit = UnitEntry(id=i, title=str(i), unlock_rule=rule, unlock_at=None)
        unit.lessons.append(LessonEntry(id=i, title="", url="", unit_id=i, complete=i in complete))
        units.append(unit)
    return units


def test_previous_rule_opens_one_unit_at_a_time():
    now = timezone.now()
    units = _units("always", "previous", "previous")
    apply_unlocks(units, now)
    assert [u.locked for u in units] == [False, True, True]
    units = _units("always", "previous", "previous", complete={0})
    apply_unlocks(units, now)
    assert [u.locked for u in units] == [False, False, True]
    assert Outline(units).next_lesson().id == 1


def test_date_rule_opens_on_the_date():
    units = _units("always", "date")
    units[1].unlock_at = timezone.now() + dt.timedelta(hours=1)
    apply_unlocks(units, timezone.now())
    assert units[1].locked and units[1].lessons[0].locked
    apply_unlocks(units, timezone.now() + dt.timedelta(hours=2))
    assert not units[1].locked


@pytest.mark.django_db
def test_outline_follows_progress(course, student):
    enrolment = enrol(student, course)
    first, second, third = lessons_of(course)
    outline = course_outline(course, student)
    assert [le.id for le in outline.lessons] == [first.pk, second.pk, third.pk]
    assert outline.lesson(third.pk).locked
    open_lesson(student, first, enrolment)  # "viewed" completes it
    outline = course_outline(course, student)
    assert outline.lesson(first.pk).complete and outline.percent == 33
    assert outline.next_lesson().id == second.pk
    assert outline.lesson(third.pk).locked


@pytest.mark.django_db
def test_lesson_needs_login_and_enrolment(client, course, student):
    lesson = lessons_of(course)[0]
    response = client.get(lesson.url)
    assert response.status_code == 302 and "/login" in response.url
    client.force_login(student)
    response = client.get(lesson.url)
    assert response.status_code == 302 and response.url == course.url


@pytest.mark.django_db
def test_locked_lesson_is_refused_with_a_reason(client, course, student):
    enrol(student, course)
    client.force_login(student)
    locked = lessons_of(course)[2]
    response = client.get(locked.url)
    assert response.status_code == 403
    assert "This lesson is not open yet." in response.content.decode() or "ยังไม่เปิด" in (
        response.content.decode()
    )


@pytest.mark.django_db
def test_editors_preview_without_enrolling_and_nothing_is_tracked(client, course, make_user):
    from lms.models import LessonProgress

    admin = make_user("boss", is_superuser=True, is_staff=True)
    client.force_login(admin)
    response = client.get(lessons_of(course)[2].url)
    assert response.status_code == 200
    assert not LessonProgress.objects.exists()
