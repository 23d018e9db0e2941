"""What live classes add to other pages: the start page's panel and calendar events."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import State
from .policies import live_session_policy

UPCOMING_DAYS = 7
UPCOMING_COUNT = 5


def now_and_next(user, now: dt.datetime | None = None) -> tuple[list, list]:
    """(sessions live now, the next ones to start within a week) this user may watch."""
    now = now or timezone.now()
    visible = live_session_policy.for_user(user, "view").select_related("subject_group")
    live = list(visible.filter(state=State.LIVE).order_by("starts_at"))
    upcoming = list(
        visible.filter(
            state=State.SCHEDULED,
            ends_at__gt=now,
            starts_at__lte=now + dt.timedelta(days=UPCOMING_DAYS),
        ).order_by("starts_at")[:UPCOMING_COUNT]
    )
    return live, upcoming


def start_panel(request):
    live, upcoming = now_and_next(request.user)
    if not live and not upcoming:
        return None
    return "live/_start_panel.html", {"live": live, "upcoming": upcoming}


COURSE_RECORDINGS = 20


def course_panel(request, course):
    """A course's live classes: live now, coming up, and the recordings of past ones."""
    visible = live_session_policy.for_user(request.user, "view").filter(course_id=course.pk)
    live = list(visible.filter(state=State.LIVE).order_by("starts_at"))
    upcoming = list(
        visible.filter(state=State.SCHEDULED, ends_at__gt=timezone.now()).order_by("starts_at")[
            :UPCOMING_COUNT
        ]
    )
    recorded = list(
        visible.filter(state=State.RECORDED, recording__isnull=False).order_by("-starts_at")[
            :COURSE_RECORDINGS
        ]
    )
    if not (live or upcoming or recorded):
        return None
    return "live/_course_panel.html", {"live": live, "upcoming": upcoming, "recorded": recorded}


def session_link(session) -> str:
    """Where a calendar or list entry leads: the recording once there is one."""
    if session.state == State.RECORDED and session.recording_id:
        return reverse("media_center:detail", args=[session.recording_id])
    return reverse("live:session", args=[session.pk])


def calendar_items(user, start: dt.datetime, end: dt.datetime) -> list:
    from notifications.due import DueItem

    sessions = live_session_policy.for_user(user, "view").filter(starts_at__range=(start, end))
    return [
        DueItem(
            s.starts_at,
            s.title,
            _("Live class") if s.state != State.RECORDED else _("Live class (recorded)"),
            session_link(s),
        )
        for s in sessions.only("pk", "title", "starts_at", "state", "recording_id")
    ]
