"""How courses and lessons appear in the site's search (see search/pages.py).

Both are found by the course's subject group, grade levels and indicators, and
belong to the course's owner school; a lesson takes them from its course.
"""

from __future__ import annotations


def describe_course(course, doc):
    if course.subject_group_id:
        doc.subject_codes = [course.subject_group.code]
    doc.grade_codes = [grade.code for grade in course.grade_levels.all()]
    doc.indicator_codes = [indicator.code for indicator in course.indicators.all()]
    doc.school_id = course.owner_school_id
    return doc


def describe_lesson(lesson, doc):
    from .models import CoursePage

    course = CoursePage.objects.ancestor_of(lesson).first()
    return describe_course(course, doc) if course else doc
