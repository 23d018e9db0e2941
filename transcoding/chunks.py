"""Long videos in chunks: video encoded piece by piece, audio once, joined without seams.

Each chunk encodes only the *video* of every rung for its time range into one
MPEG-TS file per rung, stamped with the chunk's absolute times. The join is one
more ffmpeg run that reads each rung's chunks back to back (the ``concat``
protocol: the files are one continuous transport stream, since their times
already follow on), copies the video, encodes the audio once for the whole item
from the source, and writes the HLS variants exactly as a single run would.

Why audio is not encoded per chunk: every AAC encode starts with 1024 samples of
encoder delay, so chunks joined with their own audio gain one AAC frame of
sound at each join (21 ms at 48 kHz, 43 ms at 24 kHz) and a one-hour lecture
drifts out of lip-sync by the end. Encoding the sound once costs a few seconds
of CPU per hour of media and leaves nothing to trim.

Why ``avoid_negative_ts`` is off on chunks: with B-frames the first decode time
of a chunk is two frames before its first picture. Only the first chunk's is
below zero, and ffmpeg's default would shift that chunk alone two frames later,
so the next chunk would overlap it (two frames shown twice at every join and two
lost at the end). The MPEG-TS muxer's own delay keeps every time positive.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from . import commands
from .ladder import Ladder


def chunk_file(chunk_dir: Path, rung_name: str) -> Path:
    return chunk_dir / f"{rung_name}.ts"


def chunk_command(
    ffmpeg: str,
    source: str | Path,
    chunk_dir: str | Path,
    ladder: Ladder,
    start: float,
    length: float | None,
    *,
    preset: str = commands.DEFAULT_PRESET,
    threads: int = 0,
) -> list[str]:
    """The video of every rung for ``start``..``start + length`` (None: to the end)."""
    folder = Path(chunk_dir)
    args = commands.input_args(ffmpeg, threads) + ["-ss", f"{start:.3f}"]
    if length is not None:
        args += ["-t", f"{length:.3f}"]
    args += ["-i", str(source), "-filter_complex", commands.video_filters(ladder, None)]
    common = commands.common_video_args(ladder, threads)
    for i, rung in enumerate(ladder.rungs):
        args += ["-map", f"[v{i}]", *common, *commands.rung_video_args(0, rung, preset)]
        args += ["-an", "-output_ts_offset", f"{start:.3f}", "-avoid_negative_ts", "disabled"]
        args += ["-f", "mpegts", str(chunk_file(folder, rung.name))]
    return args


def sprite_rung(ladder: Ladder, sprite: commands.SpritePlan) -> int:
    """The smallest rung at least as large as a tile: decoding it is the cheapest
    way to the seek previews once the source's frames are gone."""
    for i, rung in enumerate(ladder.rungs):
        if rung.width >= sprite.width and rung.height >= sprite.height:
            return i
    return len(ladder.rungs) - 1


def join_command(
    ffmpeg: str,
    source: str | Path,
    chunk_dirs: list[Path],
    out_dir: str | Path,
    ladder: Ladder,
    *,
    sprite: commands.SpritePlan | None = None,
    threads: int = 0,
) -> list[str]:
    """Every HLS variant from the rungs' chunks (video copied) and the source's audio."""
    out = Path(out_dir)
    args = commands.input_args(ffmpeg, threads)
    for rung in ladder.rungs:
        joined = "|".join(str(chunk_file(d, rung.name)) for d in chunk_dirs)
        args += ["-f", "mpegts", "-i", f"concat:{joined}"]
    audio_index = len(ladder.rungs)
    has_audio = any(r.audio for r in ladder.rungs)
    if has_audio:
        args += ["-vn", "-sn", "-dn", "-i", str(source)]
    if sprite:
        tiles = commands.sprite_filter(sprite)
        args += ["-filter_complex", f"[{sprite_rung(ladder, sprite)}:v:0]{tiles}[sprite]"]
    maps = [m for i in range(len(ladder.rungs)) for m in ("-map", f"{i}:v:0")]
    audio_maps, audio_codec, outputs = commands.variant_outputs(out, ladder, f"{audio_index}:a:0")
    args += maps + audio_maps + ["-c:v", "copy"] + audio_codec
    args += ["-f", "tee", "|".join(outputs)]
    if sprite:
        args += commands.sprite_output(out)
    return args


def prepare(chunk_dir: Path) -> None:
    """An empty folder for a chunk: a retried chunk starts from nothing."""
    shutil.rmtree(chunk_dir, ignore_errors=True)
    chunk_dir.mkdir(parents=True)
