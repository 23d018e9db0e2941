"""Forty seconds of playback on an unthrottled link fetch every segment once.

The player's box is sized by the page, the rung is capped by that box, and
hls.js keeps what it buffered: a rung switch must never send the player back
for segments it already has. Each segment request is counted; any URL fetched
twice is bytes the school's link paid for twice.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from pathlib import Path

import pytest

from media_center.models import MediaItem, Status, Visibility
from transcoding import pipeline, samples

PLAY_SECONDS = 40


@pytest.fixture(scope="module")
def rendition(tmp_path_factory):
    """A 48 s clip through the real pipeline: 144p, 240p and 360p rungs."""
    folder = tmp_path_factory.mktemp("player-clip")
    clip = samples.make_clip(folder / "clip.mp4", width=640, height=360, seconds=48)
    out = folder / "v1"
    return out, pipeline.transcode(clip, out)


@pytest.mark.django_db(transaction=True)
def test_forty_seconds_of_playback_fetch_no_segment_twice(
    page, live_server, school, make_user, rendition, settings, tmp_path
):
    import shutil

    from media_center import actions as media_actions
    from transcoding.actions import renditions_root

    settings.MEDIA_CENTER = {**settings.MEDIA_CENTER, "PROTECTED_ROOT": str(tmp_path / "p")}
    folder, result = rendition
    teacher = make_user("kru-seg", role="teacher", school=school)
    item = MediaItem.objects.create(
        title="ฟังบรรยาย", type="video", licence="cc-by", copyright_holder="สพป.",
        duration=result.duration, owner_school=school, visibility=Visibility.PUBLIC,
        status=Status.PROCESSING, uploaded_by_user=teacher,
    )  # fmt: skip
    shutil.copytree(folder, renditions_root(item.pk) / "v1")
    assert media_actions.switch_rendition(item.pk, "v1", result)
    assert MediaItem.objects.get(pk=item.pk).status == Status.READY

    fetched: Counter[str] = Counter()
    sizes: dict[str, int] = {}

    def on_response(response):
        url = response.url.split("?")[0]
        if url.endswith(".ts"):
            fetched[url] += 1
            sizes[url] = int(response.headers.get("content-length") or 0)

    page.on("response", on_response)
    page.goto(f"{live_server.url}/media-center/{item.pk}/")
    if page.locator("[data-play]").count():  # a light page holds a poster until Play
        page.locator("[data-play]").first.click()
    page.wait_for_selector("video#player")
    page.wait_for_function("() => document.querySelector('video#player').readyState >= 1")
    page.eval_on_selector("video#player", "v => { v.muted = true; return v.play(); }")
    page.wait_for_function(
        f"() => document.querySelector('video#player').currentTime >= {PLAY_SECONDS}",
        timeout=(PLAY_SECONDS + 40) * 1000,
        polling=500,
    )
    box = page.eval_on_selector(
        "video#player", "v => [v.clientWidth, v.clientHeight, v.videoWidth, v.videoHeight]"
    )
    refetched = {url: n - 1 for url, n in fetched.items() if n > 1}
    refetched_bytes = sum(sizes[url] * extra for url, extra in refetched.items())
    rungs = sorted({url.rsplit("/", 2)[-2] for url in fetched})
    report = {
        "player_segments_fetched": sum(fetched.values()),
        "player_distinct_segments": len(fetched),
        "player_refetched_bytes": refetched_bytes,
        "player_fetched_bytes": sum(sizes[url] * n for url, n in fetched.items()),
        "player_rungs_fetched": rungs,
        "player_box": box[:2],
        "played_seconds": PLAY_SECONDS,
    }
    if os.environ.get("KHLANG_PLAYER_REPORT"):  # bench.transcode reads the figures
        Path(os.environ["KHLANG_PLAYER_REPORT"]).write_text(json.dumps(report))
    assert fetched, "no segment was fetched"
    assert refetched_bytes == 0, (refetched, report)
    # The link is fast: the player climbed to a rung above the satellite one.
    assert rungs != ["144p"], report
