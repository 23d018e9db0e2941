from fractions import Fraction

import pytest

from transcoding.probe import ProbeError, parse_probe


def video_stream(**extra):
    stream = {
        "codec_type": "video",
        "codec_name": "h264",
        "width": 1920,
        "height": 1080,
        "sample_aspect_ratio": "1:1",
        "avg_frame_rate": "30000/1001",
        "field_order": "progressive",
    }
    stream.update(extra)
    return stream


def audio_stream(channels=2):
    return {
        "codec_type": "audio",
        "codec_name": "aac",
        "channels": channels,
        "sample_rate": "48000",
    }


def probe(*streams, duration="12.5", format_name="mov,mp4,m4a,3gp,3g2,mj2"):
    return {
        "format": {"format_name": format_name, "duration": duration, "size": "1000"},
        "streams": list(streams),
    }


def test_plain_video_with_audio():
    result = parse_probe(probe(video_stream(), audio_stream(6)))
    assert result.kind == "video"
    assert (result.width, result.height) == (1920, 1080)
    assert result.video.fps == pytest.approx(29.97, abs=0.01)
    assert result.audio.channels == 6
    assert result.duration == 12.5


def test_non_square_pixels_widen_the_picture():
    # DV PAL 16:9: 720x576 stored, 64:45 pixels → 1024x576 shown.
    result = parse_probe(probe(video_stream(width=720, height=576, sample_aspect_ratio="64:45")))
    assert result.video.sar == Fraction(64, 45)
    assert (result.width, result.height) == (1024, 576)


def test_phone_rotation_from_display_matrix_and_tag():
    matrix = video_stream(side_data_list=[{"side_data_type": "Display Matrix", "rotation": -90}])
    assert parse_probe(probe(matrix)).video.rotation == 90
    assert (parse_probe(probe(matrix)).width, parse_probe(probe(matrix)).height) == (1080, 1920)
    tagged = video_stream(tags={"rotate": "270"})
    assert parse_probe(probe(tagged)).video.rotation == 270


def test_interlaced_and_bad_rates_fall_back():
    result = parse_probe(
        probe(video_stream(field_order="tt", avg_frame_rate="0/0", r_frame_rate="25/1"))
    )
    assert result.video.interlaced
    assert result.video.fps == 25


def test_audio_only_and_cover_art_ignored():
    cover = video_stream(codec_name="mjpeg", disposition={"attached_pic": 1})
    result = parse_probe(probe(audio_stream(1), cover))
    assert result.kind == "audio"
    assert result.video is None


def test_still_picture_is_an_image():
    png = video_stream(codec_name="png", width=800, height=600)
    result = parse_probe(probe(png, duration=None, format_name="png_pipe"))
    assert result.kind == "image"


@pytest.mark.parametrize(
    "data",
    [{}, probe(duration="5"), probe(video_stream(), duration="N/A"), probe(video_stream(width=0))],
)
def test_unusable_files_raise_thai_first(data):
    with pytest.raises(ProbeError) as info:
        parse_probe(data)
    text = str(info.value)
    assert " / " in text and text[0] > "\u0e00"  # Thai first, then English


def test_messages_come_from_the_catalogue_in_both_languages():
    from django.utils import translation

    with translation.override("en"):  # the page's language does not change a stored message
        with pytest.raises(ProbeError) as info:
            parse_probe({})
    assert str(info.value) == (
        "ไฟล์นี้ไม่ใช่ไฟล์สื่อที่อ่านได้ (ไม่พบสตรีมภาพหรือเสียง) / "
        "this file is not readable media (no video or audio stream found)"
    )
