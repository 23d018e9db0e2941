"""Watching live classes: the list, a session's page and player, its live files.

The same views serve central and a school's mirror: where the stream comes
from (the ingest, or central through the school's relay) is the stream
source's business (live.sources), chosen once by the site's role.
"""

from __future__ import annotations

from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from core.i18n import bilingual

from . import actions
from .models import State
from .panels import now_and_next
from .policies import live_session_policy
from .sources import LINK_DOWN, stream_source


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
    source = stream_source()
    stream = source.stream(session)
    may_end = source.controls and live_session_policy.user_has_permission_for_instance(
        request.user, "change", session
    )
    return render(
        request,
        "live/session.html",
        {
            "session": session,
            "stream": stream,
            "playing": stream.ready,
            "relayed": source.relayed,
            "link_down_message": bilingual(LINK_DOWN),
            "may_end": may_end and stream.state == State.LIVE,
        },
    )


def session_state(request, pk: int):
    """The page asks every few seconds whether the class began or ended, and on
    a mirror whether central can be reached."""
    session = live_session_policy.get_or_404(request.user, "view", pk=pk)
    stream = stream_source().stream(session)
    return JsonResponse(
        {
            "state": stream.state,
            "ready": stream.ready,
            "link_down": stream.link_down,
            "recording": stream.recording,
        }
    )


@require_POST
def report_watch(request, pk: int):
    """A signed-in viewer's player reports the seconds it played live since last time."""
    session = live_session_policy.get_or_404(request.user, "view", pk=pk)
    if not request.user.is_authenticated:
        return JsonResponse({"counted": False})
    if not stream_source().is_live(session):
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
    if not stream_source().controls:
        raise Http404  # a mirror relays the class; it is ended where it is taught
    actions.end_session(session.pk)
    return redirect("live:session", pk=session.pk)


def live_file(request, pk: int, name: str):
    """A playlist or segment of a session that is live, to whoever may watch it."""
    session = live_session_policy.get_or_404(request.user, "view", pk=pk)
    return stream_source().file(session, name)
