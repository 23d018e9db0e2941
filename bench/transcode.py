"""Transcoding speed and quality: `python -m bench.transcode [--quick]`.

In one run, on generated clips (720p, and 1080p unless --quick):
  (a) this project's pipeline (one ffmpeg decode, split to every rung, plus
      poster, sprite, download MP4 and measuring the playlists);
  (b) a naive baseline: one ffmpeg process per rung at preset medium, each
      decoding the source again (how MediaCMS encodes);
  (c) the raw limit: the same ladder as one bare ffmpeg command, nothing else.
Quality of every rung against the source is PSNR (this ffmpeg has no libvmaf),
so ``worst_vmaf_delta`` is in dB and ``quality_metric`` says "psnr".
Chunked encoding: a long clip cut at segment boundaries into four chunks,
encoded two at a time (as two workers do) against one at a time, then joined.
Times are CPU seconds (self + ffmpeg children): other people's load on a shared
machine changes wall time, not the work; wall-time figures are printed too.
Each of (a), (b) and (c) is timed ``--repeats`` times, taking turns, and its
fastest run counts (other load only ever adds time).
The last line is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from transcoding import commands, ffmpeg, pipeline, samples
from transcoding.hls import variant_stats
from transcoding.ladder import Ladder, plan_ladder


def cpu_seconds() -> float:
    """CPU time of this process and its finished children (ffmpeg runs)."""
    me = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def timed(fn, *args, **kwargs):
    """(wall seconds, CPU seconds, value). On a shared machine wall time swings
    with other people's load; CPU time is the work done, so ratios use it."""
    start, cpu = time.perf_counter(), cpu_seconds()
    value = fn(*args, **kwargs)
    return time.perf_counter() - start, cpu_seconds() - cpu, value


def naive(source: Path, out: Path, ladder: Ladder) -> None:
    """What MediaCMS does for one upload, at our ladder's bitrates.

    MediaCMS (files/tasks.py encode_media, files/helpers.py
    produce_ffmpeg_commands) runs one ffmpeg per rung, each decoding and scaling
    the source again, libx264 preset medium, audio encoded in every rung. Its
    two-pass mode is only for clips of 2 s or less; longer ones get one pass.
    It also decodes the source once more for the seek sprite
    (produce_sprite_from_video) and seeks once for the poster, so the baseline
    does those too, since (a) makes both. Differences, all in the baseline's
    favour or neutral: our bitrates and VBV caps instead of its CRF 23 (so
    quality is compared at equal size), bicubic scaling instead of its lanczos
    (cheaper, and the PSNR reference is bicubic too), preset medium on every
    rung as the requirement says (MediaCMS switches to faster at 720p and up),
    HLS written directly instead of its later Bento4 repackaging, the sprite
    tiled by ffmpeg instead of ImageMagick.
    """
    binary = ffmpeg.ffmpeg_binary()
    for rung in ladder.rungs:
        folder = out / rung.name
        folder.mkdir(parents=True)
        args = [binary, "-hide_banner", "-nostdin", "-y", "-loglevel", "error", "-i", str(source)]
        args += ["-vf", f"scale={rung.width}:{rung.height},setsar=1", "-c:v", "libx264"]
        args += ["-preset", "medium", "-profile:v", "main", "-b:v", f"{rung.video_kbps}k"]
        args += ["-maxrate", f"{rung.maxrate_kbps}k", "-bufsize", f"{rung.bufsize_kbits}k"]
        args += ["-g", str(ladder.gop_frames), "-sc_threshold", "0", "-r", f"{ladder.fps:g}"]
        if rung.audio:
            a = rung.audio
            args += ["-c:a", "aac", "-ac", str(a.channels), "-ar", str(a.sample_rate)]
            args += ["-b:a", f"{a.bitrate_kbps}k"]
        args += ["-f", "hls", "-hls_time", str(ladder.segment_seconds), "-hls_playlist_type"]
        args += ["vod", str(folder / "index.m3u8")]
        subprocess.run(args, check=True)
    info = ffmpeg.probe(source)
    sprite = commands.plan_sprite(info.duration, info.width, info.height)
    args = [binary, "-hide_banner", "-nostdin", "-y", "-loglevel", "error", "-i", str(source)]
    args += ["-vf", commands.sprite_filter(sprite), "-q:v", "5", str(out / "sprite_%03d.jpg")]
    subprocess.run(args, check=True)
    at = commands.poster_time(info.duration)
    subprocess.run(
        commands.poster_command(binary, source, out, at, info.width, info.height), check=True
    )


def raw(source: Path, out: Path, ladder: Ladder, preset: str) -> None:
    out.mkdir(parents=True)
    for name in ladder.variant_names:
        (out / name).mkdir()
    args = commands.hls_command(ffmpeg.ffmpeg_binary(), source, out, ladder, preset=preset)
    subprocess.run([a for a in args if a not in ("-progress", "pipe:1")], check=True)


def psnr(rendition: Path, source: Path, width: int, height: int) -> float:
    graph = f"[1:v]scale={width}:{height},setsar=1[ref];[0:v]setsar=1[out];[out][ref]psnr"
    result = subprocess.run(
        [ffmpeg.ffmpeg_binary(), "-hide_banner", "-nostdin", "-i", str(rendition)]
        + ["-i", str(source), "-lavfi", graph, "-f", "null", "-"],
        capture_output=True,
        text=True,
        check=True,
    )
    found = re.search(r"average:([0-9.]+|inf)", result.stderr)
    return float(found.group(1)) if found and found.group(1) != "inf" else 99.0


def compare(source: Path, ours: Path, theirs: Path, ladder: Ladder) -> list[dict]:
    rows = []
    for rung in ladder.rungs:
        a = psnr(ours / rung.name / "index.m3u8", source, rung.width, rung.height)
        b = psnr(theirs / rung.name / "index.m3u8", source, rung.width, rung.height)
        rows.append({"rung": rung.name, "psnr_pipeline": a, "psnr_naive": b, "drop_db": b - a})
    return rows


def chunked(source: Path, out: Path, workers: int, preset: str) -> tuple[float, float]:
    """(wall, CPU seconds) to encode the clip as the workers do: chunks, then join.

    Four chunks of whole segments; ``workers`` of them at a time, each ffmpeg
    with its share of the cores (pipeline.chunk_threads), as a worker host with
    that many processes runs them.
    """
    info = ffmpeg.probe(source)
    ladder = plan_ladder(info)
    pieces = pipeline.plan_chunks(info.duration, ladder.segment_seconds, info.duration / 4)
    folder = out / f"w{workers}"
    dirs = [folder / "chunks" / f"{i:04d}" for i in range(len(pieces))]
    threads = pipeline.chunk_threads(0, workers)

    def encode(index: int) -> None:
        start, length = pieces[index]
        last = index == len(pieces) - 1
        pipeline.encode_chunk(
            source, dirs[index], ladder, start, length, preset=preset, threads=threads, last=last
        )

    def run() -> None:
        with ThreadPoolExecutor(max_workers=workers) as pool:
            list(pool.map(encode, range(len(pieces))))
        pipeline.join_chunks(dirs, folder, ladder.variant_names)

    wall, cpu, _ = timed(run)
    return wall, cpu


def fastest_runs(variants: dict, repeats: int) -> dict:
    """{name: (wall, CPU seconds)}: the fastest of ``repeats`` runs of each variant.

    Runs take turns (a, b, c, a, b, c, ...) so a slow spell on the shared machine
    falls on all of them alike, and each keeps its lowest time: other load only
    ever adds time, so the minimum is the closest to the work itself. Every run
    starts from an empty folder; the last run's files stay for the quality check.
    """
    best: dict = {}
    for _ in range(repeats):
        for name, (folder, run) in variants.items():
            shutil.rmtree(folder, ignore_errors=True)
            wall, cpu, _ = timed(run, folder)
            old = best.get(name, (wall, cpu))
            best[name] = (min(wall, old[0]), min(cpu, old[1]))
    return best


def run_clip(
    label: str, source: Path, work: Path, include_1080: bool, preset: str, repeats: int
) -> dict:
    info = ffmpeg.probe(source)
    ladder = plan_ladder(info, include_1080=include_1080)
    variants = {
        "a": (
            work / f"{label}-a",
            lambda out: pipeline.transcode(
                source, out, probe=info, include_1080=include_1080, preset=preset
            ),
        ),
        "b": (work / f"{label}-b", lambda out: naive(source, out, ladder)),
        "c": (work / f"{label}-c", lambda out: raw(source, out, ladder, preset)),
    }
    best = fastest_runs(variants, repeats)
    (w_a, t_a), (w_b, t_b), (w_c, t_c) = best["a"], best["b"], best["c"]
    # The largest ffmpeg process of any run so far: the one-process commands of
    # (a) and (c), since each naive process encodes one rung.
    peak_rss_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    quality = compare(source, work / f"{label}-a", work / f"{label}-b", ladder)
    lowest = variant_stats(work / f"{label}-a" / ladder.rungs[0].name / "index.m3u8", "low")
    return {
        "clip": label,
        "duration_s": info.duration,
        "rungs": [r.name for r in ladder.rungs],
        "pipeline_cpu_s": round(t_a, 2),
        "naive_cpu_s": round(t_b, 2),
        "raw_cpu_s": round(t_c, 2),
        "pipeline_wall_s": round(w_a, 2),
        "naive_wall_s": round(w_b, 2),
        "raw_wall_s": round(w_c, 2),
        # CPU seconds per media second → realtime factor on this 2-core machine
        # when it is not shared: 2 cores × duration / CPU time.
        "realtime_factor": round(2 * info.duration / t_a, 2),
        "realtime_factor_wall": round(info.duration / w_a, 2),
        "speedup_vs_naive": round(t_b / t_a, 2),
        "speedup_vs_naive_wall": round(w_b / w_a, 2),
        "ratio_vs_raw": round(t_a / t_c, 3),
        "ratio_vs_raw_wall": round(w_a / w_c, 3),
        "lowest_rung_peak_kbps": lowest.peak_kbps,
        "ffmpeg_peak_rss_mb": round(peak_rss_mb, 1),
        "quality": quality,
        "timing_runs": repeats,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small clips, under two minutes")
    parser.add_argument("--preset", default=commands.DEFAULT_PRESET)
    parser.add_argument(
        "--repeats", type=int, default=2, help="timed runs of each variant; the fastest counts"
    )
    options = parser.parse_args()
    repeats = max(1, options.repeats)
    work = Path(tempfile.mkdtemp(prefix="khlang-bench-transcode-"))
    seconds = 5 if options.quick else 60
    clips = [("720p", 1280, 720, seconds, False)]
    if not options.quick:
        clips.append(("1080p", 1920, 1080, 30, True))
    runs = []
    for label, width, height, length, with_1080 in clips:
        source = samples.make_clip(
            work / f"{label}.mp4", width=width, height=height, seconds=length, fps=30,
            pattern="testsrc2", preset="veryfast",
        )  # fmt: skip
        runs.append(run_clip(label, source, work, with_1080, options.preset, repeats))
        print(json.dumps(runs[-1]), file=sys.stderr)
    long_seconds = 16 if options.quick else 300
    long_w, long_h = (320, 180) if options.quick else (640, 360)
    long_clip = samples.make_clip(
        work / "long.mp4", width=long_w, height=long_h, seconds=long_seconds, fps=25,
        preset="ultrafast",
    )  # fmt: skip
    one, one_cpu = chunked(long_clip, work / "chunks", 1, options.preset)
    two, two_cpu = chunked(long_clip, work / "chunks", 2, options.preset)
    drops = [row["drop_db"] for run in runs for row in run["quality"]]
    main_run = runs[0]
    summary = {
        "bench": "transcode",
        "quick": options.quick,
        "realtime_factor": main_run["realtime_factor"],
        "realtime_factor_wall": main_run["realtime_factor_wall"],
        "speedup_vs_naive_wall": min(r["speedup_vs_naive_wall"] for r in runs),
        "ratio_vs_raw_wall": max(r["ratio_vs_raw_wall"] for r in runs),
        "speedup_vs_naive": min(r["speedup_vs_naive"] for r in runs),
        "ratio_vs_raw": max(r["ratio_vs_raw"] for r in runs),
        "lowest_rung_peak_kbps": max(r["lowest_rung_peak_kbps"] for r in runs),
        "worst_vmaf_delta": round(max(drops), 3),
        "quality_metric": "psnr",
        "worst_delta_unit": "dB",
        # Wall time: parallelism is what chunks are for. On a shared 2-core box
        # the other people's load decides much of it; the CPU figures show
        # whether splitting costs extra work.
        "chunked_speedup_2_workers": round(one / two, 2),
        "chunked_wall_s": {"1_worker": round(one, 2), "2_workers": round(two, 2)},
        "chunked_cpu_s": {"1_worker": round(one_cpu, 2), "2_workers": round(two_cpu, 2)},
        "chunked_threads_per_ffmpeg": {
            "1_worker": pipeline.chunk_threads(0, 1),
            "2_workers": pipeline.chunk_threads(0, 2),
        },
        "timing": "cpu seconds (wall-time figures have _wall keys; the machine is shared)",
        "chunked_clip_s": long_seconds,
        "peak_rss_mb": max(r["ffmpeg_peak_rss_mb"] for r in runs),
        "preset": options.preset,
        "timing_runs": repeats,
        "clips": [
            {
                k: r[k]
                for k in (
                    "clip",
                    "pipeline_cpu_s",
                    "naive_cpu_s",
                    "raw_cpu_s",
                    "pipeline_wall_s",
                    "naive_wall_s",
                    "raw_wall_s",
                )
            }
            for r in runs
        ],
    }
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
