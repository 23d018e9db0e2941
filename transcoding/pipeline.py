"""One source file in, one finished rendition folder out.

This is the I/O edge around the pure planner and argument builder: probe, plan,
one ffmpeg run for every rung (plus the sprite), measure the segments, write the
master playlist, then the poster and the download copy. It knows nothing of
models or Celery, so the benchmark runs exactly what the worker runs.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from . import commands, ffmpeg, hls
from .ladder import Ladder, plan_ladder
from .probe import ProbeResult

MASTER = "master.m3u8"
MANIFEST = "manifest.json"
SPRITE_VTT = "thumbnails.vtt"


@dataclass
class Rendition:
    """What a finished rendition folder holds (also written as manifest.json)."""

    duration: float
    kind: str  # video or audio
    variants: list[dict] = field(default_factory=list)
    lowest_peak_kbps: float = 0.0
    master: str = MASTER
    poster: str = ""
    thumbnail: str = ""
    sprite_vtt: str = ""
    download: str = ""
    log_tail: str = ""


def _vtt_time(seconds: float) -> str:
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{int(hours):02d}:{int(minutes):02d}:{secs:06.3f}"


def sprite_vtt(plan: commands.SpritePlan, duration: float, sheet_pattern: str) -> str:
    """A WebVTT thumbnails track: each cue points at one tile of a sprite sheet."""
    lines = ["WEBVTT", ""]
    count = max(1, int(duration // plan.interval) + (1 if duration % plan.interval else 0))
    for n in range(count):
        start, end = n * plan.interval, min((n + 1) * plan.interval, duration)
        sheet, cell = divmod(n, plan.per_sheet)
        row, col = divmod(cell, plan.columns)
        x, y = col * plan.width, row * plan.height
        uri = sheet_pattern % (sheet + 1)
        lines += [
            f"{_vtt_time(start)} --> {_vtt_time(end)}",
            f"{uri}#xywh={x},{y},{plan.width},{plan.height}",
            "",
        ]
    return "\n".join(lines)


def measure(out_dir: Path, ladder: Ladder) -> list[hls.VariantStats]:
    stats = []
    if ladder.rungs:
        for rung in ladder.rungs:
            playlist = out_dir / rung.name / "index.m3u8"
            codecs = hls.codecs_string(rung.level, True, rung.audio is not None)
            stats.append(hls.variant_stats(playlist, rung.name, rung.width, rung.height, codecs))
    else:
        for name in ladder.variant_names:
            codecs = hls.codecs_string(None, False, True)
            stats.append(hls.variant_stats(out_dir / name / "index.m3u8", name, codecs=codecs))
    return stats


def write_text_atomic(path: Path, text: str) -> None:
    temp = path.with_suffix(path.suffix + ".tmp")
    temp.write_text(text, encoding="utf-8")
    temp.replace(path)


def transcode(
    source: str | Path,
    out_dir: str | Path,
    *,
    probe: ProbeResult | None = None,
    include_1080: bool = False,
    preset: str = commands.DEFAULT_PRESET,
    threads: int = 0,
    with_extras: bool = True,
    on_progress: Callable[[float], None] | None = None,
    on_start: Callable[[int], None] | None = None,
    timeout: float | None = None,
) -> Rendition:
    """Encode ``source`` into ``out_dir`` (created; must be a fresh folder).

    ``on_progress`` receives a fraction 0–1 of the main encode; ``on_start`` the
    pid of each ffmpeg process (so a deleted item can kill its job).
    """
    out = Path(out_dir)
    info = probe or ffmpeg.probe(source)
    out.mkdir(parents=True, exist_ok=False)
    ladder = plan_ladder(info, include_1080=include_1080)
    binary = ffmpeg.ffmpeg_binary()
    sprite = None
    if with_extras and info.video is not None and not info.is_image:
        sprite = commands.plan_sprite(info.duration, info.width or 16, info.height or 9)
    for name in ladder.variant_names:
        (out / name).mkdir()

    def progress(seconds: float) -> None:
        if on_progress and info.duration:
            on_progress(min(1.0, seconds / info.duration))

    args = commands.hls_command(
        binary, source, out, ladder, preset=preset, threads=threads, sprite=sprite
    )
    log = ffmpeg.run(args, on_progress=progress, on_start=on_start, timeout=timeout)
    variants = measure(out, ladder)
    write_text_atomic(out / MASTER, hls.master_playlist(variants))
    result = Rendition(
        duration=info.duration,
        kind="video" if ladder.rungs else "audio",
        variants=[asdict(v) for v in variants],
        lowest_peak_kbps=min((v.peak_kbps for v in variants), default=0.0),
        log_tail=log,
    )
    if with_extras:
        _extras(binary, source, out, info, ladder, sprite, result, on_start, timeout)
    write_text_atomic(out / MANIFEST, json.dumps(asdict(result), ensure_ascii=False, indent=1))
    return result


def _extras(binary, source, out, info, ladder, sprite, result, on_start, timeout) -> None:
    if sprite is not None:
        write_text_atomic(out / SPRITE_VTT, sprite_vtt(sprite, info.duration, "sprite_%03d.jpg"))
        result.sprite_vtt = SPRITE_VTT
    if info.video is not None:
        at = commands.poster_time(info.duration)
        args = commands.poster_command(binary, source, out, at, info.width, info.height)
        ffmpeg.run(args, on_start=on_start, timeout=timeout)
        result.poster, result.thumbnail = "poster.jpg", "thumbnail.jpg"
    rung = ladder.download_rung
    name = rung.name if rung else ladder.variant_names[-1]
    target = "download.mp4" if rung else "download.m4a"
    args = commands.download_command(binary, out / name / "index.m3u8", out / target)
    ffmpeg.run(args, on_start=on_start, timeout=timeout)
    result.download = target
