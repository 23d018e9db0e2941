"""Courses' KPIs for the area plan (found by reports at start-up).

Counted from live course pages first published by the end of the fiscal year:
- e-Learning lessons of the 5 core subject groups: e-Learning courses (one per
  subject × grade, the unit the area plan counts), core subject groups only;
- Training Online courses for teachers;
- Tutor Online subjects for students: Tutor Online courses.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.utils import timezone

from reports.registry import (
    CounterItem,
    CounterResult,
    ObjectInfo,
    Period,
    register_counter,
    register_dimensions,
)

from .models import CourseKind, CoursePage, LessonPage


def _count(period: Period, kind: str, core_only: bool = False) -> CounterResult:
    end = timezone.make_aware(dt.datetime.combine(period.end, dt.time.max))
    # Pages made live without a publish action (imports, fixtures) have no date.
    published = Q(first_published_at__lte=end) | Q(first_published_at__isnull=True)
    courses = CoursePage.objects.live().filter(published, kind=kind)
    if core_only:
        courses = courses.filter(subject_group__is_core=True)
    breakdown: dict[str, float] = {}
    items = []
    for course in courses.select_related("subject_group").order_by("title"):
        code = course.subject_group.code if course.subject_group_id else ""
        breakdown[code] = breakdown.get(code, 0) + 1
        items.append(CounterItem(course.title, course.url or "", code))
    return CounterResult(float(len(items)), breakdown, items)


@register_counter("elearning_core_lessons")
def count_elearning(period: Period) -> CounterResult:
    return _count(period, CourseKind.ELEARNING, core_only=True)


@register_counter("training_courses")
def count_training(period: Period) -> CounterResult:
    return _count(period, CourseKind.TRAINING)


@register_counter("tutor_subjects")
def count_tutor(period: Period) -> CounterResult:
    return _count(period, CourseKind.TUTOR)


def _course_info(course: CoursePage, label: str, url: str) -> ObjectInfo:
    return ObjectInfo(
        label=label,
        url=url,
        subject_group_id=course.subject_group_id,
        grade_level_ids=tuple(grade.pk for grade in course.grade_levels.all()),
    )


def describe_courses(object_ids: list[str]) -> dict[str, ObjectInfo]:
    ids = [int(pk) for pk in object_ids if str(pk).isdigit()]
    courses = CoursePage.objects.filter(pk__in=ids).prefetch_related("grade_levels")
    return {str(c.pk): _course_info(c, c.title, c.url or "") for c in courses}


def describe_lessons(object_ids: list[str]) -> dict[str, ObjectInfo]:
    """A lesson's usage counts under its course's subject group and grades."""
    ids = [int(pk) for pk in object_ids if str(pk).isdigit()]
    lessons = list(LessonPage.objects.filter(pk__in=ids))
    # Tree paths: a lesson's course is the course whose path begins the lesson's.
    courses = {c.path: c for c in CoursePage.objects.prefetch_related("grade_levels")}
    depth = CoursePage.steplen * (CoursePage.objects.values_list("depth", flat=True).first() or 0)
    info = {}
    for lesson in lessons:
        course = courses.get(lesson.path[:depth])
        if course is not None:
            info[str(lesson.pk)] = _course_info(course, lesson.title, lesson.url or "")
    return info


register_dimensions("lms.coursepage", describe_courses)
register_dimensions("lms.lessonpage", describe_lessons)
