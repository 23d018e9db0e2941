"""Per-title bitrates: how hard a source is to compress, from a short trial encode.

A fixed ladder spends the same bits on a slide lecture as on a football match.
Before the real encode we take a few short windows spread over the source, scale
them to a small reference size and encode them at one constant quality (CRF)
with a fast preset on one thread. The bitrate that needs, against what typical
camera footage needs at the same CRF, is the title's complexity: every rung's
target bitrate is the table's times that factor, never more than the table's
(the rung's peak stays its budget) and never below a floor.

Why a trial encode and not capped CRF for the real rungs: with a bitrate target
the ladder's sizes stay predictable per rung (the master playlist, the
satellite budget, the bench's equal-size quality comparisons), while CRF would
make every rung's size depend on the preset, too.

The trial costs a few CPU seconds whatever the length (at most five seconds of
the source, and 15 % of a short clip) and is deterministic (one thread), so
every chunk of a long video that computes it gets the same ladder.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from .ffmpeg import ffmpeg_binary
from .probe import ProbeResult

WINDOWS = 5  # at most this many windows, spread over the source
TRIAL_SECONDS = 5.0  # at most this much of the source is decoded for the trial
TRIAL_SHARE = 0.15  # and at most this share of a short one
MIN_WINDOW_SECONDS = 0.5
TRIAL_SHORT_SIDE = 240
TRIAL_CRF = 23
TRIAL_PRESET = "veryfast"
TRIAL_FPS = 15
# Measured with this trial on the bench's camera-like clips (bench/_natural.py):
# hand-held outdoor footage needs about this much at 240p, CRF 23, 15 fps.
# The rung table (transcoding.ladder.RUNG_TABLE) is sized for such footage, so
# its factor is 1; a grainy sports pan comes out above (clamped to 1), a slide
# lecture with a talking head far below.
REFERENCE_KBPS = 180.0
# The floor: a still slide lecture at 0.45 of the table keeps 45-48 dB PSNR on
# its large rungs (the fixed ladder's 49-52 dB there is beyond what anyone can
# see); at 0.3 the 360p rung fell to 42 dB.
MIN_FACTOR = 0.45


def windows(duration: float) -> list[tuple[float, float]]:
    """(start, length) of the trial windows: evenly spread, a small share of the source.

    The trial decodes what it reads, so its cost is bounded by a few seconds of
    the source whatever its length, and stays a small share of a short clip.
    """
    total = max(MIN_WINDOW_SECONDS, min(TRIAL_SECONDS, TRIAL_SHARE * duration))
    count = max(1, min(WINDOWS, int(total / MIN_WINDOW_SECONDS)))
    length = round(total / count, 3)
    gap = duration / count
    return [(round(max(0.0, gap * (i + 0.5) - length / 2), 3), length) for i in range(count)]


def trial_command(ffmpeg: str, source: str | Path, info: ProbeResult) -> list[str]:
    """One ffmpeg run: the windows, concatenated, scaled and encoded to stdout (raw H.264)."""
    parts = windows(info.duration)
    args = [ffmpeg, "-hide_banner", "-nostdin", "-loglevel", "error", "-threads", "1"]
    for start, length in parts:
        args += ["-ss", f"{start:.3f}", "-t", f"{length:.3f}", "-an", "-i", str(source)]
    width, height = info.width or 16, info.height or 9
    scale = TRIAL_SHORT_SIDE / max(1, min(width, height))
    size = f"{max(2, round(width * scale / 2) * 2)}:{max(2, round(height * scale / 2) * 2)}"
    inputs = "".join(f"[{i}:v:0]" for i in range(len(parts)))
    graph = (
        f"{inputs}concat=n={len(parts)}:v=1:a=0,fps={TRIAL_FPS},scale={size}:flags=bicubic,"
        "format=yuv420p"
    )
    args += ["-filter_complex", graph, "-filter_complex_threads", "1"]
    args += ["-c:v", "libx264", "-preset", TRIAL_PRESET, "-crf", str(TRIAL_CRF), "-threads", "1"]
    return args + ["-f", "h264", "pipe:1"]


def factor_from_kbps(kbps: float) -> float:
    """The rungs' bitrate factor for a title whose trial needed ``kbps``."""
    return round(min(1.0, max(MIN_FACTOR, kbps / REFERENCE_KBPS)), 3)


def measure_kbps(source: str | Path, info: ProbeResult, timeout: float = 600) -> float:
    """The trial encode's bitrate (kbit/s) for ``source``."""
    result = subprocess.run(
        trial_command(ffmpeg_binary(), source, info),
        capture_output=True,
        timeout=timeout,
        check=True,
    )
    seconds = sum(length for _, length in windows(info.duration))
    return len(result.stdout) * 8 / 1000 / seconds


def title_factor(source: str | Path, info: ProbeResult) -> float:
    """1.0 for footage as hard as the table was sized for, less for easier titles.

    A source that fails the trial (it decoded cleanly before, so this is rare)
    keeps the fixed ladder: the worst case is today's bitrates, never a failure.
    """
    if info.video is None or info.is_image or info.duration <= 0:
        return 1.0
    try:
        return factor_from_kbps(measure_kbps(source, info))
    except (subprocess.SubprocessError, OSError):
        return 1.0
