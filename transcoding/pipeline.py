"""One source file in, one finished rendition folder out.

This is the I/O edge around the pure planner and argument builder: probe, plan,
one ffmpeg run for every rung (plus the sprite), measure the segments, write the
master playlist, then the poster and the download copy. It knows nothing of
models or Celery, so the benchmark runs exactly what the worker runs.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from . import chunks, commands, complexity, ffmpeg, hls
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
    bitrate_factor: float = 1.0  # the per-title factor the ladder was planned with
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
    per_title: bool = True,
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
    ladder = plan(source, info, include_1080, per_title)
    sprite = _sprite_plan(info) if with_extras else None
    for name in ladder.variant_names:
        (out / name).mkdir()

    def progress(seconds: float) -> None:
        if on_progress and info.duration:
            on_progress(min(1.0, seconds / info.duration))

    args = commands.hls_command(
        ffmpeg.ffmpeg_binary(), source, out, ladder, preset=preset, threads=threads, sprite=sprite
    )
    log = ffmpeg.run(args, on_progress=progress, on_start=on_start, timeout=timeout)
    return finish(source, out, info, ladder, sprite, with_extras, log, on_start, timeout)


def plan(source, info: ProbeResult, include_1080: bool = False, per_title: bool = True) -> Ladder:
    """The ladder for ``source``: per-title bitrates from a short trial encode
    (transcoding.complexity), or the fixed table's with ``per_title`` off.
    Deterministic, so each chunk of a long video plans the same ladder."""
    factor = complexity.title_factor(source, info) if per_title else 1.0
    return plan_ladder(info, include_1080=include_1080, bitrate_factor=factor)


def finish(
    source, out: Path, info: ProbeResult, ladder: Ladder, sprite, with_extras: bool,
    log: str = "", on_start=None, timeout=None,
) -> Rendition:  # fmt: skip
    """Measure the variants, write the master playlist, then poster and download."""
    variants = measure(out, ladder)
    write_text_atomic(out / MASTER, hls.master_playlist(variants))
    result = Rendition(
        duration=info.duration,
        kind="video" if ladder.rungs else "audio",
        variants=[asdict(v) for v in variants],
        lowest_peak_kbps=min((v.peak_kbps for v in variants), default=0.0),
        bitrate_factor=ladder.bitrate_factor,
        log_tail=log,
    )
    if with_extras:
        binary = ffmpeg.ffmpeg_binary()
        _extras(binary, source, out, info, ladder, sprite, result, on_start, timeout)
    write_text_atomic(out / MANIFEST, json.dumps(asdict(result), ensure_ascii=False, indent=1))
    return result


def plan_chunks(duration: float, segment_seconds: int, chunk_seconds: float) -> list[tuple]:
    """(start, length) pieces of whole segments, so chunk joins fall on keyframes."""
    step = max(1, int(chunk_seconds // segment_seconds)) * segment_seconds
    chunks = []
    start = 0
    while start < duration - 0.05:
        chunks.append((float(start), float(min(step, duration - start))))
        start += step
    if len(chunks) > 1 and chunks[-1][1] < segment_seconds / 2:
        last_start, last_len = chunks.pop()  # a sliver joins the chunk before it
        start, length = chunks.pop()
        chunks.append((start, length + last_len))
    return chunks


def chunk_threads(configured: int, parallel: int, cores: int | None = None) -> int:
    """Threads for each ffmpeg when ``parallel`` chunks are encoded at once on a host.

    x264 already spreads one encode over every core, so two chunks side by side,
    each with its own full set of threads, only fight for the same cores. Giving
    each run its share (cores / runs at once) keeps the total at one thread per
    core; the gain of parallel chunks is then the part of a single run that x264
    cannot spread (decoding, scaling, the lookahead, muxing). An explicit
    ``KHLANG_FFMPEG_THREADS`` wins.
    """
    if configured:
        return configured
    return max(1, (cores or os.cpu_count() or 1) // max(1, parallel))


def encode_chunk(
    source, chunk_dir: Path, ladder: Ladder, start: float, length: float, *,
    preset: str = commands.DEFAULT_PRESET, threads: int = 0, on_start=None, timeout=None,
    last: bool = False,
) -> str:  # fmt: skip
    """Encode the video of one time range of every rung into ``chunk_dir``."""
    chunks.prepare(chunk_dir)
    args = chunks.chunk_command(
        ffmpeg.ffmpeg_binary(), source, chunk_dir, ladder, start, None if last else length,
        preset=preset, threads=threads,
    )  # fmt: skip
    return ffmpeg.run(args, on_start=on_start, timeout=timeout)


def join_chunks(
    source, chunk_dirs: list[Path], out: Path, info: ProbeResult, ladder: Ladder, *,
    with_extras: bool = True, threads: int = 0, on_start=None, timeout=None,
) -> Rendition:  # fmt: skip
    """The finished rendition from encoded chunks: joined video, audio encoded once,
    seek previews from a small rung, then what ``finish`` adds. Chunks are removed."""
    sprite = _sprite_plan(info) if with_extras else None
    for name in ladder.variant_names:
        (out / name).mkdir(parents=True, exist_ok=True)
    args = chunks.join_command(
        ffmpeg.ffmpeg_binary(), source, chunk_dirs, out, ladder, sprite=sprite, threads=threads
    )
    log = ffmpeg.run(args, on_start=on_start, timeout=timeout)
    for chunk in chunk_dirs:
        shutil.rmtree(chunk, ignore_errors=True)
    return finish(source, out, info, ladder, sprite, with_extras, log, on_start, timeout)


def _sprite_plan(info: ProbeResult) -> commands.SpritePlan | None:
    if info.video is None or info.is_image:
        return None
    return commands.plan_sprite(info.duration, info.width or 16, info.height or 9)


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
