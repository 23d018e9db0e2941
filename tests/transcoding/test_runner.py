"""The ffmpeg runner: limits enforced while ffmpeg runs, a heartbeat while it
prints nothing, its process group killed, and no orphan when its parent dies."""

import os
import signal
import subprocess
import sys
import time

import pytest

from transcoding import ffmpeg

# A filter graph that never ends: ffmpeg would run until killed.
ENDLESS = ["-f", "lavfi", "-i", "testsrc2=size=64x64:rate=5", "-f", "null", "-"]


def _ffmpeg(*extra: str) -> list[str]:
    return [ffmpeg.ffmpeg_binary(), "-hide_banner", "-nostdin", "-loglevel", "error", *extra]


def _gone(pid: int) -> bool:
    return not ffmpeg.is_ffmpeg(pid)


def test_timeout_is_enforced_while_ffmpeg_runs_and_kills_it():
    pids = []
    started = time.monotonic()
    with pytest.raises(ffmpeg.FfmpegError, match="took too long"):
        ffmpeg.run(_ffmpeg(*ENDLESS), on_start=pids.append, timeout=1.5)
    assert time.monotonic() - started < 10  # the old runner waited for stdout to close: forever
    assert _gone(pids[0])


def test_the_supervision_deadline_applies_to_every_run_inside_it():
    with ffmpeg.supervised(ffmpeg.Supervision(deadline=time.monotonic() + 1)):
        with pytest.raises(ffmpeg.FfmpegError):
            ffmpeg.run(_ffmpeg(*ENDLESS))


def test_heartbeat_beats_while_ffmpeg_prints_no_progress():
    beats = []
    watch = ffmpeg.Supervision(deadline=time.monotonic() + 5, heartbeat=lambda: beats.append(1))
    with ffmpeg.supervised(watch), pytest.raises(ffmpeg.FfmpegError):
        ffmpeg.run(_ffmpeg(*ENDLESS))  # no -progress: silent until killed
    assert len(beats) >= 2


def test_an_exception_from_a_callback_kills_the_process_group():
    pids = []

    def lost():
        raise RuntimeError("taken over")

    with ffmpeg.supervised(ffmpeg.Supervision(heartbeat=lost)), pytest.raises(RuntimeError):
        ffmpeg.run(_ffmpeg(*ENDLESS), on_start=pids.append)
    assert _gone(pids[0])


def test_ffmpeg_dies_with_the_worker_process_that_started_it(tmp_path):
    pid_file = tmp_path / "pid"
    code = (
        "import sys; from transcoding import ffmpeg; "
        f"ffmpeg.run({_ffmpeg(*ENDLESS)!r}, on_start=lambda p: open({str(pid_file)!r}, 'w').write(str(p)))"
    )
    worker = subprocess.Popen([sys.executable, "-c", code], env={**os.environ})
    for _ in range(100):
        if pid_file.exists() and pid_file.read_text():
            break
        time.sleep(0.1)
    pid = int(pid_file.read_text())
    assert ffmpeg.is_ffmpeg(pid)
    os.kill(worker.pid, signal.SIGKILL)
    worker.wait()
    for _ in range(50):
        if _gone(pid):
            break
        time.sleep(0.1)
    assert _gone(pid)  # no orphan encoding on beside the retry


def test_a_run_that_ends_returns_at_once():
    """The runner returns when ffmpeg exits, with or without a supervision block."""
    started = time.monotonic()
    with ffmpeg.supervised(ffmpeg.Supervision(heartbeat=lambda: None)):
        ffmpeg.run(_ffmpeg("-f", "lavfi", "-i", "testsrc2=size=64x64:rate=5:duration=1",
                           "-progress", "pipe:1", "-f", "null", "-"), timeout=60)  # fmt: skip
    assert time.monotonic() - started < 30
