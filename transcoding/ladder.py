"""The rendition ladder for Thai school links: which sizes, bitrates and audio.

Pure: ``plan_ladder`` turns a probe into a plan, nothing else. The lowest rung is
sized for a 256 kbps satellite link: video capped by VBV (maxrate/bufsize) and
32 kbps mono AAC, so a whole segment with audio and MPEG-TS overhead stays under
200 kbps. Rung sizes are named by the picture's *short* side, so a portrait phone
video gets the same pixel budget as a landscape one.
"""

from __future__ import annotations

from dataclasses import dataclass

from .probe import ProbeResult

SEGMENT_SECONDS = 4  # long enough that the VBV cap holds per segment, short enough to start fast
MAX_FPS = 30.0


@dataclass(frozen=True)
class AudioRendition:
    channels: int  # 1 or 2: 5.1 is downmixed, players and school speakers are stereo
    sample_rate: int
    bitrate_kbps: int


@dataclass(frozen=True)
class Rung:
    name: str  # "360p"
    width: int
    height: int
    video_kbps: int
    maxrate_kbps: int
    bufsize_kbits: int
    audio: AudioRendition | None

    fps: float = 30.0

    @property
    def level(self) -> int:
        return h264_level(self.width, self.height, self.fps, self.maxrate_kbps)

    @property
    def peak_kbps(self) -> int:
        """Declared peak (BANDWIDTH) before measurement: video cap plus audio."""
        return self.maxrate_kbps + (self.audio.bitrate_kbps if self.audio else 0)


@dataclass(frozen=True)
class Ladder:
    rungs: tuple[Rung, ...]  # video rungs, lowest first; empty for audio-only media
    audio_only: tuple[AudioRendition, ...]  # variants of audio-only media, lowest first
    fps: float  # output frame rate, the same on every rung so keyframes line up
    deinterlace: bool
    segment_seconds: int = SEGMENT_SECONDS
    bitrate_factor: float = 1.0  # per-title scale of the table's target bitrates

    @property
    def gop_frames(self) -> int:
        return max(1, round(self.fps * self.segment_seconds))

    @property
    def variant_names(self) -> list[str]:
        if self.rungs:
            return [r.name for r in self.rungs]
        return [f"audio{a.bitrate_kbps}k" for a in self.audio_only]

    @property
    def download_rung(self) -> Rung | None:
        """The rung copied into the download MP4: about 360p, never bigger."""
        small = [r for r in self.rungs if min(r.width, r.height) <= 360]
        return small[-1] if small else (self.rungs[0] if self.rungs else None)


# short side → (video kbps, maxrate kbps, bufsize kbit). The 144p cap is the
# satellite budget: (100 × 4 s + 100) / 4 s = 125 kbps worst case per segment.
RUNG_TABLE: dict[int, tuple[int, int, int]] = {
    144: (90, 100, 100),
    240: (240, 300, 300),
    360: (500, 600, 1000),
    480: (900, 1100, 1800),
    720: (1800, 2200, 3600),
    1080: (3500, 4200, 7000),
}
# H.264 levels (Table A-1): level_idc, max macroblocks/s, max frame size (MBs),
# max bitrate (kbit/s, Main profile).
H264_LEVELS = [
    (10, 1485, 99, 64), (11, 3000, 396, 192), (12, 6000, 396, 384), (13, 11880, 396, 768),
    (20, 11880, 396, 2000), (21, 19800, 792, 4000), (22, 20250, 1620, 4000),
    (30, 40500, 1620, 10000), (31, 108000, 3600, 14000), (32, 216000, 5120, 20000),
    (40, 245760, 8192, 20000), (41, 245760, 8192, 50000), (42, 522240, 8704, 50000),
]  # fmt: skip


def rung_factor(short_side: int, bitrate_factor: float) -> float:
    """The per-title factor a rung applies: none on rungs of 240 lines and less.

    Their bytes are mostly keyframes (one per segment), audio and MPEG-TS
    overhead, which an easy title does not shrink; cutting their video starves
    the picture (the satellite rung of a lecture fell from 44 to 34 dB PSNR at
    0.3 of its bitrate) for a few kilobytes. The large rungs hold the bytes.
    """
    return 1.0 if short_side <= 240 else min(1.0, bitrate_factor)


MIN_VIDEO_KBPS = 24  # even a still slide needs its keyframes every segment

# A source's own size becomes the top rung when it has at least this many times
# the lines of the largest standard rung below it.
OWN_SIZE_MIN_GAIN = 1.08


def rung_budget(short_side: int) -> tuple[int, int, int]:
    """(video, maxrate, bufsize) for a rung: the table's, or for a size between two
    rows the lower row's scaled by pixel count (never more than the upper row's)."""
    if short_side in RUNG_TABLE:
        return RUNG_TABLE[short_side]
    sizes = sorted(RUNG_TABLE)
    lower = max((h for h in sizes if h < short_side), default=sizes[0])
    upper = min((h for h in sizes if h > short_side), default=sizes[-1])
    factor = (short_side / lower) ** 2
    return tuple(  # type: ignore[return-value]
        min(round(a * factor), b) for a, b in zip(RUNG_TABLE[lower], RUNG_TABLE[upper], strict=True)
    )


def h264_level(width: int, height: int, fps: float, maxrate_kbps: int) -> int:
    """The lowest level_idc that holds this frame size, frame rate and peak rate.

    Set on the encoder and written into the master playlist's CODECS, so players
    know before downloading whether they can decode a rung.
    """
    frame_mbs = ((width + 15) // 16) * ((height + 15) // 16)
    for level, max_mbps, max_fs, max_br in H264_LEVELS:
        if frame_mbs <= max_fs and frame_mbs * fps <= max_mbps and maxrate_kbps <= max_br:
            return level
    return H264_LEVELS[-1][0]


LOW_AUDIO = AudioRendition(channels=1, sample_rate=24000, bitrate_kbps=32)


def _even(value: float) -> int:
    return max(2, int(round(value / 2.0)) * 2)


def output_fps(source_fps: float) -> float:
    """Halve 50/60 fps sources: motion stays smooth and the bits go to detail."""
    fps = source_fps
    while fps > MAX_FPS + 0.01:
        fps /= 2
    return round(fps, 3)


def audio_for_rung(index: int, short_side: int, source_channels: int) -> AudioRendition:
    if index == 0:
        return LOW_AUDIO
    channels = 1 if source_channels == 1 else 2
    if short_side >= 480:
        kbps = 128 if channels == 2 else 64
    else:
        kbps = 96 if channels == 2 else 48
    return AudioRendition(channels=channels, sample_rate=48000, bitrate_kbps=kbps)


def frame_size(display_w: int, display_h: int, short_side: int) -> tuple[int, int]:
    """Even-sized frame whose short side is ``short_side`` (never above the source's)."""
    portrait = display_h > display_w
    src_short, src_long = (display_w, display_h) if portrait else (display_h, display_w)
    short = max(2, min(short_side, src_short) // 2 * 2)  # round down: never upscale
    long = _even(short * src_long / src_short)
    return (short, long) if portrait else (long, short)


def plan_ladder(
    probe: ProbeResult, include_1080: bool = False, bitrate_factor: float = 1.0
) -> Ladder:
    """The rungs for one source: every standard size up to the source's, lowest first.

    ``bitrate_factor`` (0–1, transcoding.complexity) scales every rung's target
    bitrate for an easy title; each rung's peak (maxrate, bufsize) stays its
    budget, so no rung ever spends more than the fixed ladder would.

    A source smaller than 144p gets one rung at its own size (no upscaling); a
    source with no audio gets video-only rungs; audio-only media gets two
    audio variants (satellite 32 kbps mono and a good one).
    """
    if probe.video is None or probe.is_image:
        if probe.audio is None:
            raise ValueError("nothing to transcode: no video and no audio")
        good = AudioRendition(
            channels=1 if probe.audio.channels == 1 else 2,
            sample_rate=48000,
            bitrate_kbps=64 if probe.audio.channels == 1 else 128,
        )
        return Ladder(rungs=(), audio_only=(LOW_AUDIO, good), fps=0.0, deinterlace=False)
    display_w, display_h = probe.video.display_size
    src_short = min(display_w, display_h)
    heights = [h for h in RUNG_TABLE if h != 1080 or include_1080]
    chosen = [h for h in heights if h <= src_short] or [heights[0]]
    own = src_short // 2 * 2
    if chosen[-1] < heights[-1] and own >= chosen[-1] * OWN_SIZE_MIN_GAIN:
        # A source between two sizes (640x272 between 240p and 360p) is also
        # offered at its own size: else its best rung loses a tenth or more of
        # its lines for nothing.
        chosen.append(own)
    fps = output_fps(probe.video.fps)
    rungs = []
    for index, short in enumerate(chosen):
        width, height = frame_size(display_w, display_h, short)
        video, maxrate, bufsize = rung_budget(short)
        # Fewer pixels than 16:9 at this size (4:3, square, a tiny source) need
        # fewer bits for the same quality; never less than half the budget.
        scale = max(0.5, min(1.0, width * height / (short * short * 16 / 9)))
        audio = (
            audio_for_rung(index, short, probe.audio.channels) if probe.audio is not None else None
        )
        rungs.append(
            Rung(
                name=f"{min(width, height)}p",
                width=width,
                height=height,
                video_kbps=max(
                    MIN_VIDEO_KBPS, round(video * scale * rung_factor(short, bitrate_factor))
                ),
                maxrate_kbps=round(maxrate * scale),
                bufsize_kbits=round(bufsize * scale),
                audio=audio,
                fps=fps,
            )
        )
    return Ladder(
        rungs=tuple(rungs),
        audio_only=(),
        fps=fps,
        deinterlace=probe.video.interlaced,
        bitrate_factor=min(1.0, bitrate_factor),
    )
