"""Context for the course index and course pages (called from the page models)."""

from __future__ import annotations

from django.core.paginator import Paginator

from core.models import GradeLevel, SubjectGroup

from ..access import course_outline, is_teacher, self_enrol_refusal
from ..actions import active_enrolment
from ..models import Certificate, CourseKind, CoursePage, Enrolment
from ..start_panels import course_panels_for


def course_listing(index, request) -> dict:
    courses = (
        CoursePage.objects.child_of(index)
        .live()
        .public()
        .select_related("subject_group", "owner_school")
        .order_by("path")
    )
    kind = request.GET.get("kind", "")
    subject = request.GET.get("subject", "")
    grade = request.GET.get("grade", "")
    if kind in CourseKind.values:
        courses = courses.filter(kind=kind)
    if subject:
        courses = courses.filter(subject_group__code=subject)
    if grade:
        courses = courses.filter(grade_levels__code=grade).distinct()
    page = Paginator(courses, 24).get_page(request.GET.get("page"))
    enrolled: set[int] = set()
    if request.user.is_authenticated:
        enrolled = set(
            Enrolment.objects.filter(user=request.user, status=Enrolment.Status.ACTIVE).values_list(
                "course_id", flat=True
            )
        )
    return {
        "courses": page,
        "enrolled_ids": enrolled,
        "kinds": CourseKind.choices,
        "subject_groups": SubjectGroup.objects.all(),
        "grade_levels": GradeLevel.objects.all(),
        "filters": {"kind": kind, "subject": subject, "grade": grade},
    }


def course_context(course, request) -> dict:
    user = request.user
    enrolment = active_enrolment(user, course.pk)
    outline = course_outline(course, user)
    teacher = is_teacher(user)
    context = {
        "enrolment": enrolment,
        "outline": outline,
        "next_lesson": outline.next_lesson() if enrolment else None,
        "refusal": None if enrolment else _refusal_without_key(user, course),
        "needs_key": bool(course.enrolment_key),
        "is_teacher": teacher,
        "grade_levels": GradeLevel.objects.all() if teacher else [],
        "certificate": None,
        "panels": course_panels_for(request, course),
    }
    if enrolment and course.issues_certificate:
        context["certificate"] = Certificate.objects.filter(user=user, course=course).first()
    return context


def _refusal_without_key(user, course) -> str | None:
    """Why self-enrolment is closed, ignoring the key (the form asks for it)."""
    refusal = self_enrol_refusal(user, course, key=course.enrolment_key)
    return refusal
