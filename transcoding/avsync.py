"""Reading lip-sync and frame counts off a decoded file made from a sync clip.

The clip (samples.make_sync_clip) flashes white for one frame as a beep starts,
every few seconds. Decoding an output as a player would (timestamps as stored)
and comparing when each beep starts against when its flash is shown gives the
A/V offset at every mark: the first mark against the last is the drift.
"""

from __future__ import annotations

import re
import subprocess
from array import array
from dataclasses import dataclass
from pathlib import Path

from .ffmpeg import ffmpeg_binary

_FRAME = re.compile(r"pts_time:\s*(-?[0-9.]+).*?mean:\[(\d+)")
_AUDIO_START = re.compile(r"pts_time:\s*(-?[0-9.]+)")
FLASH_LUMA = 200  # a white frame; the test picture's mean stays far below
BEEP_LEVEL = 0.4  # half the beep's amplitude: above AAC's pre-echo, below the tone


@dataclass(frozen=True)
class SyncReport:
    frames: int
    flashes: tuple[float, ...]  # seconds, as the file stamps them
    beeps: tuple[float, ...]
    offsets_ms: tuple[float, ...]  # beep minus flash, at each mark

    @property
    def drift_ms(self) -> float:
        return self.offsets_ms[-1] - self.offsets_ms[0] if self.offsets_ms else 0.0

    def drift_ms_per_hour(self) -> float:
        span = self.flashes[-1] - self.flashes[0] if len(self.flashes) > 1 else 0.0
        return self.drift_ms * 3600 / span if span else 0.0


def _run(args: list[str]) -> subprocess.CompletedProcess:
    return subprocess.run(args, capture_output=True, check=True, timeout=600)


def video_frames(path: str | Path) -> list[tuple[float, int]]:
    """(time, mean luma) of every decoded frame, no frame dropped or repeated."""
    args = [ffmpeg_binary(), "-hide_banner", "-nostdin", "-i", str(path), "-map", "0:v:0"]
    args += ["-vf", "showinfo", "-fps_mode", "passthrough", "-f", "null", "-"]
    text = _run(args).stderr.decode(errors="replace")
    return [(float(t), int(y)) for t, y in _FRAME.findall(text)]


def beep_starts(path: str | Path, period: float) -> list[float]:
    """The time each beep starts: the first loud sample after a quiet spell."""
    args = [ffmpeg_binary(), "-hide_banner", "-nostdin", "-i", str(path), "-map", "0:a:0"]
    args += ["-af", "ashowinfo", "-ac", "1", "-ar", "48000", "-f", "f32le", "-"]
    result = _run(args)
    found = _AUDIO_START.search(result.stderr.decode(errors="replace"))
    start = float(found.group(1)) if found else 0.0
    samples = array("f")
    samples.frombytes(result.stdout[: len(result.stdout) // 4 * 4])
    starts: list[float] = []
    quiet_until = -1.0
    for n, value in enumerate(samples):
        if abs(value) >= BEEP_LEVEL:
            t = start + n / 48000
            if t >= quiet_until:
                starts.append(t)
            quiet_until = t + period / 2
    return starts


def measure(path: str | Path, period: float) -> SyncReport:
    frames = video_frames(path)
    flashes = [t for t, luma in frames if luma >= FLASH_LUMA]
    beeps = beep_starts(path, period)
    offsets = []
    for flash in flashes:
        nearest = min(beeps, key=lambda b: abs(b - flash), default=None)
        if nearest is not None and abs(nearest - flash) < period / 2:
            offsets.append(round((nearest - flash) * 1000, 2))
    return SyncReport(len(frames), tuple(flashes), tuple(beeps), tuple(offsets))
