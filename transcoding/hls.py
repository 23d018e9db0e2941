"""Reading what ffmpeg produced: measured bitrates, and the one master playlist.

``peak_kbps`` follows RFC 8216's definition of BANDWIDTH: the largest bitrate of
any run of consecutive segments lasting 0.5–1.5 × the target duration, counted
from the segment files' real sizes (video, audio and MPEG-TS overhead together).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import m3u8


@dataclass(frozen=True)
class VariantStats:
    name: str
    uri: str  # relative to the master playlist
    width: int | None
    height: int | None
    codecs: str
    duration: float
    segments: int
    peak_kbps: float
    average_kbps: float
    target_duration: float
    segment_durations: tuple[float, ...]


def peak_kbps(segments: list[tuple[float, int]], target_duration: float) -> float:
    """Peak bitrate (kbit/s) over windows of segments lasting 0.5–1.5 × target.

    ``segments`` are (seconds, bytes). A clip shorter than half the target counts
    as a whole, so a tiny clip still gets a figure.
    """
    total_seconds = sum(d for d, _ in segments)
    if not segments or total_seconds <= 0:
        return 0.0
    low, high = 0.5 * target_duration, 1.5 * target_duration
    best = 0.0
    for first in range(len(segments)):
        seconds = 0.0
        size = 0
        for duration, nbytes in segments[first:]:
            seconds += duration
            size += nbytes
            if seconds > high:
                break
            if seconds >= low:
                best = max(best, size * 8 / seconds / 1000)
    if best == 0.0:
        best = sum(b for _, b in segments) * 8 / total_seconds / 1000
    return round(best, 1)


def variant_stats(
    playlist_path: Path, name: str, width=None, height=None, codecs=""
) -> VariantStats:
    playlist = m3u8.load(str(playlist_path))
    folder = playlist_path.parent
    pairs = [(float(s.duration), (folder / s.uri).stat().st_size) for s in playlist.segments]
    total = sum(d for d, _ in pairs)
    return VariantStats(
        name=name,
        uri=f"{name}/{playlist_path.name}",
        width=width,
        height=height,
        codecs=codecs,
        duration=round(total, 3),
        segments=len(pairs),
        peak_kbps=peak_kbps(pairs, float(playlist.target_duration or 1)),
        average_kbps=round(sum(b for _, b in pairs) * 8 / total / 1000, 1) if total else 0.0,
        target_duration=float(playlist.target_duration or 0),
        segment_durations=tuple(d for d, _ in pairs),
    )


def codecs_string(video_level: int | None, has_video: bool, has_audio: bool) -> str:
    """RFC 6381 codecs: H.264 Main at the rung's level, AAC-LC."""
    parts = [f"avc1.4d40{(video_level or 30):02x}"] if has_video else []
    if has_audio:
        parts.append("mp4a.40.2")
    return ",".join(parts)


def master_playlist(variants: list[VariantStats]) -> str:
    """The master playlist, lowest rung first, with measured (not declared) bandwidths.

    Players begin with the first variant when they know nothing of the link, so
    listing the satellite rung first is the safe start on a slow school link.
    """
    lines = ["#EXTM3U", "#EXT-X-VERSION:3", "#EXT-X-INDEPENDENT-SEGMENTS"]
    for v in sorted(variants, key=lambda v: v.peak_kbps):
        attrs = [
            f"BANDWIDTH={int(v.peak_kbps * 1000)}",
            f"AVERAGE-BANDWIDTH={int(v.average_kbps * 1000)}",
        ]
        if v.width and v.height:
            attrs.append(f"RESOLUTION={v.width}x{v.height}")
        if v.codecs:
            attrs.append(f'CODECS="{v.codecs}"')
        lines += ["#EXT-X-STREAM-INF:" + ",".join(attrs), v.uri]
    return "\n".join(lines) + "\n"
