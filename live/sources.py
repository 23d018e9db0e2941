"""Where a session's stream comes from: central's own ingest, or central through
the school's relay. The site's role chooses once, here (``stream_source``); the
views ask the source and never the role.

CentralSource  central: the session's row is the truth, its files are the
               ingest's (live.actions.hls_dir).
RelaySource    a school mirror (KHLANG_ROLE=mirror): the state from central's
               signed state answer (live.api, reused RELAY_STATE_SECONDS, so
               thirty open pages cost central one question every two seconds),
               the files through one Relay per session (live.relay) kept under
               the mirror's live ROOT. When central cannot be reached, viewers
               are told so (``LINK_DOWN``), the player keeps asking, and a
               recording already on the mirror is offered instead.
"""

from __future__ import annotations

import json
import re
import shutil
import threading
import time
from dataclasses import dataclass
from typing import Any

from django.http import FileResponse, Http404, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext_noop

from mirror import relaying
from mirror.conf import is_mirror
from mirror.sources import held_payload

from . import actions
from .conf import live_settings
from .models import LiveSession, State
from .relay import Relay, RelayDown

FILE_NAME = re.compile(r"^(index\.m3u8|\d{2,4}p/index\.m3u8|\d{2,4}p/seg_\d{5,}\.ts)$")
CONTENT_TYPES = {".m3u8": "application/vnd.apple.mpegurl", ".ts": "video/mp2t"}
LINK_DOWN = gettext_noop(
    "The signal from the central office is cut. The class goes on there; the "
    "picture comes back by itself when the link returns."
)
FINISHED = (State.ENDED, State.RECORDED)


@dataclass(frozen=True)
class Stream:
    """What a session's page shows now."""

    state: str
    ready: bool  # the player may start: every rung's playlist can be had
    link_down: bool = False  # a mirror that cannot reach central
    recording: int | None = None  # a ready media item on this site, to play instead


def _with_cache_headers(response: HttpResponse, suffix: str) -> HttpResponse:
    # Playlists change every segment; a segment never changes once written.
    response["Cache-Control"] = "no-cache" if suffix == ".m3u8" else "private, max-age=60"
    return response


class CentralSource:
    relayed = False
    controls = True  # the class is taught here: its teacher may end it

    def stream(self, session: LiveSession) -> Stream:
        live = session.state == State.LIVE
        return Stream(
            session.state, live and actions.stream_ready(session.pk), False, self.recording(session)
        )

    def recording(self, session: LiveSession) -> int | None:
        return session.recording_id if session.state == State.RECORDED else None

    def is_live(self, session: LiveSession) -> bool:
        return session.state == State.LIVE

    def file(self, session: LiveSession, name: str) -> HttpResponse:
        """A playlist or segment of the ingest, only while the session is live."""
        if session.state != State.LIVE or not FILE_NAME.match(name):
            raise Http404
        path = actions.hls_dir(session.pk) / name
        try:
            handle = path.open("rb")
        except OSError:
            raise Http404 from None
        response = FileResponse(handle, content_type=CONTENT_TYPES[path.suffix])
        return _with_cache_headers(response, path.suffix)


def fetch_from_central(url: str) -> bytes:
    """A signed GET on central; a link that gives no answer is the relay's RelayDown."""
    try:
        return relaying.signed_get(url, timeout=float(live_settings.RELAY_TIMEOUT_SECONDS))
    except relaying.CentralUnreachable as error:
        raise RelayDown(str(error)) from error


class RelaySource:
    relayed = True
    controls = False  # the class is taught, and ended, on central

    def __init__(self) -> None:
        self._relays: dict[int, Relay] = {}
        self._answers: dict[int, tuple[float, str, Any]] = {}
        self._locks: dict[int, threading.Lock] = {}
        self._guard = threading.Lock()

    def relay(self, session_id: int) -> Relay:
        with self._guard:
            relay = self._relays.get(session_id)
            if relay is None:
                first = reverse("live:relay_file", kwargs={"pk": session_id, "name": "index.m3u8"})
                upstream = relaying.central_url(first.removesuffix("index.m3u8"))
                relay = Relay(
                    upstream,
                    self.folder(session_id),
                    fetch=fetch_from_central,
                    retry_after=float(live_settings.RELAY_STATE_SECONDS),
                )
                self._relays[session_id] = relay
            return relay

    @staticmethod
    def folder(session_id: int):
        return actions.session_dir(session_id) / "relay"

    def discard(self, session_id: int) -> None:
        """The class is over: its relay and its copy go."""
        with self._guard:
            self._relays.pop(session_id, None)
        shutil.rmtree(self.folder(session_id), ignore_errors=True)

    def central_state(self, session_id: int) -> dict:
        """Central's answer about a session, asked at most once per
        RELAY_STATE_SECONDS whoever asks (a failure is kept as long).
        Raises RelayDown or relaying.CentralRefused."""
        with self._guard:
            lock = self._locks.setdefault(session_id, threading.Lock())
        with lock:
            kept = self._answers.get(session_id)
            if kept is None or time.monotonic() - kept[0] >= live_settings.RELAY_STATE_SECONDS:
                kept = (time.monotonic(), *self._ask_central(session_id))
                self._answers[session_id] = kept
        _, outcome, value = kept
        if outcome == "down":
            raise RelayDown(str(value))
        if outcome == "refused":
            raise relaying.CentralRefused(int(value))
        return dict(value)

    def _ask_central(self, session_id: int) -> tuple[str, Any]:
        url = relaying.central_url(reverse("live:relay_state", args=[session_id]))
        try:
            answer = json.loads(fetch_from_central(url))
        except RelayDown as error:
            return "down", error
        except relaying.CentralRefused as error:
            return "refused", error.status
        except ValueError as error:  # not central's JSON: something in between answered
            return "down", error
        return ("answer", answer) if isinstance(answer, dict) else ("down", answer)

    def stream(self, session: LiveSession) -> Stream:
        try:
            answer = self.central_state(session.pk)
        except RelayDown:
            return Stream(session.state, False, True, self.recording(session))
        except relaying.CentralRefused:  # no longer this school's, or withdrawn
            return Stream(session.state, False, False, self.recording(session))
        state = answer.get("state")
        if state not in State.values:
            state = session.state
        if actions.follow_central(session.pk, state, answer.get("recording")):
            session.refresh_from_db(fields=["state", "recording"])
        state = actions.later_state(session.state, state)
        if state in FINISHED:
            self.discard(session.pk)
            return Stream(state, False, False, self.recording(session, answer.get("recording")))
        ready = state == State.LIVE and bool(answer.get("ready"))
        if ready:
            try:
                self.relay(session.pk).get("index.m3u8")
            except RelayDown:
                return Stream(state, False, True, None)
            except relaying.CentralRefused:
                ready = False
        return Stream(state, ready, False, None)

    def recording(self, session: LiveSession, central_id: int | None = None) -> int | None:
        """A ready copy of the session's recording on this mirror: the one its row
        links, the one central just named, or the one named by the record the
        last sync applied (the record may come before its media item's files)."""
        if session.state not in FINISHED and central_id is None:
            return None
        from media_center.models import MediaItem, Status

        held = held_payload("live.session", str(session.pk)) or {}
        named = [i for i in (session.recording_id, central_id, held.get("recording")) if i]
        if not named:
            return None
        ready = MediaItem.objects.filter(pk__in=named, status=Status.READY)
        return ready.values_list("pk", flat=True).first()

    def is_live(self, session: LiveSession) -> bool:
        """Live by central's word; with the link down, by the last word heard
        (what the players still play of it counts)."""
        try:
            return self.central_state(session.pk).get("state") == State.LIVE
        except RelayDown:
            return session.state == State.LIVE
        except relaying.CentralRefused:
            return False

    def file(self, session: LiveSession, name: str) -> HttpResponse:
        """The school's copy of a live file; 503 while central cannot be reached."""
        if not FILE_NAME.match(name):
            raise Http404
        try:
            data = self.relay(session.pk).get(name)
        except (KeyError, relaying.CentralRefused):
            raise Http404 from None
        except RelayDown:
            response = HttpResponse(status=503)
            response["Retry-After"] = "2"
            return response
        suffix = "." + name.rsplit(".", 1)[1]
        return _with_cache_headers(HttpResponse(data, content_type=CONTENT_TYPES[suffix]), suffix)


_CENTRAL = CentralSource()
_RELAY = RelaySource()


def stream_source() -> CentralSource | RelaySource:
    """The one place the site's role decides where live streams come from."""
    return _RELAY if is_mirror() else _CENTRAL
