"""The one place that runs ffmpeg and ffprobe (swap the tools here, nowhere else).

The system's binaries come first (Debian's build has every codec we use); else
ffmpeg from the imageio-ffmpeg wheel. ffprobe has no wheel: without a system
ffprobe (or KHLANG_FFPROBE) probing fails with a message saying so.
"""

from __future__ import annotations

import ctypes
import json
import os
import queue
import shutil
import signal
import subprocess
import threading
import time
from collections import deque
from collections.abc import Callable
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path

from django.utils.translation import gettext_lazy as _

from core.i18n import bilingual

from .probe import ProbeError, ProbeResult, parse_probe

LOG_TAIL_LINES = 40


class FfmpegError(RuntimeError):
    """ffmpeg failed; ``log_tail`` holds its last lines."""

    def __init__(self, message: str, log_tail: str = ""):
        super().__init__(message)
        self.log_tail = log_tail


def ffmpeg_binary() -> str:
    found = os.environ.get("KHLANG_FFMPEG") or shutil.which("ffmpeg")
    if found:
        return found
    try:
        import imageio_ffmpeg
    except ImportError as exc:  # pragma: no cover - both are dependencies
        raise FfmpegError(bilingual(_("ffmpeg not found"))) from exc
    return imageio_ffmpeg.get_ffmpeg_exe()


def ffprobe_binary() -> str | None:
    return os.environ.get("KHLANG_FFPROBE") or shutil.which("ffprobe")


def probe_json(path: str | Path, timeout: float = 60) -> dict:
    """ffprobe's format and stream description of ``path`` as a dict."""
    binary = ffprobe_binary()
    if binary is None:
        raise FfmpegError(bilingual(_("ffprobe not found")))
    args = [binary, "-v", "error", "-print_format", "json", "-show_format", "-show_streams"]
    result = subprocess.run(
        [*args, str(path)], capture_output=True, timeout=timeout, check=False, text=True
    )
    try:
        data = json.loads(result.stdout or "{}")
    except json.JSONDecodeError:
        data = {}
    if result.returncode != 0 and not data.get("streams"):
        reason = (result.stderr or "").strip().splitlines()[-1:] or ["unknown"]
        raise ProbeError(
            bilingual(
                _("cannot read the media file; it may be damaged or not media (%(reason)s)"),
                reason=reason[0],
            )
        )
    return data


def probe(path: str | Path) -> ProbeResult:
    return parse_probe(probe_json(path))


def decodes_cleanly(path: str | Path, seconds: float = 2.0, timeout: float = 60) -> bool:
    """Decode the first seconds: a truncated or garbled file fails here, not mid-job."""
    args = [ffmpeg_binary(), "-v", "error", "-nostdin", "-xerror", "-t", str(seconds)]
    result = subprocess.run(
        [*args, "-i", str(path), "-f", "null", "-"],
        capture_output=True,
        timeout=timeout,
        check=False,
    )
    return result.returncode == 0


@dataclass
class Supervision:
    """What the task running ffmpeg asks of every ffmpeg process it starts.

    ``deadline`` (time.monotonic()) is enforced by killing the process group;
    ``heartbeat`` is called every HEARTBEAT_SECONDS while a process lives, whether
    or not ffmpeg prints progress; ``duration`` (seconds of source) turns the
    source file's read position into progress when ffmpeg's own report stalls.
    """

    deadline: float | None = None
    heartbeat: Callable[[], None] | None = None
    duration: float = 0.0


_supervision: ContextVar[Supervision | None] = ContextVar("ffmpeg_supervision", default=None)
HEARTBEAT_SECONDS = 2.0
TICK_SECONDS = 0.5


@contextmanager
def supervised(supervision: Supervision):
    """Every ffmpeg.run inside this block obeys ``supervision``."""
    token = _supervision.set(supervision)
    try:
        yield supervision
    finally:
        _supervision.reset(token)


def _die_with_parent() -> None:  # pragma: no cover - runs in the child before exec
    """Linux: ffmpeg gets SIGKILL when the worker process that started it dies.

    ffmpeg runs in its own session (so a cancel can kill its group without the
    worker), which also means a killed worker would leave it running: an orphan
    encoding on for an hour beside the retry. PR_SET_PDEATHSIG closes that gap.
    """
    try:
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):
        pass


PR_SET_PDEATHSIG = 1


def _input_fraction(pid: int, source: str | None, size: int) -> float | None:
    """How far ffmpeg has read its input file (0-1), from /proc's fd position.

    ffmpeg's ``-progress`` report waits for every output: with the preview
    sprite in the same command it says nothing until the main encode ends.
    The input's read offset moves all the time, whatever the outputs do.
    """
    if not source or size <= 0:
        return None
    fd_dir = Path(f"/proc/{pid}/fd")
    try:
        for fd in fd_dir.iterdir():
            if os.readlink(fd) == source:
                info = (Path(f"/proc/{pid}/fdinfo") / fd.name).read_text()
                pos = int(info.split("pos:", 1)[1].split()[0])
                return min(1.0, pos / size)
    except (OSError, ValueError, IndexError):
        return None
    return None


def _first_input(args: list[str]) -> tuple[str | None, int]:
    for flag, value in zip(args, args[1:], strict=False):
        if flag == "-i" and os.path.isfile(value):
            return os.path.realpath(value), os.path.getsize(value)
    return None, 0


def run(
    args: list[str],
    *,
    on_progress: Callable[[float], None] | None = None,
    on_start: Callable[[int], None] | None = None,
    timeout: float | None = None,
) -> str:
    """Run one ffmpeg command; report progress (seconds of output done) and its pid.

    The timeout (and the deadline of an enclosing ``supervised`` block) is
    enforced while ffmpeg runs: its whole process group is killed. Raises
    FfmpegError with the log tail on a non-zero exit or a timeout. Any exception
    from a callback (a cancel) also kills the group before it propagates.
    """
    watch = _supervision.get() or Supervision()
    deadlines = [d for d in (watch.deadline,) if d is not None]
    if timeout is not None:
        deadlines.append(time.monotonic() + timeout)
    deadline = min(deadlines) if deadlines else None
    if deadline is not None and time.monotonic() >= deadline:
        raise FfmpegError(bilingual(_("ffmpeg took too long")))
    process = subprocess.Popen(
        args,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own group: cancelling kills ffmpeg, not the worker
        preexec_fn=_die_with_parent,
    )
    try:
        return _watch(process, watch, deadline, on_progress, on_start, _first_input(args))
    except BaseException:
        kill(process.pid)
        process.wait()
        raise


def _watch(process, watch, deadline, on_progress, on_start, source) -> str:
    if on_start:
        on_start(process.pid)
    tail: deque[str] = deque(maxlen=LOG_TAIL_LINES)
    lines: queue.Queue = queue.Queue()

    def pump(stream, sink, last=None) -> None:
        for line in stream:
            sink(line)
        if last is not None:
            sink(last)  # end of stdout: ffmpeg is done

    errors = threading.Thread(target=pump, args=(process.stderr, tail.append), daemon=True)
    errors.start()
    end = object()
    threading.Thread(target=pump, args=(process.stdout, lines.put, end), daemon=True).start()
    reported = last_beat = 0.0
    while True:
        try:
            line = lines.get(timeout=TICK_SECONDS)
        except queue.Empty:
            line = ""
        if line is end:
            break
        now = time.monotonic()
        key, _sep, value = line.strip().partition("=")
        if key == "out_time_us" and value.lstrip("-").isdigit():
            reported = max(reported, int(value) / 1_000_000)
            if on_progress:
                on_progress(reported)
        if now - last_beat >= HEARTBEAT_SECONDS:
            last_beat = now
            read = _input_fraction(process.pid, *source) if watch.duration else None
            if on_progress and read is not None and read * watch.duration > reported:
                reported = read * watch.duration
                on_progress(reported)
            if watch.heartbeat:
                watch.heartbeat()
        if deadline is not None and now >= deadline:
            kill(process.pid)
            process.wait()
            raise FfmpegError(bilingual(_("ffmpeg took too long")), "\n".join(tail))
    process.wait()
    errors.join(timeout=5)
    log = "\n".join(tail)
    if process.returncode != 0:
        raise FfmpegError(
            bilingual(_("ffmpeg failed (exit code %(code)s)"), code=process.returncode),
            log,
        )
    return log


def kill(pid: int) -> bool:
    """Stop an ffmpeg run by process id (its whole process group). True if it was alive."""
    try:
        os.killpg(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        try:
            os.kill(pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            return False
    return True


def is_ffmpeg(pid: int) -> bool:
    """True when ``pid`` is a live ffmpeg process on this host (not a reused pid)."""
    try:
        argv0 = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0", 1)[0]
    except OSError:
        return False
    return os.path.basename(argv0.decode(errors="replace")).startswith("ffmpeg")
