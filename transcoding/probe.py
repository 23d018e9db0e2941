"""ffprobe's JSON turned into a small, typed description of a media file.

Pure: ``parse_probe`` takes the dict ffprobe printed and never touches a file, so
every odd shape (rotated phone video, anamorphic DV, 5.1 audio, a picture, a PDF)
is a unit test on data. Running ffprobe is transcoding.ffmpeg's job.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from django.utils.translation import gettext_lazy as _

from core.i18n import bilingual

# Codecs ffprobe reports as "video" that are really one still picture.
IMAGE_CODECS = {"mjpeg", "png", "bmp", "gif", "webp", "tiff", "jpeg2000", "jpegls"}
IMAGE_FORMATS = {"image2", "png_pipe", "jpeg_pipe", "bmp_pipe", "gif", "webp_pipe", "tiff_pipe"}


class ProbeError(ValueError):
    """The file is not media we can use. ``str()`` is Thai first, then English."""


@dataclass(frozen=True)
class VideoStream:
    codec: str
    width: int  # stored pixels
    height: int
    sar: Fraction  # sample (pixel) aspect ratio
    fps: float
    rotation: int  # 0, 90, 180 or 270 (clockwise, as players show it)
    interlaced: bool

    @property
    def display_size(self) -> tuple[int, int]:
        """The picture as people see it: square pixels, rotation applied."""
        width = round(self.width * self.sar)
        height = self.height
        if self.rotation in (90, 270):
            width, height = height, width
        return max(width, 1), max(height, 1)


@dataclass(frozen=True)
class AudioStream:
    codec: str
    channels: int
    sample_rate: int


@dataclass(frozen=True)
class ProbeResult:
    format_name: str
    duration: float  # seconds; 0 for a still picture
    size_bytes: int
    video: VideoStream | None
    audio: AudioStream | None
    is_image: bool = False

    @property
    def kind(self) -> str:
        """video, audio or image: what the file turned out to be."""
        if self.is_image:
            return "image"
        return "video" if self.video else "audio"

    @property
    def width(self) -> int | None:
        return self.video.display_size[0] if self.video else None

    @property
    def height(self) -> int | None:
        return self.video.display_size[1] if self.video else None


def _fraction(text: str | None, default: Fraction) -> Fraction:
    if not text or ":" not in text and "/" not in text:
        return default
    num, _, den = text.replace(":", "/").partition("/")
    try:
        value = Fraction(int(num), int(den))
    except (ValueError, ZeroDivisionError):
        return default
    return value if value > 0 else default


def _float(value, default: float = 0.0) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return default
    return number if number == number and number >= 0 else default  # NaN → default


def _rotation(stream: dict) -> int:
    """Clockwise degrees a player turns the picture (phones record portrait this way)."""
    try:
        for side in stream.get("side_data_list") or []:
            if "rotation" in side:  # display matrix: counter-clockwise degrees
                return round(-float(side["rotation"])) % 360
        tag = (stream.get("tags") or {}).get("rotate")  # older files: clockwise
        return round(float(tag)) % 360 if tag is not None else 0
    except (TypeError, ValueError):
        return 0


def _video(stream: dict) -> VideoStream | None:
    width, height = int(stream.get("width") or 0), int(stream.get("height") or 0)
    if width <= 0 or height <= 0:
        return None
    fps = float(_fraction(stream.get("avg_frame_rate"), Fraction(0)))
    if not 0 < fps <= 240:
        fps = float(_fraction(stream.get("r_frame_rate"), Fraction(25)))
    if not 0 < fps <= 240:
        fps = 25.0
    return VideoStream(
        codec=stream.get("codec_name", ""),
        width=width,
        height=height,
        sar=_fraction(stream.get("sample_aspect_ratio"), Fraction(1)),
        fps=fps,
        rotation=_rotation(stream),
        interlaced=stream.get("field_order") in {"tt", "bb", "tb", "bt"},
    )


def _audio(stream: dict) -> AudioStream | None:
    channels = int(stream.get("channels") or 0)
    if channels <= 0:
        return None
    return AudioStream(
        codec=stream.get("codec_name", ""),
        channels=channels,
        sample_rate=int(_float(stream.get("sample_rate"), 48000)) or 48000,
    )


def parse_probe(data: dict) -> ProbeResult:
    """Describe a file from ffprobe's ``-show_format -show_streams`` JSON.

    Raises ProbeError when there is nothing playable: no streams, or a video
    stream with no duration that is not a still picture.
    """
    fmt = data.get("format") or {}
    streams = data.get("streams") or []
    if not fmt and not streams:
        raise ProbeError(
            bilingual(_("this file is not readable media (no video or audio stream found)"))
        )
    video_streams = [
        s
        for s in streams
        if s.get("codec_type") == "video" and not (s.get("disposition") or {}).get("attached_pic")
    ]
    audio_streams = [s for s in streams if s.get("codec_type") == "audio"]
    video = next((v for v in map(_video, video_streams) if v), None)
    audio = next((a for a in map(_audio, audio_streams) if a), None)
    duration = _float(fmt.get("duration"))
    if not duration:
        duration = max(
            (_float(s.get("duration")) for s in video_streams + audio_streams), default=0
        )
    format_name = fmt.get("format_name", "")
    is_image = bool(
        video
        and not audio
        and (format_name in IMAGE_FORMATS or (video.codec in IMAGE_CODECS and duration <= 0.1))
    )
    if not video and not audio:
        raise ProbeError(bilingual(_("no video or audio stream in the file")))
    if not is_image and duration <= 0:
        raise ProbeError(bilingual(_("the file's duration cannot be read; it may be damaged")))
    return ProbeResult(
        format_name=format_name,
        duration=round(duration, 3),
        size_bytes=int(_float(fmt.get("size"))),
        video=video,
        audio=audio,
        is_image=is_image,
    )
