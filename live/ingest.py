"""The ingest: ffmpeg listening for one session's publisher, watched by a worker.

Why ffmpeg as the RTMP listener, not nginx's RTMP module or another server:
the platform already installs ffmpeg for video on demand, and one ffmpeg
process both accepts the publisher (``-listen 1``) and builds the live HLS
ladder from one decode (transcoding.live), so nothing new is installed,
configured or kept patched, and the live rungs are the on-demand rungs. The
cost is one process per session, started here by a Celery task on the
``live`` queue and supervised for the session's length.

ffmpeg's listener accepts one connection and only *warns* when the stream
name differs from the one it was told ("Unexpected stream …"). So the key is
checked here: the supervisor reads ffmpeg's log as it is written, and at that
warning it kills the process before the input is even probed (no segment,
no playlist, no recording part is written from a wrong key), deletes what
that run left, and listens again. The codec check works the same way on the
input's stream list, before any output is opened.

SRT, where the teacher's network allows it (OBS 28+: better on a lossy
uplink, since it retransmits within a latency budget instead of stalling as
TCP does), comes in through a second ffmpeg: an SRT listener on the same port
number (UDP beside the RTMP listener's TCP) whose passphrase is the stream
key, so libsrt itself refuses a wrong key at the handshake and encrypts what
it accepts. It copies the publisher's stream, unchanged, into the session's
RTMP listener: one ladder encoder per session whatever the door. The
gateway's log gets the same codec check. SRT needs an ffmpeg built with
libsrt (Debian's is; ``SRT`` = "auto" asks this ffmpeg).

A publisher that drops is waited for during GRACE_SECONDS: ffmpeg listens
again with the same playlists (append_list, a discontinuity), so viewers see
the same session continue. Past the grace time, at the teacher's "end", or at
the scheduled end with nobody publishing, the session ends and its recording
parts go to the media centre.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

from django.utils import timezone
from django.utils.translation import gettext_noop

from core.i18n import bilingual
from transcoding import live as live_hls

from . import actions
from .conf import live_settings
from .models import LiveSession, State

WRONG_KEY = gettext_noop(
    "A publisher was refused: the stream key was wrong (%(when)s). "
    "Copy the key again from this page."
)
BAD_VIDEO = gettext_noop(
    "The publisher's video codec “%(codec)s” is not supported. In OBS choose "
    "x264 (H.264) video and AAC audio, then start streaming again."
)
BAD_AUDIO = gettext_noop(
    "The publisher's audio codec “%(codec)s” is not supported. In OBS choose "
    "x264 (H.264) video and AAC audio, then start streaming again."
)
NO_AUDIO = gettext_noop(
    "The publisher sent no sound track. In OBS add a microphone (or any audio "
    "source), then start streaming again."
)
POLL_SECONDS = 0.2
_STREAM = re.compile(r"Stream #0:\d+.*?: (Video|Audio): (\w+)")


@dataclass
class Run:
    """One ffmpeg process: a listener that may receive one publisher connection."""

    process: subprocess.Popen
    part: Path
    lines: list[str] = field(default_factory=list)
    reader: threading.Thread | None = None

    def log(self) -> str:
        return "\n".join(self.lines)

    @property
    def wrong_key(self) -> bool:
        return any("Unexpected stream" in line for line in self.lines)

    def streams(self) -> dict[str, str] | None:
        """{"video": codec, "audio": codec} once the input has been probed, else None."""
        if not any(line.startswith("Input #0") for line in self.lines):
            return None
        found: dict[str, str] = {}
        for line in self.lines:
            if line.startswith("Output #"):
                break
            match = _STREAM.search(line)
            if match:
                found.setdefault(match.group(1).lower(), match.group(2))
        if not any(line.startswith(("Output #", "Stream mapping")) for line in self.lines):
            if "video" not in found or "audio" not in found:
                return None  # the stream list may still be printing
        return found


def codec_problem(streams: dict[str, str]) -> str:
    """The Thai-first message for what the publisher sends, or "" when it can be used."""
    video, audio = streams.get("video"), streams.get("audio")
    if video and video not in live_hls.VIDEO_CODECS:
        return bilingual(BAD_VIDEO, codec=video)
    if not audio:
        return bilingual(NO_AUDIO)
    if audio not in live_hls.AUDIO_CODECS:
        return bilingual(BAD_AUDIO, codec=audio)
    return ""


def listen_url(session: LiveSession) -> str:
    address = live_settings.LISTEN_ADDRESS
    return f"rtmp://{address}:{session.ingest_port}/live/{session.stream_key}"


def srt_listen_url(session: LiveSession) -> str:
    """The SRT listener's address: the stream key is its passphrase (AES-128)."""
    query = urlencode(
        {
            "mode": "listener",
            "passphrase": session.stream_key,
            "pbkeylen": 16,
            # libsrt's latency is in microseconds: the time it may spend
            # retransmitting a lost packet before the picture moves on.
            "latency": live_settings.SRT_LATENCY_MS * 1000,
        }
    )
    return f"srt://{live_settings.LISTEN_ADDRESS}:{session.ingest_port}?{query}"


def srt_publish_url(host: str, session: LiveSession) -> str:
    """What the teacher puts into OBS's Server field for SRT (no separate key)."""
    query = urlencode({"passphrase": session.stream_key, "pbkeylen": 16})
    return f"srt://{host}:{session.ingest_port or live_settings.PORT_FIRST}?{query}"


def srt_enabled() -> bool:
    """SRT = True/False, or "auto": when this ffmpeg was built with libsrt."""
    wanted = live_settings.SRT
    if isinstance(wanted, str):  # from the environment
        if wanted.strip().lower() == "auto":
            return "srt" in live_hls.ffmpeg_protocols()
        return wanted.strip().lower() in {"1", "true", "yes", "on"}
    return bool(wanted)


def _read(run: Run) -> None:
    for raw in run.process.stderr:  # type: ignore[union-attr]
        run.lines.append(raw.decode("utf-8", "replace").rstrip())


def start_run(session: LiveSession, number: int) -> Run:
    ladder = live_hls.live_ladder(live_settings.TOP_SHORT_SIDE)
    out = actions.hls_dir(session.pk)
    for rung in ladder.rungs:
        (out / rung.name).mkdir(parents=True, exist_ok=True)
    (out / "index.m3u8").write_text(live_hls.master_playlist(ladder), encoding="utf-8")
    parts = actions.session_dir(session.pk) / "recording"
    parts.mkdir(parents=True, exist_ok=True)
    part = parts / f"part-{number:04d}.ts"
    args = live_hls.live_command(
        listen_url(session), out, part, ladder, threads=live_settings.X264_THREADS
    )
    process = subprocess.Popen(
        args,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    run = Run(process=process, part=part)
    run.reader = threading.Thread(target=_read, args=(run,), daemon=True)
    run.reader.start()
    return run


class SrtGateway:
    """The SRT door of one session: listens, copies a publisher into the RTMP
    listener, and listens again when that publisher leaves."""

    def __init__(self, session: LiveSession):
        self.session_id = session.pk
        self.args = live_hls.srt_gateway_command(
            srt_listen_url(session),
            f"rtmp://127.0.0.1:{session.ingest_port}/live/{session.stream_key}",
        )
        self.run: Run | None = None
        self.refusals_noted = 0

    def keep_listening(self) -> None:
        """Called on every poll: notes refused keys; a finished gateway listens again."""
        run = self.run
        if run is not None:
            refusals = sum("Incorrect passphrase" in line for line in run.lines)
            if refusals > self.refusals_noted:
                # libsrt turned the caller away at the handshake; the listener
                # goes on waiting for the right key.
                self.refusals_noted = refusals
                when = timezone.localtime().strftime("%H:%M:%S")
                actions.refuse(self.session_id, bilingual(WRONG_KEY, when=when))
        if run is not None and run.process.poll() is None:
            streams = run.streams()
            problem = codec_problem(streams) if streams else ""
            if problem:
                stop(run, clean=False)
                actions.refuse(self.session_id, problem)
                self.run = None
            return
        if run is not None and run.reader is not None:
            run.reader.join(timeout=5)
        process = subprocess.Popen(
            self.args,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
        self.run = Run(process=process, part=Path(os.devnull))
        self.refusals_noted = 0
        self.run.reader = threading.Thread(target=_read, args=(self.run,), daemon=True)
        self.run.reader.start()

    def close(self) -> None:
        if self.run is not None:
            stop(self.run, clean=True)
            self.run = None


def stop(run: Run, *, clean: bool) -> None:
    """SIGINT lets ffmpeg finish its segments and recording part; SIGKILL does not."""
    if run.process.poll() is None:
        try:
            os.killpg(run.process.pid, signal.SIGINT if clean else signal.SIGKILL)
            run.process.wait(timeout=15)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            run.process.kill()
            run.process.wait()
    if run.reader is not None:
        run.reader.join(timeout=5)


def discard(run: Run) -> None:
    run.part.unlink(missing_ok=True)


def _session(session_id: int) -> LiveSession:
    return LiveSession.objects.get(pk=session_id)


def supervise(session_id: int) -> str:
    """Run the session's listener until the session ends; returns why it ended."""
    gateway = SrtGateway(_session(session_id)) if srt_enabled() else None
    try:
        return _supervise(session_id, gateway)
    finally:
        if gateway is not None:
            gateway.close()


def _supervise(session_id: int, gateway: SrtGateway | None) -> str:
    grace = live_settings.GRACE_SECONDS
    number = 0
    publisher_left: float | None = None  # monotonic time the last publisher dropped
    while True:
        session = _session(session_id)
        if session.state in (State.ENDED, State.RECORDED):
            return "ended"
        if timezone.now() >= session.ends_at and session.state == State.SCHEDULED:
            actions.end_session(session_id)
            return "nobody came"
        if publisher_left is not None and time.monotonic() - publisher_left > grace:
            actions.end_session(session_id, bilingual(actions.PUBLISHER_GONE, seconds=grace))
            return "publisher gone"
        number += 1
        run = start_run(session, number)
        outcome = watch(session_id, run, publisher_left, grace, gateway)
        if outcome == "publishing-ended":
            publisher_left = time.monotonic()
        elif outcome in ("ended", "nobody came", "publisher gone"):
            return outcome
        else:
            time.sleep(1.0)  # a refused publisher does not get a busy loop of listeners


def watch(
    session_id: int,
    run: Run,
    publisher_left: float | None,
    grace: int,
    gateway: SrtGateway | None = None,
) -> str:
    """Follow one ffmpeg run until its publisher leaves, it is refused, or the session ends."""
    checked = False
    last_db = 0.0
    while True:
        time.sleep(POLL_SECONDS)
        if gateway is not None:
            gateway.keep_listening()
        if run.wrong_key and not checked:
            stop(run, clean=False)
            discard(run)
            when = timezone.localtime().strftime("%H:%M:%S")
            actions.refuse(session_id, bilingual(WRONG_KEY, when=when))
            return "refused"
        if not checked:
            streams = run.streams()
            if streams is not None:
                problem = codec_problem(streams)
                if problem:
                    stop(run, clean=False)
                    discard(run)
                    actions.refuse(session_id, problem)
                    return "refused"
                checked = True
                actions.mark_live(session_id)
        if run.process.poll() is not None:
            if run.reader is not None:
                run.reader.join(timeout=5)
            if not checked:
                discard(run)
                return "refused"  # a connection that never sent a stream
            return "publishing-ended"
        now = time.monotonic()
        if now - last_db >= 1.0:
            last_db = now
            session = _session(session_id)
            if checked:
                actions.note_publishing(session_id)
            if session.state in (State.ENDED, State.RECORDED):
                stop(run, clean=True)
                return "ended"
            if not checked and session.state == State.SCHEDULED:
                if timezone.now() >= session.ends_at:
                    stop(run, clean=False)
                    discard(run)
                    actions.end_session(session_id)
                    return "nobody came"
            if not checked and publisher_left is not None and now - publisher_left > grace:
                stop(run, clean=False)
                discard(run)
                actions.end_session(session_id, bilingual(actions.PUBLISHER_GONE, seconds=grace))
                return "publisher gone"


def join_recording(session_id: int) -> Path | None:
    """The session's recording parts joined into one MP4 (no re-encode), or None."""
    parts = actions.recording_parts(session_id)
    if not parts:
        return None
    target = actions.session_dir(session_id) / "recording.mp4"
    subprocess.run(
        live_hls.recording_command(parts, target), check=True, capture_output=True, timeout=3600
    )
    return target
