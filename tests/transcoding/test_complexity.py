"""Per-title bitrates: a short trial encode decides how many bits a title needs."""

import pytest

from transcoding import complexity, ffmpeg, pipeline, samples
from transcoding.ladder import RUNG_TABLE, plan_ladder

from .test_ladder import source


def test_windows_spread_over_the_source_and_stay_a_small_share():
    assert complexity.windows(3.0) == [(1.25, 0.5)]
    assert complexity.windows(8.0) == [(1.7, 0.6), (5.7, 0.6)]
    spread = complexity.windows(3600.0)
    assert len(spread) == complexity.WINDOWS
    assert sum(length for _, length in spread) == pytest.approx(complexity.TRIAL_SECONDS)
    assert spread[0] == (359.5, 1.0) and spread[-1] == (3239.5, 1.0)


def test_factor_is_clamped_between_floor_and_the_fixed_table():
    assert complexity.factor_from_kbps(10.0) == complexity.MIN_FACTOR
    assert complexity.factor_from_kbps(10_000.0) == 1.0
    half = complexity.factor_from_kbps(complexity.REFERENCE_KBPS / 2)
    assert half == pytest.approx(0.5)


def test_an_easy_title_gets_lower_targets_never_a_higher_peak():
    fixed = plan_ladder(source(1920, 1080))
    easy = plan_ladder(source(1920, 1080), bitrate_factor=0.4)
    for a, b in zip(fixed.rungs, easy.rungs, strict=True):
        expected = a.video_kbps if a.height <= 240 else round(a.video_kbps * 0.4)
        assert b.video_kbps == expected  # the satellite and 240p rungs keep theirs
        assert (b.maxrate_kbps, b.bufsize_kbits) == (a.maxrate_kbps, a.bufsize_kbits)
    assert plan_ladder(source(1920, 1080), bitrate_factor=3.0).rungs == fixed.rungs
    assert fixed.rungs[-1].video_kbps == RUNG_TABLE[720][0]


def test_trial_tells_a_still_slide_from_busy_motion(tmp_path):
    still = samples.make_clip(tmp_path / "still.mp4", pattern="color=c=0x3050a0", seconds=3)
    busy = samples.make_clip(tmp_path / "busy.mp4", pattern="cellauto", seconds=3)
    calm, hard = (complexity.title_factor(p, ffmpeg.probe(p)) for p in (still, busy))
    assert calm == complexity.MIN_FACTOR and hard == 1.0
    # The same source always plans the same ladder (chunks plan it apart).
    info = ffmpeg.probe(still)
    assert pipeline.plan(still, info) == pipeline.plan(still, info)
    assert pipeline.plan(still, info, per_title=False).bitrate_factor == 1.0
