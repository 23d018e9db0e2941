"""Courses and lessons are found by the site's Thai search, by subject and grade."""

import pytest

from core.models import GradeLevel, SubjectGroup
from search.registry import source_for
from tests.lms.builders import build_course, courses_index, lessons_of

pytestmark = pytest.mark.django_db


def test_course_and_lesson_documents_carry_subject_grade_and_school(area, school):
    course = build_course(
        courses_index(),
        units=[("always", [("การบวกเศษส่วน", "viewed", {})])],
        title="คณิตศาสตร์ ป.5",
        subject_group=SubjectGroup.objects.get(code="ค"),
        owner_school=school,
    )
    course.grade_levels.set([GradeLevel.objects.get(code="ป.5")])
    course.save()
    lesson = lessons_of(course)[0]

    course_doc = source_for(course).to_document(course)
    lesson_doc = source_for(lesson).to_document(lesson)
    assert (course_doc.doc_type, lesson_doc.doc_type) == ("course", "lesson")
    for doc in (course_doc, lesson_doc):
        assert doc.subject_codes == ["ค"] and doc.grade_codes == ["ป.5"]
        assert doc.school_id == school.pk
    assert "การบวกเศษส่วน" in lesson_doc.title
