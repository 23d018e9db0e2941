"""A course's live classes and recordings, the calendar's recorded entry, the KPI."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from core import roles
from core.models import School
from live.models import Audience, LiveAttendance, LiveSession, State
from media_center.models import MediaItem, Status, Visibility
from tests.lms.builders import build_course, courses_index

pytestmark = pytest.mark.django_db


@pytest.fixture
def course_sessions(school, make_user):
    course = build_course(courses_index(), units=[("always", [("อ่าน", "viewed", {})])],
                          owner_school=school)  # fmt: skip
    teacher = make_user("kru", roles.TEACHER, school=school)
    recording = MediaItem.objects.create(
        title="บันทึกคาบที่หนึ่ง", type="video", licence="education", copyright_holder="สพป.",
        duration=60, owner_school=school, visibility=Visibility.SCHOOL, status=Status.READY,
        uploaded_by_user=teacher,
    )  # fmt: skip
    now = timezone.now()

    def make(title, state, hours, **fields):
        return LiveSession.objects.create(
            title=title, school=school, course=course, teacher=teacher, state=state,
            starts_at=now + dt.timedelta(hours=hours),
            ends_at=now + dt.timedelta(hours=hours + 1), **fields,
        )  # fmt: skip

    return {
        "course": course,
        "recording": recording,
        "recorded": make("คาบที่หนึ่ง", State.RECORDED, -30, recording=recording),
        "coming": make("คาบที่สอง", State.SCHEDULED, 20),
        "elsewhere": LiveSession.objects.create(
            title="คาบของวิชาอื่น",
            school=school,
            state=State.RECORDED,
            recording=recording,
            starts_at=now - dt.timedelta(hours=5),
            ends_at=now - dt.timedelta(hours=4),
        ),
    }


def test_the_course_page_lists_its_live_classes_and_links_each_recording(
    course_sessions, make_user, school
):
    student = make_user("nak", roles.STUDENT, school=school)
    client = Client()
    client.force_login(student)
    html = client.get(course_sessions["course"].url).content.decode()
    assert 'id="course-live"' in html and "การสอนสดของรายวิชานี้" in html
    recording_url = reverse("media_center:detail", args=[course_sessions["recording"].pk])
    assert f'href="{recording_url}"' in html and "คาบที่หนึ่ง" in html
    assert "คาบที่สอง" in html
    assert "คาบของวิชาอื่น" not in html  # another course's session stays on its own page


def test_a_course_without_live_classes_shows_no_panel(school, make_user):
    course = build_course(courses_index(), units=[("always", [("อ่าน", "viewed", {})])],
                          owner_school=school)  # fmt: skip
    client = Client()
    client.force_login(make_user("nak", roles.STUDENT, school=school))
    assert 'id="course-live"' not in client.get(course.url).content.decode()


def test_a_student_of_another_school_sees_none_of_its_sessions(course_sessions, make_user, school):
    other = School.objects.create(code="1000000009", name="อื่น", network=school.network)
    from live.panels import course_panel

    request = type("R", (), {"user": make_user("out", roles.STUDENT, school=other)})()
    assert course_panel(request, course_sessions["course"]) is None


def test_the_calendar_leads_a_recorded_class_to_its_recording(course_sessions, make_user, school):
    from notifications.due import due_items

    student = make_user("nak", roles.STUDENT, school=school)
    now = timezone.now()
    items = {
        i.title: i
        for i in due_items(student, now - dt.timedelta(days=3), now + dt.timedelta(days=3))
    }
    recording_url = reverse("media_center:detail", args=[course_sessions["recording"].pk])
    assert items["คาบที่หนึ่ง"].url == recording_url
    assert items["คาบที่สอง"].url == reverse("live:session", args=[course_sessions["coming"].pk])


def test_the_kpi_counts_schools_whose_people_watched_live(course_sessions, make_user, school):
    from reports.kpis import dashboard, refresh_snapshots
    from reports.periods import current_fiscal_year
    from reports.registry import Period, get_counter

    other = School.objects.create(code="1000000009", name="โรงเรียนบ้านไกล", network=school.network)
    session = course_sessions["recorded"]
    session.audience = Audience.AREA
    session.save()
    for name, where, seconds in [("a", school, 600), ("b", school, 120), ("c", other, 0)]:
        LiveAttendance.objects.create(
            session=session, user=make_user(name, roles.STUDENT, school=where), school=where,
            seconds=seconds,
        )  # fmt: skip
    year = current_fiscal_year(session.starts_at)
    result = get_counter("live_schools")(Period.for_fiscal_year(year))
    assert result.value == 1  # a school whose one viewer played nothing is not counted
    assert result.items[0].label == school.name and "12" in result.items[0].detail
    assert result.breakdown == {school.network.name: 1}
    assert result == get_counter("live_schools")(Period.for_fiscal_year(year))  # stable
    assert get_counter("live_schools")(Period.for_fiscal_year(year - 1)).value == 0
    assert "live_schools" in refresh_snapshots(year)
    assert {s.kpi.code: s.value for s in dashboard(year)}["live_schools"] == 1
