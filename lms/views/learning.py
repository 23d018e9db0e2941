"""What a learner does: enrol, leave, report watch time, mark done, see the dashboard."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseBadRequest, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_POST

from core.i18n import bilingual

from ..access import build_outline, page_url, site_root_path
from ..actions import (
    EnrolmentRefused,
    active_enrolment,
    mark_done,
    record_heartbeat,
    self_enrol,
    unenrol,
)
from ..facts import many_course_facts
from ..models import (
    Certificate,
    CourseKind,
    CoursePage,
    Enrolment,
    LessonPage,
    LessonProgress,
)
from ..start_panels import panels_for


@login_required
@require_POST
def enrol_view(request, course_id: int):
    course = get_object_or_404(CoursePage.objects.live(), pk=course_id)
    try:
        self_enrol(request.user, course, request.POST.get("key"))
    except EnrolmentRefused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, _("You are enrolled. Enjoy learning!"))
    return redirect(course.url)


@login_required
@require_POST
def unenrol_view(request, course_id: int):
    course = get_object_or_404(CoursePage, pk=course_id)
    enrolment = active_enrolment(request.user, course.pk)
    if enrolment:
        unenrol(enrolment, by=request.user)
        messages.info(request, _("You left the course. Your progress is kept if you come back."))
    return redirect(course.url)


def _bad(message: str) -> JsonResponse:
    return JsonResponse({"error": bilingual(message)}, status=400)


@login_required
@require_POST
def heartbeat_view(request):
    """The player's report: {"lesson", "media", "ranges": [[s, e], ...], "position", "duration"}."""
    try:
        data = json.loads(request.body or b"{}")
        lesson_id = int(data["lesson"])
        media_id = str(data["media"])[:64]
        ranges = data.get("ranges") or []
        if not isinstance(ranges, list) or len(ranges) > 500:
            raise ValueError("ranges")
        ranges = [(float(pair[0]), float(pair[1])) for pair in ranges]
        position = float(data.get("position") or 0)
        duration = float(data.get("duration") or 0) or None
    except (ValueError, KeyError, TypeError, IndexError):
        return _bad(gettext_noop("bad watch report (needs lesson, media, ranges)"))
    result = record_heartbeat(request.user, lesson_id, media_id, ranges, position, duration)
    if result is None:
        return JsonResponse({"error": bilingual("this lesson was not opened")}, status=404)
    return JsonResponse(
        {
            "watched_seconds": result.watched_seconds,
            "fraction": result.fraction,
            "complete": result.complete,
        }
    )


@login_required
@require_POST
def mark_done_view(request, lesson_id: int):
    lesson = get_object_or_404(LessonPage.objects.live(), pk=lesson_id)
    if mark_done(request.user, lesson) is None:
        return HttpResponseBadRequest(bilingual("this lesson was not opened"))
    return redirect(lesson.url)


@login_required
def dashboard_view(request):
    """My courses, how far I am, where to continue and what to do next.

    The enrolments and the progress rows are the learner's own (two queries);
    course names, addresses and outlines are shared and come from the cache.
    """
    user = request.user
    root = site_root_path()
    enrolments = list(
        Enrolment.objects.filter(user=user, status=Enrolment.Status.ACTIVE)
        .only(
            "id", "course_id", "last_lesson_id", "progress_percent", "completed_at",
            "last_activity_at", "enrolled_at",
        )
        .order_by("-last_activity_at", "-enrolled_at")
    )  # fmt: skip
    courses = many_course_facts(e.course_id for e in enrolments)
    state: dict[int, dict] = {}
    for course_id, lesson_id, completed_at in LessonProgress.objects.filter(
        user=user, course_id__in=list(courses)
    ).values_list("course_id", "lesson_id", "completed_at"):
        state.setdefault(course_id, {})[lesson_id] = completed_at
    last_lessons = _last_lessons(enrolments, courses)
    now = timezone.now()
    cards = []
    for enrolment in enrolments:
        course = courses.get(enrolment.course_id)
        if course is None:
            continue
        outline = build_outline(course.units, state.get(course.course_id, {}), root, now)
        upcoming = outline.next_lesson()  # the first open lesson not yet complete
        last = last_lessons.get(enrolment.last_lesson_id)
        cards.append(
            {
                "enrolment": enrolment,
                "course": course,
                "kind_label": _kind_label(course.kind),
                "course_url": page_url(course.url_path, root),
                "resume": {"title": last[0], "url": page_url(last[1], root)} if last else None,
                "next": {"title": upcoming.title, "url": upcoming.url} if upcoming else None,
            }
        )
    certificates = Certificate.objects.filter(user=user).order_by("-issued_at")
    return render(
        request,
        "lms/dashboard.html",
        {"cards": cards, "certificates": certificates, "panels": panels_for(request)},
    )


def _last_lessons(enrolments, courses) -> dict[int, tuple[str, str]]:
    """{lesson id: (title, url_path)} of each enrolment's last lesson.

    Live lessons are in their course's cached outline; any other (unpublished
    since) is read in one query.
    """
    known: dict[int, tuple[str, str]] = {}
    for course in courses.values():
        for unit in course.units:
            for lesson_id, title, url_path in unit["lessons"]:
                known[lesson_id] = (title, url_path)
    wanted = {e.last_lesson_id for e in enrolments if e.last_lesson_id}
    missing = wanted - known.keys()
    if missing:
        for pk, title, url_path in LessonPage.objects.filter(pk__in=missing).values_list(
            "pk", "title", "url_path"
        ):
            known[pk] = (title, url_path)
    return {pk: known[pk] for pk in wanted if pk in known}


def _kind_label(kind: str) -> str:
    try:
        return CourseKind(kind).label
    except ValueError:
        return kind
