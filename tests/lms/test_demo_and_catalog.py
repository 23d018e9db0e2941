"""The demo's courses and the course catalogue page."""

import pytest

from lms.models import CourseIndexPage, CoursePage, LessonPage
from lms.moderation import WORKFLOW_NAME

pytestmark = pytest.mark.django_db


def test_demo_has_a_course_of_each_kind_under_moderation(demo_site):
    index = CourseIndexPage.objects.get()
    assert index.get_parent().specific.section == "courses"
    assert sorted(CoursePage.objects.values_list("kind", flat=True)) == [
        "elearning",
        "training",
        "tutor",
    ]
    assert LessonPage.objects.filter(course__isnull=True).count() == 0
    assert index.get_workflow().name == WORKFLOW_NAME


def test_course_index_only_under_the_courses_section(demo_site):
    from core.models import SectionPage

    media = SectionPage.objects.get(section="media")
    courses = SectionPage.objects.get(section="courses")
    assert not CourseIndexPage.can_create_at(media)
    assert CourseIndexPage.can_create_at(courses)


def test_catalogue_filters_by_kind_and_grade(client, demo_site):
    index = CourseIndexPage.objects.get()
    page = client.get(index.url + "?kind=training").content.decode()
    assert "การจัดการเรียนรู้เชิงรุก" in page and "เศษส่วน" not in page
    page = client.get(index.url + "?grade=ป.5").content.decode()
    assert "เศษส่วน" in page and "O-NET" not in page


def test_anonymous_visitors_see_the_course_and_a_login_link(client, demo_site):
    course = CoursePage.objects.get(slug="math-p5-fractions")
    page = client.get(course.url).content.decode()
    assert "เข้าสู่ระบบเพื่อลงทะเบียน" in page and "เศษส่วนคืออะไร" in page
