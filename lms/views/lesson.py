"""Serving a lesson: access, unlock rules, the resume point, then Wagtail's render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from ..access import can_preview, course_outline
from ..actions import active_enrolment, open_lesson
from ..models import CoursePage


def serve_lesson(lesson, request, serve, *args, **kwargs):
    user = request.user
    if not user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    course = CoursePage.objects.filter(pk=lesson.course_id).first()
    if course is None:
        return serve(request, *args, **kwargs)
    enrolment = active_enrolment(user, course.pk)
    preview = enrolment is None and can_preview(user, lesson)
    if enrolment is None and not preview:
        messages.info(request, _("Enrol in the course to open its lessons."))
        return redirect(course.url)
    outline = course_outline(course, user)
    entry = outline.lesson(lesson.pk)
    if entry is not None and entry.locked and not preview:
        return render(
            request,
            "lms/lesson_locked.html",
            {"page": lesson, "course": course, "outline": outline, "entry": entry},
            status=403,
        )
    progress = open_lesson(user, lesson, enrolment) if enrolment else None
    lessons = outline.lessons
    index = next((i for i, le in enumerate(lessons) if le.id == lesson.pk), None)
    request.lms_context = {
        "course": course,
        "enrolment": enrolment,
        "outline": outline,
        "progress": progress,
        "preview": preview,
        "previous_lesson": _at(lessons, None if index is None else index - 1),
        "next_lesson": _at(lessons, None if index is None else index + 1),
        "resume_at": _resume_at(progress),
    }
    return serve(request, *args, **kwargs)


def _at(items: list, index: int | None):
    return items[index] if index is not None and 0 <= index < len(items) else None


def _resume_at(progress) -> dict:
    if progress is None or not progress.position_media:
        return {}
    return {progress.position_media: progress.position}
