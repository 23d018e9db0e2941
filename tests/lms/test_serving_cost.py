"""What a lesson page, the dashboard and a heartbeat cost, and that the caches
behind them never show what a learner may not see."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from lms.actions import enrol, open_lesson
from tests.lms.builders import build_course, lessons_of, make_media, video_body

pytestmark = pytest.mark.django_db

# Statements that do work (transaction bookkeeping and the request log, which
# is written in batches in production, are left out): session, user, lesson,
# enrolment, progress rows, the opening's three writes (progress, enrolment,
# usage event), and the two permission reads of the site's header. (PostgreSQL
# adds one SET LOCAL to the writes: lms.actions._commit_without_waiting_for_disk.)
LESSON_PAGE_STATEMENTS = 10
DASHBOARD_STATEMENTS = 7  # session, user, enrolments, progress, 2 permissions, certificates
HEARTBEAT_STATEMENTS = 4  # session, user, the locked read and the UPDATE of one row


def _statements(captured) -> list[str]:
    bookkeeping = ("SAVEPOINT", "RELEASE SAVEPOINT", "BEGIN", "COMMIT", "ROLLBACK")
    return [
        q["sql"]
        for q in captured.captured_queries
        if not q["sql"].startswith(bookkeeping) and "core_accesslog" not in q["sql"]
    ]


def _playable(media):
    """As the media center leaves an item once it is encoded."""
    media.rendition_version = "v1"
    media.rendition_info = {"download": "download.mp4"}
    media.save()
    return media


def _course_with(index, lessons_per_unit: int, media, slug: str):
    lessons = [
        (f"บท {n}", "video", {"body": video_body(media, text=f"<p>เนื้อหา {n}</p>")})
        for n in range(lessons_per_unit)
    ]
    return build_course(index, units=[("always", lessons), ("always", lessons)], slug=slug)


def _warm_queries(client, url) -> list[str]:
    assert client.get(url).status_code == 200  # fills the shared caches
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return _statements(captured)


def test_lesson_page_queries_stay_flat_as_courses_grow(client, index, student):
    media = make_media(duration=60.0)
    small = _course_with(index, 2, media, "small")
    large = _course_with(index, 8, media, "large")
    enrol(student, small)
    enrol(student, large)
    client.force_login(student)
    counts = {}
    for course in (small, large):
        sql = _warm_queries(client, lessons_of(course)[1].url)
        counts[course.slug] = len(sql)
        # No walk down the page tree, no site lookup, no media query per block.
        assert not [q for q in sql if "wagtailcore_site" in q or "core_homepage" in q], sql
        assert not [q for q in sql if "media_center_mediaitem" in q], sql
    assert counts["small"] == counts["large"] <= LESSON_PAGE_STATEMENTS, counts


def test_dashboard_queries_stay_flat_with_more_courses(client, index, student):
    media = make_media()
    courses = [_course_with(index, 2, media, f"d{n}") for n in range(4)]
    client.force_login(student)
    counts = []
    for course in courses[:1], courses[1:]:
        for each in course:
            enrol(student, each)
        client.get("/lms/my/")
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/lms/my/").status_code == 200
        counts.append(len(_statements(captured)))
    assert counts[0] == counts[1] <= DASHBOARD_STATEMENTS, counts


def test_heartbeat_touches_only_the_progress_row(client, index, student):
    media = make_media(duration=60.0)
    course = _course_with(index, 1, media, "hb")
    enrolment = enrol(student, course)
    lesson = lessons_of(course)[0]
    open_lesson(student, lesson, enrolment)
    client.force_login(student)
    report = {"lesson": lesson.pk, "media": media.pk, "ranges": [[0, 5]], "duration": 60}
    client.post("/lms/heartbeat/", json.dumps(report), content_type="application/json")
    report["ranges"] = [[0, 10]]
    with CaptureQueriesContext(connection) as captured:
        response = client.post(
            "/lms/heartbeat/", json.dumps(report), content_type="application/json"
        )
    assert response.status_code == 200
    tables = " ".join(q["sql"] for q in captured.captured_queries)
    assert "wagtailcore_page" not in tables and "lms_enrolment" not in tables
    assert len(_statements(captured)) <= HEARTBEAT_STATEMENTS


def test_publishing_shows_the_new_body_at_once(client, course, student):
    enrol(student, course)
    client.force_login(student)
    lesson = lessons_of(course)[0]
    assert "อ่าน" in client.get(lesson.url).content.decode()
    lesson.body = [{"type": "text", "value": "<p>ฉบับปรับปรุงใหม่</p>"}]
    lesson.save_revision().publish()
    page = client.get(lesson.url).content.decode()
    assert "ฉบับปรับปรุงใหม่" in page
    lesson.body = [{"type": "text", "value": "<p>แก้ตรงในฐานข้อมูล</p>"}]
    lesson.save()  # a save without a revision drops the render too
    assert "แก้ตรงในฐานข้อมูล" in client.get(lesson.url).content.decode()


def test_a_video_that_finishes_encoding_is_rendered_again(client, index, student):
    media = make_media(title="คลิปเดิม")
    course = build_course(index, units=[("always", [("ดู", "viewed", {"body": video_body(media)})])])
    enrol(student, course)
    client.force_login(student)
    url = lessons_of(course)[0].url
    assert "data-lms-media" not in client.get(url).content.decode()  # still being prepared
    _playable(media)
    page = client.get(url).content.decode()
    assert "data-lms-media" in page and "คลิปเดิม" in page
    media.title = "คลิปชื่อใหม่"
    media.save()
    assert "คลิปชื่อใหม่" in client.get(url).content.decode()


def test_watch_reporting_is_only_rendered_for_enrolled_learners(client, index, make_user, student):
    media = _playable(make_media())
    course = build_course(index, units=[("always", [("ดู", "video", {"body": video_body(media)})])])
    url = lessons_of(course)[0].url
    enrol(student, course)
    client.force_login(student)
    assert "data-heartbeat" in client.get(url).content.decode()
    editor = make_user("boss", is_superuser=True, is_staff=True)
    client.force_login(editor)  # previews: the same cached lesson, nothing tracked
    page = client.get(url).content.decode()
    assert "data-heartbeat" not in page and "data-lms-media" in page


def test_a_locked_unit_stays_locked_when_others_have_warmed_the_caches(
    client, course, student, make_user, school
):
    from django.utils import timezone

    from core import roles
    from lms.models import LessonProgress

    ahead = make_user("ahead", roles.STUDENT, school=school)
    first, second, locked = lessons_of(course)
    enrolment = enrol(ahead, course)
    open_lesson(ahead, first, enrolment)  # "viewed": complete
    open_lesson(ahead, second, enrolment)
    LessonProgress.objects.filter(user=ahead, lesson=second).update(completed_at=timezone.now())
    client.force_login(ahead)
    opened = client.get(locked.url)
    assert opened.status_code == 200 and "lesson-text" in opened.content.decode()
    enrol(student, course)
    client.force_login(student)
    response = client.get(locked.url)  # route, body and outline are all cached now
    assert response.status_code == 403
    assert "lesson-text" not in response.content.decode()
    assert not LessonProgress.objects.filter(user=student, lesson=locked).exists()


def test_a_view_restriction_added_later_applies_to_cached_routes(client, course, student):
    from django.contrib.auth.models import Group
    from wagtail.models import PageViewRestriction

    enrol(student, course)
    client.force_login(student)
    url = lessons_of(course)[0].url
    assert client.get(url).status_code == 200
    restriction = PageViewRestriction.objects.create(page=course, restriction_type="groups")
    restriction.groups.add(Group.objects.create(name="ครูเท่านั้น"))
    assert client.get(url).status_code == 302  # to the login page, as Wagtail does
    restriction.delete()
    assert client.get(url).status_code == 200


def test_an_unpublished_lesson_is_gone_even_with_a_cached_route(client, course, student):
    enrol(student, course)
    client.force_login(student)
    lesson = lessons_of(course)[0]
    url = lesson.url
    assert client.get(url).status_code == 200
    lesson.unpublish()
    assert client.get(url).status_code == 404


def test_other_deep_paths_are_left_to_their_own_urls(course):
    # Deep paths not three levels under a course index are not claimed by lessons.
    from django.urls import resolve

    assert resolve(lessons_of(course)[2].url).url_name == "lms_lesson_page"
    assert resolve("/lms/courses/1/report/").url_name == "lms_class_report"
    assert resolve("/somewhere/else/deep/down/").url_name == "wagtail_serve"


def test_a_renamed_course_shows_on_its_lessons(client, course, student):
    enrol(student, course)
    client.force_login(student)
    url = lessons_of(course)[0].url
    assert course.title in client.get(url).content.decode()
    course.title = "คณิตศาสตร์ฉบับปรับปรุง"
    course.save()
    assert "คณิตศาสตร์ฉบับปรับปรุง" in client.get(url).content.decode()
