"""The live HLS ladder: one ffmpeg process takes a publisher's stream and writes every rung.

Public module of the transcoding service for live classes. Pure like
commands.py: ``live_ladder`` plans, ``live_command`` returns an argument list.

The same rung table as video on demand (ladder.RUNG_TABLE, the satellite rung
with 32 kbps mono audio), with what live changes:

- 2-second segments and keyframes, so a player can sit 2 segments behind the
  edge and a class is seen well inside 10 seconds;
- the source's size is not known before the publisher connects, so each rung
  is a fixed 16:9 frame and a picture of another shape is fitted inside it
  with bars (``force_original_aspect_ratio=decrease`` then ``pad``);
- the VBV buffer of each rung holds one second at its peak rate: with a
  2-second segment the worst case is (2 × maxrate + bufsize) / 2 = 1.5 ×
  maxrate, which keeps the satellite rung and its audio under 200 kbps;
- every rung uses one x264 preset fast enough to keep up with the clock on a
  shared machine (``LIVE_PRESET``); the medium preset of the small VOD rungs
  cannot promise real time.

The one process decodes the publisher once, splits the picture to the rungs
(the smaller ones scaled from a rung twice their size, as commands.py does),
encodes each distinct audio once, writes one HLS muxer per rung through the
tee muxer, and copies the publisher's own stream untouched into a recording
part (no second encode: the recording is transcoded later like any upload).
"""

from __future__ import annotations

import functools
import subprocess
from pathlib import Path

from .commands import (
    _audio_args,
    common_video_args,
    scale_parents,
    tee_output,
)
from .ffmpeg import ffmpeg_binary
from .hls import codecs_string
from .ladder import RUNG_TABLE, Ladder, Rung, audio_for_rung, frame_size

LIVE_SEGMENT_SECONDS = 2
LIVE_FPS = 25.0
LIVE_PRESET = "veryfast"
LIVE_LIST_SIZE = 6  # segments in the live playlist: 12 s to join and to catch up
# Codecs a publisher may send: what OBS, vMix and phones send over RTMP.
# Anything else (Sorenson, VP6, HEVC through an extension) is refused with a
# message rather than decoded at a cost nobody planned for.
VIDEO_CODECS = frozenset({"h264"})
AUDIO_CODECS = frozenset({"aac", "mp3"})


def live_ladder(top_short_side: int = 360, fps: float = LIVE_FPS) -> Ladder:
    """Rungs from 144p up to ``top_short_side``, 16:9, lowest first."""
    rungs = []
    for index, short in enumerate(h for h in sorted(RUNG_TABLE) if h <= top_short_side):
        width, height = frame_size(1920, 1080, short)
        video, maxrate, _bufsize = RUNG_TABLE[short]
        rungs.append(
            Rung(
                name=f"{short}p",
                width=width,
                height=height,
                video_kbps=video,
                maxrate_kbps=maxrate,
                bufsize_kbits=maxrate,  # one second at peak: see the module's docstring
                audio=audio_for_rung(index, short, 2),
                fps=fps,
            )
        )
    return Ladder(
        rungs=tuple(rungs),
        audio_only=(),
        fps=fps,
        deinterlace=False,
        segment_seconds=LIVE_SEGMENT_SECONDS,
    )


def _filters(ladder: Ladder) -> str:
    parents = scale_parents(ladder)
    children: dict[int | None, list[int]] = {}
    for i, parent in enumerate(parents):
        children.setdefault(parent, []).append(i)
    from_source = [f"s{i}" for i in children.get(None, [])]
    parts = [f"[0:v:0]fps={ladder.fps:g}[src]"]
    parts.append(
        f"[src]split={len(from_source)}" + "".join(f"[{o}]" for o in from_source)
        if len(from_source) > 1
        else f"[src]null[{from_source[0]}]"
    )
    for i, rung in enumerate(ladder.rungs):
        if parents[i] is None:
            fit = (
                f"[s{i}]scale={rung.width}:{rung.height}:force_original_aspect_ratio=decrease:"
                f"flags=bicubic,pad={rung.width}:{rung.height}:(ow-iw)/2:(oh-ih)/2"
            )
        else:
            fit = f"[c{parents[i]}_{i}]scale={rung.width}:{rung.height}:flags=bicubic"
        fit += ",setsar=1,format=yuv420p"
        feeds = [f"c{i}_{k}" for k in children.get(i, [])]
        if feeds:
            parts.append(fit + f"[r{i}]")
            parts.append(f"[r{i}]split={len(feeds) + 1}[v{i}]" + "".join(f"[{f}]" for f in feeds))
        else:
            parts.append(fit + f"[v{i}]")
    return ";".join(parts)


def _variant(out: Path, rung: Rung, streams: str, ladder: Ladder) -> str:
    folder = out / rung.name
    options = {
        "select": streams,
        "f": "hls",
        "max_delay": "700000",
        "hls_time": str(ladder.segment_seconds),
        "hls_list_size": str(LIVE_LIST_SIZE),
        # A publisher who reconnects continues the same playlist (append_list
        # marks the new start with a discontinuity); old segments go
        # (delete_segments); the playlist never ends by itself: the session's
        # end says so.
        "hls_flags": "delete_segments+independent_segments+append_list+omit_endlist"
        "+program_date_time",
        "hls_segment_type": "mpegts",
        "hls_segment_filename": str(folder / "seg_%05d.ts"),
    }
    return tee_output(folder / "index.m3u8", options)


def live_command(
    listen_url: str,
    out_dir: str | Path,
    recording: str | Path,
    ladder: Ladder,
    *,
    ffmpeg: str | None = None,
    preset: str = LIVE_PRESET,
    threads: int = 0,
) -> list[str]:
    """ffmpeg listening on ``listen_url`` (rtmp://HOST:PORT/live/KEY), writing
    ``out_dir/<rung>/index.m3u8`` and copying the publisher into ``recording``.

    Log level ``info`` on stderr: the supervisor reads the input's streams
    (its codec check) and the listener's warnings (its key check) from it.
    """
    out = Path(out_dir)
    args = [ffmpeg or ffmpeg_binary(), "-hide_banner", "-nostdin", "-y", "-nostats"]
    args += ["-loglevel", "info"]
    if threads:
        args += ["-threads", str(threads), "-filter_complex_threads", str(threads)]
    args += ["-listen", "1", "-i", listen_url, "-filter_complex", _filters(ladder)]
    codec = common_video_args(ladder, threads)
    maps: list[str] = []
    for i, rung in enumerate(ladder.rungs):
        maps += ["-map", f"[v{i}]"]
        codec += [
            f"-preset:v:{i}", preset,
            f"-level:v:{i}", f"{rung.level / 10:.1f}",
            f"-b:v:{i}", f"{rung.video_kbps}k",
            f"-maxrate:v:{i}", f"{rung.maxrate_kbps}k",
            f"-bufsize:v:{i}", f"{rung.bufsize_kbits}k",
        ]  # fmt: skip
    audios = list(dict.fromkeys(r.audio for r in ladder.rungs if r.audio))
    for i, audio in enumerate(audios):
        maps += ["-map", "0:a:0"]
        codec += _audio_args(i, audio)
    codec += ["-c:a", "aac"]
    outputs = [
        _variant(out, rung, f"v:{i},a:{audios.index(rung.audio)}", ladder)
        for i, rung in enumerate(ladder.rungs)
    ]
    args += maps + codec + ["-f", "tee", "|".join(outputs)]
    # The publisher's own stream, copied: the source of the session's recording.
    args += ["-map", "0:v:0", "-map", "0:a:0", "-c", "copy", "-f", "mpegts", str(recording)]
    return args


@functools.cache
def ffmpeg_protocols(ffmpeg: str | None = None) -> frozenset[str]:
    """The protocols this ffmpeg was built with (SRT needs libsrt)."""
    try:
        found = subprocess.run(
            [ffmpeg or ffmpeg_binary(), "-hide_banner", "-protocols"],
            capture_output=True,
            timeout=30,
        ).stdout.decode("utf-8", "replace")
    except (OSError, subprocess.TimeoutExpired):
        return frozenset()
    return frozenset(found.split())


def srt_gateway_command(srt_url: str, rtmp_url: str, *, ffmpeg: str | None = None) -> list[str]:
    """ffmpeg listening for an SRT publisher and handing its stream, unchanged,
    to the session's RTMP listener (``live_command``).

    One ladder encoder per session, whatever the publisher's protocol: SRT is
    a second door into the same room. ``-c copy`` costs no encode; FLV takes
    H.264 and AAC/MP3 as they come (ffmpeg inserts the ADTS-to-ASC filter the
    AAC from MPEG-TS needs). Log level ``info``: the supervisor reads the
    publisher's codecs from it, as it does from the RTMP listener's.
    """
    return [
        ffmpeg or ffmpeg_binary(), "-hide_banner", "-nostdin", "-nostats", "-loglevel", "info",
        "-i", srt_url, "-map", "0:v:0", "-map", "0:a?", "-c", "copy", "-f", "flv", rtmp_url,
    ]  # fmt: skip


def master_playlist(ladder: Ladder) -> str:
    """The live master playlist, lowest rung first, with each rung's declared peak."""
    lines = ["#EXTM3U", "#EXT-X-VERSION:3", "#EXT-X-INDEPENDENT-SEGMENTS"]
    for rung in ladder.rungs:
        # MPEG-TS costs about a tenth on top of the streams it carries.
        bandwidth = round(rung.peak_kbps * 1.1 * 1000)
        codecs = codecs_string(rung.level, True, rung.audio is not None)
        lines.append(
            f"#EXT-X-STREAM-INF:BANDWIDTH={bandwidth},RESOLUTION={rung.width}x{rung.height},"
            f'CODECS="{codecs}"'
        )
        lines.append(f"{rung.name}/index.m3u8")
    return "\n".join(lines) + "\n"


def recording_command(parts: list[Path], target: Path, ffmpeg: str | None = None) -> list[str]:
    """The parts of a session (one per publisher connection) joined without re-encoding."""
    joined = "concat:" + "|".join(str(p) for p in parts)
    return [
        ffmpeg or ffmpeg_binary(), "-hide_banner", "-nostdin", "-y", "-loglevel", "error",
        "-i", joined, "-map", "0", "-c", "copy", "-movflags", "+faststart", str(target),
    ]  # fmt: skip
