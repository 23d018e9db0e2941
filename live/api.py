"""Central's answers to school mirrors' signed requests about live classes.

GET /live/<pk>/relay/state/         {"state", "ready", "recording"}: how a mirror
                                    learns within seconds that a class began or
                                    ended, not at its next sync
GET /live/<pk>/relay/hls/<name>     a playlist or segment, only while live

Only requests signed by a registered mirror whose key is not revoked
(mirror.relaying.signed_view), and only for sessions that mirror receives
(those its school's accounts may watch, which its feed carries): anything else
is a 404, as a session outside one's scope is everywhere. Nothing here says
more than a viewer's page does: no stream key, no port, no message meant for
the teacher.
"""

from __future__ import annotations

from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404

from mirror import relaying

from . import actions
from .models import LiveSession, State
from .policies import live_session_policy
from .sources import CentralSource


def _relayed_session(request, pk: int) -> LiveSession:
    school_id = relaying.requesting_school_id(request)
    return get_object_or_404(live_session_policy.visible_to_school(school_id), pk=pk)


@relaying.signed_view
def relay_state(request, pk: int):
    session = _relayed_session(request, pk)
    live = session.state == State.LIVE
    return JsonResponse(
        {
            "state": session.state,
            "ready": live and actions.stream_ready(session.pk),
            "recording": session.recording_id if session.state == State.RECORDED else None,
        }
    )


@relaying.signed_view
def relay_file(request, pk: int, name: str):
    session = _relayed_session(request, pk)
    if session.state != State.LIVE:
        raise Http404
    return CentralSource().file(session, name)
