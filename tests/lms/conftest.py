"""Fixtures for the learning side: a page tree with one course, and people."""

from __future__ import annotations

import pytest

from tests.lms.builders import build_course, courses_index


@pytest.fixture(autouse=True)
def fresh_cache():
    """Lesson facts and outlines are cached by id; ids repeat between tests."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def index(area):
    return courses_index()


@pytest.fixture
def course(index, school):
    """An e-Learning course: unit 1 (viewed, video 80 %), unit 2 opens after unit 1."""
    return build_course(
        index,
        units=[
            ("always", [("อ่าน", "viewed", {}), ("ดูวิดีโอ", "video", {"video_percent": 80})]),
            ("previous", [("ทำเครื่องหมาย", "manual", {})]),
        ],
        owner_school=school,
    )


@pytest.fixture
def student(make_user, school):
    from core import roles
    from core.models import GradeLevel

    return make_user(
        "stu1",
        roles.STUDENT,
        first_name="เด็กหญิงมาลี",
        last_name="ใจดี",
        school=school,
        grade_level=GradeLevel.objects.get(code="ป.5"),
        classroom="1",
    )


@pytest.fixture
def teacher(make_user, school):
    from core import roles

    return make_user("teach1", roles.TEACHER, first_name="สมศรี", last_name="สอนดี", school=school)
