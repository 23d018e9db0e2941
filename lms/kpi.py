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

from reports.registry import CounterItem, CounterResult, Period, register_counter

from .models import CourseKind, CoursePage


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
