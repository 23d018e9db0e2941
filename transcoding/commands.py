"""ffmpeg argument lists for a planned ladder. Pure: lists of strings, no I/O.

The HLS command decodes the source once and feeds every rung through ``split``
filters, so a six-rung ladder costs one decode, not six; a small rung is scaled
from a rung twice its size rather than from the full-size source. Every rung
gets the same forced keyframe times (a multiple of the segment length), so
segment N of every rung starts at the same instant and players switch rungs
cleanly. A preview sprite is one more branch of the same graph. Audio is
encoded once per distinct setting and shared by the rungs that carry it.

Scaling stays on swscale (``scale``): zimg's ``zscale`` costs a fifth as much
CPU, but the Debian 12 build garbles one chroma plane for some sizes (854x480
to 426x240 comes out 30 dB away from swscale, 38 dB overall), and a rung with
wrong colours is worse than a slower encode.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

from .ladder import AudioRendition, Ladder, Rung

# Encoder settings per rung, chosen on bench/transcode.py's camera-like clips
# (a hand-held outdoor pan and a slide lecture with a talking head; see
# docs/video.md). Each rung must stay within 0.5 dB PSNR of preset medium at the
# same bitrate while the whole ladder costs at most half the CPU of encoding
# each rung apart at medium. Measured per rung (CPU seconds for 6 s of 720p
# source on one thread; PSNR loss against medium at the same bitrate):
#   camera 720p  medium 6.55 s | tuned veryfast 2.82 s, -0.31 dB
#                tuned veryfast + lookahead 40 2.96 s, -0.31 dB | faster 5.50 s, -0.11
#   lecture 720p medium 2.53 s | tuned veryfast 1.30 s, -1.18 dB
#                tuned veryfast + lookahead 40 1.57 s, -0.04 dB
#   camera 480p  medium 2.91 s | tuned veryfast 1.37 s, -0.88 dB (+lookahead: -0.83)
#                faster+dia 2.16 s, -0.31 dB | veryfast+subme=4 2.28 s, -0.49 dB
#   camera 360p  medium 1.66 s | tuned veryfast 0.76 s, -0.98 dB | faster 1.26 s, -0.30
#                faster+dia 1.18 s, -0.32 dB | veryfast+subme=4 1.27 s, -0.54 dB
#   lecture 360p medium 0.57 s | faster+dia 0.49 s, -0.88 dB | +lookahead 40 0.50 s, -0.23
#   camera 240p  medium+dia 0.76 s | faster+dia+lookahead 40 0.56 s, -0.17 dB
#   lecture 240p medium | faster+dia+lookahead 40: -0.66 dB (bench, whole pipeline)
# Test patterns hid the small rungs' loss (0.3-0.4 dB there). On camera
# footage the tuned veryfast loses most on the rungs of 240-480 lines, where
# the fuller partition search and sub-pixel refinement that `faster` adds
# matter most and cost least; on a lecture, whose picture hardly changes, what
# matters is the macroblock-tree lookahead: veryfast looks 10 frames ahead,
# medium 40, and with 40 the static slide gets its bits once and keeps them.
# So: above 480 lines the tuned veryfast with medium's lookahead; 241-480 lines
# `faster` with the diamond search and the same lookahead; 240 lines and less
# keep medium: a 240p frame is a ninth of a 720p one, the satellite rung needs
# every bit to count, and `faster` lost 0.66 dB on the lecture's 240p rung.
DEFAULT_PRESET = "veryfast"
LOOKAHEAD = "rc-lookahead=40"
RUNG_X264_PARAMS = f"trellis=1:ref=2:bframes=2:me=dia:{LOOKAHEAD}"
MID_RUNG_PRESET = "faster"
MID_RUNG_X264_PARAMS = f"me=dia:{LOOKAHEAD}"  # the rungs of 241-480 lines
MID_RUNG_SHORT_SIDE = 480
SMALL_RUNG_X264_PARAMS = "me=dia"
SMALL_RUNG_PRESET = "medium"
SMALL_RUNG_SHORT_SIDE = 240
# A rung is scaled from the smallest rung at least this many times its height,
# else from the source: on camera footage a 2x (or larger) bicubic step from an
# already scaled frame loses nothing measurable (< 0.07 dB) and costs far less
# than scaling the full-size source again, while a smaller step (480p to 360p)
# softens the picture by up to 0.8 dB.
CASCADE_MIN_FACTOR = 2
# Only for titles at least as hard as camera footage (the per-title factor,
# transcoding.complexity). Two bicubic steps are not one: 1280x720 to 854x480
# to 426x240 is 58.4 dB PSNR away from 1280x720 to 426x240 on a slide's sharp
# text, an error far below a camera rung's own (38-41 dB) but not below an
# easy title's, whose small rungs encode at 48-55 dB. On the bench's 60 s
# lecture (factor 0.45) the cascade cost the 240p rung 1.21 dB against
# medium (53.28 / 54.49 dB) and the 144p rung 0.75 dB (47.61 / 48.36); scaled
# from the source they are within 0.01 dB of it. The price is one more
# full-size scale per small rung, about 1.1 CPU seconds per minute of 720p
# each (scale filters alone, one thread), on titles that are cheap to encode.
CASCADE_MIN_TITLE_FACTOR = 1.0
SPRITE_COLUMNS = 10
SPRITE_ROWS = 10
# Previews are fitted inside a square by their long side, so a portrait video's
# tiles are as tall as a landscape one's are wide, and nothing is ever scaled up.
SPRITE_TILE_LONG_SIDE = 160
THUMBNAIL_LONG_SIDE = 320
POSTER_SHORT_SIDE = 720


def fit_within(width: int, height: int, long_side: int) -> tuple[int, int]:
    """Even size of the picture with its long side at most ``long_side``; never larger."""
    scale = min(1.0, long_side / max(1, width, height))
    return max(2, int(width * scale) // 2 * 2), max(2, int(height * scale) // 2 * 2)


@dataclass(frozen=True)
class SpritePlan:
    interval: float  # seconds between thumbnails
    width: int
    height: int
    columns: int = SPRITE_COLUMNS
    rows: int = SPRITE_ROWS

    @property
    def per_sheet(self) -> int:
        return self.columns * self.rows


def plan_sprite(duration: float, display_w: int, display_h: int) -> SpritePlan:
    """At most 100 thumbnails in one sheet, one every ≥ 2 s, the grid no bigger than
    the thumbnails need (three thumbnails make a 3 × 1 sheet, not a 10 × 10 one)."""
    interval = max(2.0, float(int(duration / (SPRITE_COLUMNS * SPRITE_ROWS)) + 1))
    width, height = fit_within(display_w, display_h, SPRITE_TILE_LONG_SIDE)
    count = min(SPRITE_COLUMNS * SPRITE_ROWS, max(1, math.ceil(duration / interval - 1e-6)))
    columns = min(SPRITE_COLUMNS, count)
    return SpritePlan(
        interval=interval, width=width, height=height, columns=columns,
        rows=math.ceil(count / columns),
    )  # fmt: skip


def scale_parents(ladder: Ladder) -> list[int | None]:
    """For each rung, the index of the rung it is scaled from (None: the source).

    Rungs are ordered smallest first, so the first big enough later rung is the
    smallest one. An easier title than camera footage scales every rung from
    the source (see CASCADE_MIN_TITLE_FACTOR).
    """
    rungs = ladder.rungs
    if ladder.bitrate_factor < CASCADE_MIN_TITLE_FACTOR:
        return [None] * len(rungs)
    return [
        next(
            (
                j
                for j in range(i + 1, len(rungs))
                if rungs[j].height >= CASCADE_MIN_FACTOR * rung.height
                and rungs[j].width >= CASCADE_MIN_FACTOR * rung.width
            ),
            None,
        )
        for i, rung in enumerate(rungs)
    ]


def sprite_filter(sprite: SpritePlan) -> str:
    """Filters turning decoded frames into the seek-preview sprite sheets."""
    return (
        f"fps=1/{sprite.interval:g},scale={sprite.width}:{sprite.height},setsar=1,"
        f"tile={sprite.columns}x{sprite.rows}"
    )


def _split(label: str, outputs: list[str]) -> str:
    if len(outputs) == 1:
        return f"[{label}]null[{outputs[0]}]"
    return f"[{label}]split={len(outputs)}" + "".join(f"[{o}]" for o in outputs)


def video_filters(ladder: Ladder, sprite: SpritePlan | None) -> str:
    """Decode once; scale each rung from the source or from a rung twice its size."""
    parents = scale_parents(ladder)
    children: dict[int | None, list[int]] = {}
    for i, parent in enumerate(parents):
        children.setdefault(parent, []).append(i)
    head = ["yadif"] if ladder.deinterlace else []
    head.append(f"fps={ladder.fps:g}")
    from_source = [f"s{i}" for i in children.get(None, [])] + (["sp"] if sprite else [])
    parts = ["[0:v:0]" + ",".join(head) + "[src]", _split("src", from_source)]
    for i, rung in enumerate(ladder.rungs):
        source = f"s{i}" if parents[i] is None else f"c{parents[i]}_{i}"
        scaled = f"[{source}]scale={rung.width}:{rung.height}:flags=bicubic,setsar=1,format=yuv420p"
        feeds = [f"c{i}_{k}" for k in children.get(i, [])]
        if feeds:
            parts.append(scaled + f"[r{i}]")
            parts.append(_split(f"r{i}", [f"v{i}", *feeds]))
        else:
            parts.append(scaled + f"[v{i}]")
    if sprite:
        parts.append(f"[sp]{sprite_filter(sprite)}[sprite]")
    return ";".join(parts)


def rung_settings(short_side: int, preset: str) -> tuple[str, str]:
    """(x264 preset, x264 params) for a rung of ``short_side`` lines.

    ``preset`` is the configured one (KHLANG_X264_PRESET): left at the
    default, each rung gets the settings measured for its size; set to anything
    else, every rung above 240 lines uses it as it is.
    """
    if short_side <= SMALL_RUNG_SHORT_SIDE:
        return SMALL_RUNG_PRESET, SMALL_RUNG_X264_PARAMS
    if preset != DEFAULT_PRESET:
        return preset, ""
    if short_side <= MID_RUNG_SHORT_SIDE:
        return MID_RUNG_PRESET, MID_RUNG_X264_PARAMS
    return DEFAULT_PRESET, RUNG_X264_PARAMS


def rung_video_args(i: int, rung: Rung, preset: str) -> list[str]:
    rung_preset, params = rung_settings(min(rung.width, rung.height), preset)
    tuning = [f"-x264-params:v:{i}", params] if params else []
    return tuning + [
        f"-preset:v:{i}", rung_preset,
        f"-level:v:{i}", f"{rung.level / 10:.1f}",
        f"-b:v:{i}", f"{rung.video_kbps}k",
        f"-maxrate:v:{i}", f"{rung.maxrate_kbps}k",
        f"-bufsize:v:{i}", f"{rung.bufsize_kbits}k",
    ]  # fmt: skip


def common_video_args(ladder: Ladder, threads: int) -> list[str]:
    """Encoder options every rung shares: codec, profile, aligned keyframes."""
    codec = ["-c:v", "libx264", "-profile:v", "main"]
    # SPS/PPS out of band, as the HLS muxer asks for on its own (the MPEG-TS
    # muxer still writes them before every keyframe). The tee muxer does not
    # ask, and with the headers repeated in band x264's rate control
    # undershoots: 77.5 instead of 81 kbit/s on the 144p rung of a 5 s clip,
    # 0.7 dB lower. With the flag every segment is byte for byte what the HLS
    # muxer alone made.
    codec += ["-flags:v", "+global_header"]
    codec += ["-sc_threshold", "0", "-g", str(ladder.gop_frames)]
    codec += ["-keyint_min", str(ladder.gop_frames)]
    codec += ["-force_key_frames", f"expr:gte(t,n_forced*{ladder.segment_seconds})"]
    if threads:
        codec += ["-threads:v", str(threads)]
    return codec


def video_encoder_args(ladder: Ladder, preset: str, threads: int) -> tuple[list[str], list[str]]:
    """(maps, codec options) encoding filter outputs ``[v<i>]`` into video stream i."""
    codec = common_video_args(ladder, threads)
    maps: list[str] = []
    for i, rung in enumerate(ladder.rungs):
        maps += ["-map", f"[v{i}]"]
        codec += rung_video_args(i, rung, preset)
    return maps, codec


def input_args(ffmpeg: str, threads: int) -> list[str]:
    """The common head of an ffmpeg run: quiet, machine-readable progress, threads."""
    args = [ffmpeg, "-hide_banner", "-nostdin", "-y", "-loglevel", "error"]
    args += ["-progress", "pipe:1", "-nostats"]
    if threads:
        # decoder and filter graph too, not only the encoders: a chunk given one
        # core's share must not spawn a thread per core anywhere.
        args += ["-threads", str(threads), "-filter_complex_threads", str(threads)]
    return args


def _audio_args(i: int, audio: AudioRendition) -> list[str]:
    return [
        f"-ac:a:{i}", str(audio.channels),
        f"-ar:a:{i}", str(audio.sample_rate),
        f"-b:a:{i}", f"{audio.bitrate_kbps}k",
    ]  # fmt: skip


# The tee muxer reads its output list in two rounds of ffmpeg's token syntax:
# first the list is cut at "|", then each output's "[key=value:...]" options
# are cut at ":", "=" and "]". A backslash keeps a character literal in each
# round, so option values are escaped twice and file names once.
_TEE_LIST_SPECIALS = "\\'| \t"
_TEE_OPTION_SPECIALS = "\\':=] \t"


def _tee_escape(text: str, specials: str) -> str:
    return "".join("\\" + c if c in specials else c for c in text)


def tee_output(filename: str | Path, options: dict[str, str]) -> str:
    """One output of the tee muxer: its own muxer options, then its file name."""
    pairs = ":".join(f"{k}={_tee_escape(v, _TEE_OPTION_SPECIALS)}" for k, v in options.items())
    return _tee_escape(f"[{pairs}]{filename}", _TEE_LIST_SPECIALS)


def _variant_output(out: Path, name: str, streams: str, ladder: Ladder) -> str:
    """An HLS muxer for one variant: a media playlist and its MPEG-TS segments."""
    folder = out / name
    options = {
        "select": streams,
        "f": "hls",
        # ffmpeg gives the outputs it opens 0.7 s of muxing delay, which lets
        # the MPEG-TS muxer pack several audio frames into one PES packet; the
        # tee's own outputs start at zero and would spend two 188-byte TS
        # packets on every AAC frame (70 kbit/s for the 32 kbit/s audio).
        "max_delay": "700000",
        "hls_time": str(ladder.segment_seconds),
        "hls_playlist_type": "vod",
        "hls_flags": "independent_segments",
        "hls_segment_type": "mpegts",
        "hls_segment_filename": str(folder / "seg_%05d.ts"),
    }
    return tee_output(folder / "index.m3u8", options)


def hls_command(
    ffmpeg: str,
    source: str | Path,
    out_dir: str | Path,
    ladder: Ladder,
    *,
    preset: str = DEFAULT_PRESET,
    threads: int = 0,
    sprite: SpritePlan | None = None,
) -> list[str]:
    """One ffmpeg run writing ``out_dir/<variant>/index.m3u8`` for every variant.

    Each distinct audio rendition is encoded once and muxed into every variant
    that carries it: the ``tee`` muxer gives each variant its own HLS muxer
    fed from the shared encoders (the HLS muxer's own multi-variant mode cannot
    put one encoded stream into two variants). Long videos are encoded in
    chunks instead (transcoding.chunks). The master playlist is written
    afterwards from measured bandwidths by transcoding.hls.
    """
    args = input_args(ffmpeg, threads) + ["-i", str(source)]
    maps: list[str] = []
    codec: list[str] = []
    if ladder.rungs:
        args += ["-filter_complex", video_filters(ladder, sprite)]
        maps, codec = video_encoder_args(ladder, preset, threads)
    audio_maps, audio_codec, outputs = variant_outputs(Path(out_dir), ladder, "0:a:0")
    args += maps + audio_maps + codec + audio_codec + ["-f", "tee", "|".join(outputs)]
    if sprite:
        args += sprite_output(Path(out_dir))
    return args


def sprite_output(out: Path) -> list[str]:
    return ["-map", "[sprite]", "-q:v", "5", "-f", "image2", str(out / "sprite_%03d.jpg")]


def variant_outputs(
    out: Path, ladder: Ladder, audio_input: str
) -> tuple[list[str], list[str], list[str]]:
    """(audio maps, audio options, tee outputs): every variant of the ladder.

    Video stream i is rung i; each distinct audio setting is encoded once from
    ``audio_input`` and shared by the variants that carry it.
    """
    maps: list[str] = []
    codec: list[str] = []
    outputs: list[str] = []
    if ladder.rungs:
        audios = list(dict.fromkeys(r.audio for r in ladder.rungs if r.audio))
        for i, audio in enumerate(audios):
            maps += ["-map", audio_input]
            codec += _audio_args(i, audio)
        if audios:
            codec += ["-c:a", "aac"]
        for i, rung in enumerate(ladder.rungs):
            streams = f"v:{i}" + (f",a:{audios.index(rung.audio)}" if rung.audio else "")
            outputs.append(_variant_output(out, rung.name, streams, ladder))
    else:
        codec += ["-vn", "-c:a", "aac"]
        pairs = zip(ladder.audio_only, ladder.variant_names, strict=True)
        for i, (audio, name) in enumerate(pairs):
            maps += ["-map", audio_input]
            codec += _audio_args(i, audio)
            outputs.append(_variant_output(out, name, f"a:{i}", ladder))
    return maps, codec, outputs


def poster_command(
    ffmpeg: str, source: str | Path, out_dir: str | Path, at: float, width: int, height: int
) -> list[str]:
    """A poster (≤ 720p) and a thumbnail (long side ≤ 320) from one frame, seeking on the
    input. Both keep the display aspect ratio and neither is ever larger than the source."""
    out = Path(out_dir)
    scale = min(1.0, POSTER_SHORT_SIDE / max(1, min(width, height)))
    pw, ph = (max(2, int(width * scale) // 2 * 2), max(2, int(height * scale) // 2 * 2))
    tw, th = fit_within(pw, ph, THUMBNAIL_LONG_SIDE)
    graph = (
        f"[0:v:0]split=2[a][b];[a]scale={pw}:{ph},setsar=1[poster];"
        f"[b]scale={tw}:{th},setsar=1[thumb]"
    )
    return [
        ffmpeg, "-hide_banner", "-nostdin", "-y", "-loglevel", "error",
        "-ss", f"{at:.3f}", "-i", str(source), "-filter_complex", graph,
        "-map", "[poster]", "-frames:v", "1", "-q:v", "3", str(out / "poster.jpg"),
        "-map", "[thumb]", "-frames:v", "1", "-q:v", "4", str(out / "thumbnail.jpg"),
    ]  # fmt: skip


def download_command(ffmpeg: str, playlist: str | Path, target: str | Path) -> list[str]:
    """The download/offline MP4: the ~360p rung copied (no re-encode), moov first."""
    return [
        ffmpeg, "-hide_banner", "-nostdin", "-y", "-loglevel", "error",
        "-i", str(playlist), "-map", "0", "-c", "copy",
        "-movflags", "+faststart", "-f", "mp4", str(target),
    ]  # fmt: skip


def poster_time(duration: float) -> float:
    """A frame a little way in: the first frame is often black or a title card."""
    return round(min(max(duration * 0.1, 0.0), 10.0, max(duration - 0.1, 0.0)), 3)
