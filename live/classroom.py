"""The classroom pages of a school: its screens (one per grade, for the room's TV),
what a screen plays now (JSON), the printed week and the screen link.

Every page asks ``classroom_policy`` about the school: its own accounts and the
area's staff; another school's timetable does not exist. A TV with the screen
link's key is signed in as the school's screen account first (live.screens).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.db.models import Q
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from core.models import GradeLevel, School
from core.thaidate import thai_date
from media_center.access import can_view
from media_center.views import player_sources
from mirror.conf import is_mirror

from . import screens
from .models import ScreenLink, Timetable, Weekday
from .policies import classroom_policy, live_session_policy
from .timetable import (
    FALLBACK,
    LIVE,
    NOTHING,
    local_zone,
    now_playing,
    timetable_for,
    week_grid,
)


def _school(request, code: str) -> School | None:
    """The school if in the user's scope; None for a visitor (who may sign in); else 404."""
    if not request.user.is_authenticated:
        return None
    return classroom_policy.get_or_404(request.user, "view", code=code)


def _grade(slug: str) -> GradeLevel:
    return get_object_or_404(GradeLevel, slug=slug)


def school_page(request, code: str):
    """The school's grades with a timetable: their screens and weeks; for its staff, the TV link."""
    school = _school(request, code)
    if school is None:
        return redirect_to_login(request.get_full_path())
    today = timezone.localdate()
    graded = Timetable.objects.filter(Q(school=school) | Q(school__isnull=True), ends_on__gte=today)
    grades = GradeLevel.objects.filter(pk__in=graded.values("grade_level")).order_by("sort_order")
    may_change = classroom_policy.user_has_permission_for_instance(request.user, "change", school)
    link = ScreenLink.objects.filter(school=school).first() if may_change else None
    return render(
        request,
        "live/classroom/school.html",
        {
            "school": school,
            "grades": grades,
            "may_change": may_change,
            "link": link,
            "on_mirror": is_mirror(),
            "screen_root": request.build_absolute_uri(reverse("live:classroom", args=[code])),
        },
    )


@require_POST
def new_link(request, code: str):
    """Make the school's screen link, or replace it (the old one stops working)."""
    school = classroom_policy.get_or_404(request.user, "change", code=code)
    if is_mirror():  # the key is central's; a mirror's own would be overwritten by the sync
        raise Http404
    try:
        screens.make_link(school)
    except ValueError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("A new screen link is ready; the old one no longer works."))
    return redirect("live:classroom", code=code)


@never_cache
def screen(request, code: str, grade: str):
    """The room's TV: full screen, no clicks; classroom.js plays what ``now`` says."""
    level = _grade(grade)
    key = request.GET.get("key", "")
    school = School.objects.filter(code=code).first()
    in_scope = school is not None and classroom_policy.user_has_permission_for_instance(
        request.user, "view", school
    )
    if school is not None and key and not in_scope:
        account = screens.account_for_key(school, key)
        if account is None:
            raise Http404
        screens.sign_in(request, school, account)
    elif not in_scope and not request.user.is_authenticated:
        return redirect_to_login(request.path)
    school = classroom_policy.get_or_404(request.user, "view", code=code)
    return render(
        request,
        "live/classroom/screen.html",
        {
            "school": school,
            "grade": level,
            "state": screen_state(request, school, level),
            "now_url": reverse("live:classroom_now", args=[code, grade]),
        },
    )


@never_cache
def now(request, code: str, grade: str):
    """What the screen plays now; asked every 15 seconds and at each period's edge."""
    level = _grade(grade)
    if not request.user.is_authenticated:
        raise Http404
    school = classroom_policy.get_or_404(request.user, "view", code=code)
    return JsonResponse(screen_state(request, school, level))


def week(request, code: str, grade: str):
    """The grade's week as a grid to print: days down, periods across, term in BE dates."""
    level = _grade(grade)
    school = _school(request, code)
    if school is None:
        return redirect_to_login(request.get_full_path())
    try:
        day = parse_date(request.GET.get("on", "")[:10]) or timezone.localdate()
    except ValueError:  # well formed, but no such day
        day = timezone.localdate()
    timetable = timetable_for(school, level, day)
    columns, rows = week_grid(timetable) if timetable else ([], [])
    return render(
        request,
        "live/classroom/week.html",
        {
            "school": school,
            "grade": level,
            "day": day,
            "timetable": timetable,
            "columns": columns,
            "rows": rows,
            "printed_on": timezone.localdate(),
        },
    )


# --- What the screen receives -----------------------------------------------------------


def clock():
    """The screens' time (one name, so a test can set the day of the week)."""
    return timezone.now()


def screen_state(request, school, grade, at=None) -> dict:
    """``now_playing`` for this viewer: only what they may watch, with signed file URLs."""
    at = at or clock()
    playing = now_playing(school, grade, at)
    user = request.user
    item = playing.item if playing.item is not None and can_view(user, playing.item) else None
    session = playing.session
    if session is not None and not live_session_policy.user_has_permission_for_instance(
        user, "view", session
    ):
        session = None
    kind = playing.kind
    if kind == LIVE and session is None:
        kind = FALLBACK if item is not None else NOTHING
    elif kind != LIVE and item is None:
        kind = NOTHING
    slot = playing.slot
    return {
        "kind": kind,
        # The screen changes what plays only when this changes (file URLs are signed anew).
        "key": ":".join(
            str(part)
            for part in (
                kind,
                slot.period.pk if slot else "",
                slot.starts.date() if slot else "",
                session.pk if session is not None and kind == LIVE else "",
                item.pk if item is not None else "",
            )
        ),
        "now_ms": int(at.timestamp() * 1000),
        "zone": settings.TIME_ZONE,
        "period": _slot(slot),
        "next": _slot(playing.next),
        "until": _clock(playing.until),
        "until_ms": int(playing.until.timestamp() * 1000) if playing.until else None,
        "session": _session(session) if kind == LIVE else None,
        "item": _item(item, user, playing.offset(at)) if item is not None else None,
    }


def _clock(moment) -> str:
    return moment.astimezone(local_zone()).strftime("%H:%M") if moment else ""


def _slot(slot) -> dict | None:
    if slot is None:
        return None
    period = slot.period
    return {
        "label": period.label or _("Period"),
        "time": f"{_clock(slot.starts)}–{_clock(slot.ends)}",
        "day": str(Weekday(period.weekday).label),
        "date": thai_date(slot.starts, "short"),
        "starts_ms": int(slot.starts.timestamp() * 1000),
    }


def _session(session) -> dict:
    return {
        "id": session.pk,
        "title": session.title,
        "state_url": reverse("live:state", args=[session.pk]),
        "hls": reverse("live:file", args=[session.pk, "index.m3u8"]),
    }


def _item(item, user, offset: float) -> dict:
    sources = player_sources(item, user)
    return {
        "id": item.pk,
        "title": item.title,
        "hls": sources["hls"],
        "src": sources["download"],
        "poster": sources["poster"],
        "aspect": f"{item.width} / {item.height}" if item.width and item.height else "16 / 9",
        "duration": item.duration or 0,
        "offset": round(offset, 1),
    }
