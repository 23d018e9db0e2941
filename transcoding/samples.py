"""Generated clips (ffmpeg's test pattern and sine tones) for tests, demo and bench.

Nothing is downloaded: every clip is made on the spot with lavfi sources.
"""

from __future__ import annotations

import atexit
import shutil
import subprocess
import tempfile
from pathlib import Path

from .ffmpeg import ffmpeg_binary


def make_clip(
    path: str | Path,
    *,
    width: int = 320,
    height: int = 180,
    seconds: float = 2.0,
    fps: int = 25,
    audio_channels: int = 2,
    video: bool = True,
    sar: str = "1:1",
    pattern: str = "testsrc2",
    preset: str = "ultrafast",
) -> Path:
    """Write an H.264/AAC MP4 (or an M4A when ``video`` is False) and return its path.

    ffmpeg makes the same bytes from the same arguments, so a clip asked for
    again in this process is copied from the first one instead of encoded again
    (the demo's clips, made for every test that loads the demo).
    """
    path = Path(path)
    key = (path.suffix, width, height, seconds, fps, audio_channels, video, sar, pattern, preset)
    made = _MADE.get(key)
    if made is not None and made.exists():
        shutil.copyfile(made, path)
        return path
    args = [ffmpeg_binary(), "-hide_banner", "-nostdin", "-y", "-loglevel", "error"]
    if video:
        # A pattern may carry options of its own ("color=c=navy"): the size follows them.
        joiner = ":" if "=" in pattern else "="
        args += ["-f", "lavfi", "-i", f"{pattern}{joiner}size={width}x{height}:rate={fps}"]
    if audio_channels:
        layout = {1: "mono", 2: "stereo", 6: "5.1"}[audio_channels]
        tones = "|".join(f"sin({440 + 110 * c}*2*PI*t)*0.2" for c in range(audio_channels))
        args += ["-f", "lavfi", "-i", f"aevalsrc={tones}:s=48000:c={layout}"]
    args += ["-t", f"{seconds}"]
    if video:
        args += ["-vf", f"setsar={sar.replace(':', '/')}", "-c:v", "libx264", "-preset", preset]
        args += ["-pix_fmt", "yuv420p"]
    if audio_channels:
        args += ["-c:a", "aac", "-b:a", "128k" if audio_channels <= 2 else "256k"]
    args += ["-movflags", "+faststart", str(path)]
    subprocess.run(args, check=True, capture_output=True, timeout=600)
    _MADE[key] = _keep(path)
    return path


_MADE: dict[tuple, Path] = {}  # make_clip's arguments -> this process's copy of the clip
_KEPT: list[Path] = []


def _keep(path: Path) -> Path:
    if not _KEPT:
        _KEPT.append(Path(tempfile.mkdtemp(prefix="khlang-clips-")))
        atexit.register(shutil.rmtree, _KEPT[0], ignore_errors=True)
    kept = _KEPT[0] / f"{len(_MADE)}{path.suffix}"
    shutil.copyfile(path, kept)
    return kept


def make_corrupt(path: str | Path, source: str | Path) -> Path:
    """A media file cut in the middle and scribbled over: what a broken upload looks like."""
    data = bytearray(Path(source).read_bytes())
    keep = data[: len(data) // 3]
    for i in range(64, len(keep), 97):
        keep[i] ^= 0x5A
    path = Path(path)
    path.write_bytes(bytes(keep))
    return path


SYNC_PERIOD = 4.0  # a flash and a beep every period, at half past its start
SYNC_FLASH_AT = 2.0


def make_sync_clip(
    path: str | Path,
    *,
    width: int = 320,
    height: int = 180,
    seconds: float = 24.0,
    fps: int = 25,
    preset: str = "ultrafast",
) -> Path:
    """A clip whose picture flashes white for one frame while a 1 kHz beep starts.

    Both marks fall at ``SYNC_FLASH_AT`` into every ``SYNC_PERIOD``, away from
    the chunk joins (which fall on segment boundaries), so lip-sync can be read
    off anything made from it, at every mark (transcoding.avsync).
    """
    path = Path(path)
    at, period, frame = SYNC_FLASH_AT, SYNC_PERIOD, 1 / fps
    when = f"between(mod(t\\,{period:g})\\,{at:g}\\,{at + frame / 2:g})"
    video = f"testsrc2=size={width}x{height}:rate={fps},drawbox=c=white:t=fill:enable='{when}'"
    beep = f"if(between(mod(t\\,{period:g})\\,{at:g}\\,{at + 0.1:g})\\,0.8*sin(2*PI*1000*t)\\,0)"
    args = [ffmpeg_binary(), "-hide_banner", "-nostdin", "-y", "-loglevel", "error"]
    args += ["-f", "lavfi", "-i", video, "-f", "lavfi", "-i", f"aevalsrc={beep}:s=48000:c=mono"]
    args += ["-t", f"{seconds}", "-c:v", "libx264", "-preset", preset, "-pix_fmt", "yuv420p"]
    args += ["-c:a", "aac", "-b:a", "128k", "-movflags", "+faststart", str(path)]
    subprocess.run(args, check=True, capture_output=True, timeout=600)
    return path
