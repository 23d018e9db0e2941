"""The exam bank's and the courses' own KPI counters, against hand counts."""

import pytest

from core.models import GradeLevel, SubjectGroup
from reports.registry import Period, get_counter
from tests.exambank.helpers import mc_question
from tests.lms.builders import build_course, courses_index

pytestmark = pytest.mark.django_db


def test_exam_bank_counts_core_items_that_are_not_hidden(area):
    from exambank.models import Category, Question

    category = Category.objects.create(name="คลัง", parent=None)
    math, arts = SubjectGroup.objects.get(code="ค"), SubjectGroup.objects.get(code="ศ")
    p5 = GradeLevel.objects.get(code="ป.5")
    mc_question(category, "2 + 2 = ?", subject_group=math, grade_level=p5)
    mc_question(category, "3 + 3 = ?", subject_group=math)
    mc_question(category, "สีโทนร้อน", subject_group=arts)  # not a core group
    hidden = mc_question(category, "ข้อที่ซ่อน", subject_group=math)
    Question.objects.filter(pk=hidden.pk).update(status="hidden")
    result = get_counter("exambank_core_items")(Period.for_fiscal_year(2570))
    assert result.value == 2 and result.breakdown == {"ค": 2}
    assert {item.detail for item in result.items} == {"ป.5", ""}


def test_courses_count_by_kind(area):
    index = courses_index()
    math, arts = SubjectGroup.objects.get(code="ค"), SubjectGroup.objects.get(code="ศ")
    build_course(index, units=[], kind="elearning", title="คณิต ป.5", slug="m5", subject_group=math)
    build_course(index, units=[], kind="elearning", title="ศิลปะ ป.5", slug="a5", subject_group=arts)
    build_course(index, units=[], kind="training", title="อบรมครู", slug="t1", subject_group=math)
    build_course(index, units=[], kind="tutor", title="ติว O-NET", slug="o1", subject_group=math)
    period = Period.for_fiscal_year(2599)  # far ahead: every course exists by its end
    assert get_counter("elearning_core_lessons")(period).value == 1  # arts is not core
    assert get_counter("training_courses")(period).value == 1
    assert get_counter("tutor_subjects")(period).items[0].label == "ติว O-NET"
    from lms.models import CoursePage

    CoursePage.objects.update(first_published_at="2027-01-15T00:00:00Z")  # FY 2570
    assert get_counter("training_courses")(Period.for_fiscal_year(2569)).value == 0
    assert get_counter("training_courses")(Period.for_fiscal_year(2570)).value == 1


def test_lesson_and_course_usage_splits_by_the_course_subject_and_grades(area):
    from reports.registry import get_dimension_resolver

    course = build_course(
        courses_index(), units=[("always", [("การบวกเศษส่วน", "viewed", {})])],
        title="คณิต ป.5", slug="m5", subject_group=SubjectGroup.objects.get(code="ค"),
    )  # fmt: skip
    course.grade_levels.set([GradeLevel.objects.get(code="ป.5")])
    course.save()
    from tests.lms.builders import lessons_of

    lesson = lessons_of(course)[0]
    lessons = get_dimension_resolver("lms.lessonpage")([str(lesson.pk)])
    courses = get_dimension_resolver("lms.coursepage")([str(course.pk)])
    math = SubjectGroup.objects.get(code="ค").pk
    assert lessons[str(lesson.pk)].subject_group_id == math
    assert lessons[str(lesson.pk)].label == "การบวกเศษส่วน"
    assert courses[str(course.pk)].grade_level_ids == (GradeLevel.objects.get(code="ป.5").pk,)
