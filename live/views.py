"""Watching live classes: the list, a session's page and player, its live files."""

from __future__ import annotations

import re

from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from . import actions
from .models import State
from .panels import now_and_next
from .policies import live_session_policy

_FILE = re.compile(r"^(index\.m3u8|\d{2,4}p/index\.m3u8|\d{2,4}p/seg_\d{5,}\.ts)$")
CONTENT_TYPES = {".m3u8": "application/vnd.apple.mpegurl", ".ts": "video/mp2t"}


def session_list(request):
    live, upcoming = now_and_next(request.user)
    recorded = (
        live_session_policy.for_user(request.user, "view")
        .filter(state=State.RECORDED)
        .order_by("-starts_at")[:20]
    )
    return render(
        request,
        "live/list.html",
        {"live": live, "upcoming": upcoming, "recorded": recorded},
    )


def session_detail(request, pk: int):
    session = live_session_policy.get_or_404(request.user, "view", pk=pk)
    playing = session.state == State.LIVE and actions.stream_ready(pk)
    may_end = live_session_policy.user_has_permission_for_instance(request.user, "change", session)
    return render(
        request,
        "live/session.html",
        {"session": session, "playing": playing, "may_end": may_end and session.is_live},
    )


def session_state(request, pk: int):
    """The page asks every few seconds whether the class began or ended."""
    session = live_session_policy.get_or_404(request.user, "view", pk=pk)
    return JsonResponse(
        {
            "state": session.state,
            "ready": session.state == State.LIVE and actions.stream_ready(pk),
        }
    )


@require_POST
def report_watch(request, pk: int):
    """A signed-in viewer's player reports the seconds it played live since last time."""
    session = live_session_policy.get_or_404(request.user, "view", pk=pk)
    if not request.user.is_authenticated:
        return JsonResponse({"counted": False})
    if session.state != State.LIVE:
        return JsonResponse({"counted": False}, status=409)
    try:
        seconds = float(request.POST.get("seconds", "0"))
    except ValueError:
        seconds = 0.0
    actions.record_attendance(session, request.user, seconds)
    return JsonResponse({"counted": True})


@require_POST
def end_now(request, pk: int):
    session = live_session_policy.get_or_404(request.user, "change", pk=pk)
    actions.end_session(session.pk)
    return redirect("live:session", pk=session.pk)


def live_file(request, pk: int, name: str):
    """A playlist or segment of a session that is live, to whoever may watch it."""
    session = live_session_policy.get_or_404(request.user, "view", pk=pk)
    if session.state != State.LIVE or not _FILE.match(name):
        raise Http404
    path = actions.hls_dir(pk) / name
    try:
        handle = path.open("rb")
    except OSError:
        raise Http404 from None
    suffix = path.suffix
    response = FileResponse(handle, content_type=CONTENT_TYPES[suffix])
    # Playlists change every segment; a segment never changes once written.
    response["Cache-Control"] = "no-cache" if suffix == ".m3u8" else "private, max-age=60"
    return response
