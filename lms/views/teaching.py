"""What a teacher does: enrol a class, read and export the class report."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core import roles
from core.i18n import bilingual
from core.models import GradeLevel, School
from core.tables import file_response

from ..access import is_teacher
from ..actions import enrol_class
from ..models import CourseClass, CoursePage
from ..reports import build_class_report, to_csv, to_xlsx


def sees_every_school(user) -> bool:
    return user.is_superuser or any(
        roles.user_has_role(user, role) for role in (roles.AREA_ADMIN, roles.SUPERVISOR)
    )


def _require_teacher(user) -> None:
    if not (is_teacher(user) or sees_every_school(user)):
        raise PermissionDenied


@login_required
@require_POST
def enrol_class_view(request, course_id: int):
    user = request.user
    _require_teacher(user)
    course = get_object_or_404(CoursePage.objects.live(), pk=course_id)
    school_id = request.POST.get("school") if sees_every_school(user) else user.school_id
    school = School.objects.filter(pk=school_id or 0).first()
    grade = GradeLevel.objects.filter(pk=request.POST.get("grade_level") or 0).first()
    if school is None or grade is None:
        messages.error(request, bilingual("Choose a school and a grade."))
        return redirect(course.url)
    classroom = (request.POST.get("classroom") or "").strip()[:16]
    count = enrol_class(course, school=school, grade_level=grade, classroom=classroom, by=user)
    messages.success(request, _("%(count)s students enrolled.") % {"count": count})
    return redirect(course.url)


@login_required
def class_report_view(request, course_id: int):
    user = request.user
    _require_teacher(user)
    course = get_object_or_404(CoursePage, pk=course_id)
    every_school = sees_every_school(user)
    school_id = _int(request.GET.get("school")) if every_school else user.school_id
    if not every_school and not school_id:
        raise PermissionDenied
    grade_id = _int(request.GET.get("grade"))
    classroom = (request.GET.get("room") or "").strip()
    report = build_class_report(
        course, school_id=school_id, grade_level_id=grade_id, classroom=classroom
    )
    fmt = request.GET.get("format")
    if fmt in {"csv", "xlsx"}:
        return _download(report, course, fmt)
    classes = CourseClass.objects.filter(course=course).select_related("school", "grade_level")
    if not every_school:
        classes = classes.filter(school_id=school_id)
    return render(
        request,
        "lms/class_report.html",
        {
            "course": course,
            "report": report,
            "classes": classes,
            "grade_levels": GradeLevel.objects.all(),
            "schools": School.objects.all() if every_school else [],
            "filters": {"school": school_id, "grade": grade_id, "room": classroom},
            "query": request.GET.urlencode(),
        },
    )


def _download(report, course, fmt: str) -> HttpResponse:
    content = to_csv(report) if fmt == "csv" else to_xlsx(report)
    return file_response(content, fmt, f"class-report-{course.pk}.{fmt}")


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
