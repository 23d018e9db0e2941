"""The one place that runs ffmpeg and ffprobe (swap the tools here, nowhere else).

The system's binaries come first (Debian's build has every codec we use); else
ffmpeg from the imageio-ffmpeg wheel. ffprobe has no wheel: without a system
ffprobe (or KHLANG_FFPROBE) probing fails with a message saying so.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import threading
from collections import deque
from collections.abc import Callable
from pathlib import Path

from django.utils.translation import gettext_lazy as _

from .messages import bilingual
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


def run(
    args: list[str],
    *,
    on_progress: Callable[[float], None] | None = None,
    on_start: Callable[[int], None] | None = None,
    timeout: float | None = None,
) -> str:
    """Run one ffmpeg command; report progress (seconds of output done) and its pid.

    Raises FfmpegError with the log tail on a non-zero exit. ``-progress pipe:1``
    lines arrive on stdout; errors on stderr, kept as a bounded tail.
    """
    process = subprocess.Popen(
        args,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own group: cancelling kills ffmpeg, not the worker
    )
    if on_start:
        on_start(process.pid)
    tail: deque[str] = deque(maxlen=LOG_TAIL_LINES)

    def read_stderr():
        for line in process.stderr:  # type: ignore[union-attr]
            tail.append(line.rstrip())

    reader = threading.Thread(target=read_stderr, daemon=True)
    reader.start()
    try:
        for line in process.stdout:  # type: ignore[union-attr]
            key, _, value = line.strip().partition("=")
            if key == "out_time_us" and on_progress and value.lstrip("-").isdigit():
                on_progress(max(0, int(value)) / 1_000_000)
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired as exc:
        kill(process.pid)
        process.wait()
        message = bilingual(_("ffmpeg took too long"))
        raise FfmpegError(message, "\n".join(tail)) from exc
    reader.join(timeout=5)
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
