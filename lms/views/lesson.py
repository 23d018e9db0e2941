"""Serving a lesson: access, unlock rules, the resume point, then Wagtail's render.

What every learner shares (the course's outline, the lesson's rules, the
rendered body) comes from the cache; what is the learner's own comes from two
queries (the enrolment, and the progress rows of the course), and opening the
lesson writes in one transaction.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail import hooks
from wagtail.views import serve as wagtail_serve

from ..access import build_outline, can_preview, page_url, site_root_path
from ..actions import active_enrolment, open_lesson
from ..body import body_parts
from ..facts import lesson_and_course_facts
from ..models import LessonProgress
from ..routing import lesson_for_path


def lesson_page_view(request, path: str):
    """A lesson's address: Wagtail's serve chain, with the route taken from the cache.

    Anything the cache does not know (another page, a POST) goes to Wagtail's own
    serve view, which routes it down the tree.
    """
    lesson = lesson_for_path(request, path) if request.method in ("GET", "HEAD") else None
    if lesson is None:
        return wagtail_serve(request, path)
    return serve_routed(request, *lesson.route(request, []))


def serve_routed(request, page, args, kwargs):
    """What wagtail.views.serve does once it has a route, through Wagtail's public
    hooks: on_serve_page wraps the serve, before_serve_page may answer first
    (view restrictions, among others), then the page serves itself."""

    def serve_chain(page, request, args, kwargs):
        return page.serve(request, *args, **kwargs)

    chain = serve_chain
    for wrap in reversed(hooks.get_hooks("on_serve_page")):
        chain = wrap(chain)
    for before in hooks.get_hooks("before_serve_page"):
        result = before(page, request, args, kwargs)
        if isinstance(result, HttpResponse):
            return result
    return chain(page, request, args, kwargs)


def serve_lesson(lesson, request, serve, *args, **kwargs):
    user = request.user
    if not user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    facts, course = (
        lesson_and_course_facts(lesson.pk, lesson.course_id) if lesson.course_id else (None, None)
    )
    if course is None:
        return serve(request, *args, **kwargs)
    root = _root_url_path(request)
    course_url = page_url(course.url_path, root)
    enrolment = active_enrolment(user, course.course_id)
    preview = enrolment is None and can_preview(user, lesson)
    if enrolment is None and not preview:
        messages.info(request, _("Enrol in the course to open its lessons."))
        return redirect(course_url)
    # The learner's own rows of this course, whole: the outline needs every
    # lesson's state, and the current lesson's row is the one opening updates.
    rows = list(LessonProgress.objects.filter(user=user, course_id=course.course_id))
    mine = next((row for row in rows if row.lesson_id == lesson.pk), None)
    state = {row.lesson_id: row.completed_at for row in rows}
    outline = build_outline(course.units, state, root, timezone.now())
    entry = outline.lesson(lesson.pk)
    if entry is not None and entry.locked and not preview:
        return render(
            request,
            "lms/lesson_locked.html",
            {
                "page": lesson,
                "course": course,
                "course_url": course_url,
                "outline": outline,
                "entry": entry,
            },
            status=403,
        )
    progress = None
    if enrolment:
        progress = open_lesson(user, lesson, enrolment, progress=mine, facts=facts)
    lessons = outline.lessons
    index = next((i for i, le in enumerate(lessons) if le.id == lesson.pk), None)
    request.lms_context = {
        "course": course,
        "course_url": course_url,
        "enrolment": enrolment,
        "outline": outline,
        "progress": progress,
        "preview": preview,
        "previous_lesson": _at(lessons, None if index is None else index - 1),
        "next_lesson": _at(lessons, None if index is None else index + 1),
        "resume_at": _resume_at(progress),
        "body_parts": body_parts(lesson, request, tracking=progress is not None),
    }
    return serve(request, *args, **kwargs)


def _root_url_path(request) -> str:
    """The url_path of the site serving this request (its root page is already loaded)."""
    root = getattr(request, "lms_site_root", None)
    return root if root is not None else site_root_path()


def _at(items: list, index: int | None):
    return items[index] if index is not None and 0 <= index < len(items) else None


def _resume_at(progress) -> dict:
    if progress is None or not progress.position_media:
        return {}
    return {progress.position_media: progress.position}
