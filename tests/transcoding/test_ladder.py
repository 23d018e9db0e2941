from fractions import Fraction

import pytest

from transcoding.ladder import LOW_AUDIO, RUNG_TABLE, frame_size, output_fps, plan_ladder
from transcoding.probe import AudioStream, ProbeResult, VideoStream


def source(width, height, channels=2, sar=Fraction(1), fps=25.0, interlaced=False, rotation=0):
    video = VideoStream("h264", width, height, sar, fps, rotation, interlaced)
    audio = AudioStream("aac", channels, 48000) if channels else None
    return ProbeResult("mp4", 10.0, 1000, video, audio)


def test_hd_source_gets_every_rung_lowest_first():
    ladder = plan_ladder(source(1920, 1080))
    assert [r.name for r in ladder.rungs] == ["144p", "240p", "360p", "480p", "720p"]
    assert [(r.width, r.height) for r in ladder.rungs][0] == (256, 144)
    assert ladder.rungs[-1].width == 1280
    assert "1080p" in [r.name for r in plan_ladder(source(1920, 1080), include_1080=True).rungs]


def test_never_upscales_and_tiny_source_keeps_its_size():
    assert [r.name for r in plan_ladder(source(640, 360)).rungs] == ["144p", "240p", "360p"]
    tiny = plan_ladder(source(121, 91))
    assert len(tiny.rungs) == 1
    assert (tiny.rungs[0].width, tiny.rungs[0].height) == (120, 90)
    assert tiny.rungs[0].name == "90p"


def test_all_sizes_even_and_aspect_kept():
    for w, h in [(1918, 1078), (853, 480), (1080, 1920), (333, 777), (1440, 1080)]:
        for rung in plan_ladder(source(w, h)).rungs:
            assert rung.width % 2 == 0 and rung.height % 2 == 0
            assert rung.width / rung.height == pytest.approx(w / h, rel=0.03)


def test_portrait_rungs_named_by_short_side():
    ladder = plan_ladder(source(720, 1280))
    assert [(r.name, r.width, r.height) for r in ladder.rungs][0] == ("144p", 144, 256)
    assert ladder.rungs[-1].name == "720p"


def test_non_square_pixels_become_square():
    ladder = plan_ladder(source(720, 576, sar=Fraction(64, 45)))
    # 1024x576 shown: 480p, and the picture's own 576 lines on top.
    assert [(r.width, r.height) for r in ladder.rungs][-2:] == [(854, 480), (1024, 576)]


def test_a_source_between_sizes_is_offered_at_its_own_size():
    ladder = plan_ladder(source(640, 272))
    assert [(r.name, r.width, r.height) for r in ladder.rungs] == [
        ("144p", 338, 144),
        ("240p", 564, 240),
        ("272p", 640, 272),
    ]
    top, below = ladder.rungs[-1], ladder.rungs[-2]
    assert below.video_kbps < top.video_kbps <= RUNG_TABLE[360][0]
    assert top.maxrate_kbps <= RUNG_TABLE[360][1]
    # A few lines more than a standard size is not worth a rung of its own.
    assert [r.name for r in plan_ladder(source(1280, 740)).rungs][-1] == "720p"
    assert [r.name for r in plan_ladder(source(660, 372)).rungs][-1] == "360p"
    # Nor is a size above the top rung the site offers.
    assert [r.name for r in plan_ladder(source(1920, 1000)).rungs][-1] == "720p"


def test_lowest_rung_fits_a_satellite_link():
    for shape in [(1920, 1080), (640, 480), (100, 100), (1080, 1920)]:
        low = plan_ladder(source(*shape, channels=6)).rungs[0]
        assert low.audio == LOW_AUDIO and low.audio.channels == 1
        worst = (low.maxrate_kbps * 4 + low.bufsize_kbits) / 4 + low.audio.bitrate_kbps
        assert worst <= 170  # leaves room for MPEG-TS overhead under 200 kbps


def test_audio_downmix():
    surround = plan_ladder(source(1280, 720, channels=6)).rungs
    assert {r.audio.channels for r in surround[1:]} == {2}
    mono = plan_ladder(source(1280, 720, channels=1)).rungs
    assert {r.audio.channels for r in mono} == {1}
    silent = plan_ladder(source(1280, 720, channels=0)).rungs
    assert all(r.audio is None for r in silent)


def test_audio_only_media():
    ladder = plan_ladder(ProbeResult("mp3", 60.0, 10, None, AudioStream("mp3", 2, 44100)))
    assert ladder.rungs == ()
    assert [a.bitrate_kbps for a in ladder.audio_only] == [32, 128]
    assert ladder.variant_names == ["audio32k", "audio128k"]


def test_frame_rate_and_keyframes():
    assert output_fps(59.94) == pytest.approx(29.97)
    assert output_fps(50) == 25
    ladder = plan_ladder(source(1280, 720, fps=60, interlaced=True))
    assert ladder.fps == 30 and ladder.deinterlace
    assert ladder.gop_frames == 30 * ladder.segment_seconds


def test_download_rung_about_360p():
    assert plan_ladder(source(1920, 1080)).download_rung.name == "360p"
    assert plan_ladder(source(320, 180)).download_rung.name == "180p"
    assert plan_ladder(source(256, 144)).download_rung.name == "144p"


def test_frame_size_and_table():
    assert frame_size(1920, 1080, 360) == (640, 360)
    assert frame_size(1080, 1920, 360) == (360, 640)
    assert sorted(RUNG_TABLE) == [144, 240, 360, 480, 720, 1080]


def test_h264_levels_follow_size_rate_and_bitrate():
    from transcoding.ladder import h264_level

    assert h264_level(256, 144, 30, 100) == 12
    assert h264_level(256, 144, 15, 100) == 11
    assert h264_level(640, 360, 30, 600) == 30
    assert h264_level(1280, 720, 30, 2200) == 31
    assert h264_level(1920, 1080, 30, 4200) == 40
    assert [r.level for r in plan_ladder(source(1280, 720)).rungs] == [12, 21, 30, 30, 31]
