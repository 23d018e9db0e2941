"""The classroom screen in Chromium: the TV opens the screen address with its key,
nobody clicks, and the period's lesson plays; in a live period whose class has not
begun, the recorded item plays and the screen says so in Thai. Real ffmpeg clip."""

from __future__ import annotations

import datetime as dt
import shutil
import time

import pytest

from live import classroom, screens
from live.models import Plays, Weekday
from media_center.models import MediaItem, Status
from tests.live.timetables import MONDAY, at, live_session, make_timetable
from transcoding import pipeline, samples

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
# The screens' clock runs from a Monday 10:00 in Bangkok, whatever day the suite runs.
BASE = at(MONDAY, "10:00")


@pytest.fixture(scope="module")
def rendition(tmp_path_factory):
    folder = tmp_path_factory.mktemp("screen-clip")
    clip = samples.make_clip(folder / "clip.mp4", width=320, height=180, seconds=12)
    out = folder / "v1"
    return out, pipeline.transcode(clip, out)


@pytest.fixture
def lesson(rendition, school, settings, tmp_path, monkeypatch):
    from media_center import actions as media_actions
    from transcoding.actions import renditions_root

    settings.MEDIA_CENTER = {**settings.MEDIA_CENTER, "PROTECTED_ROOT": str(tmp_path / "p")}
    started = time.monotonic()
    monkeypatch.setattr(
        classroom, "clock", lambda: BASE + dt.timedelta(seconds=time.monotonic() - started)
    )
    folder, result = rendition
    item = MediaItem.objects.create(
        title="ทบทวนการบวกเลข", type="video", licence="cc-by", copyright_holder="สพป.ทดสอบ",
        duration=result.duration, owner_school=school, visibility="school",
        status=Status.PROCESSING,
    )  # fmt: skip
    shutil.copytree(folder, renditions_root(item.pk) / "v1")
    assert media_actions.switch_rendition(item.pk, "v1", result)
    return MediaItem.objects.get(pk=item.pk)


def _open_screen(page, live_server, school) -> list[str]:
    """The TV opens the screen's address; returns the page's script errors as they come."""
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    link = screens.make_link(school)
    page.goto(f"{live_server.url}/classroom/{school.code}/p4/?key={link.key}")
    page.wait_for_selector("video#screen-video", state="attached")
    return errors


def _plays(page) -> None:
    page.wait_for_function(
        "() => { const v = document.getElementById('screen-video'); return v && v.currentTime > 1.5; }",
        timeout=30_000,
    )


def test_a_recorded_lesson_period_plays_by_itself(page, live_server, school, lesson):
    make_timetable(
        school=school,
        periods=[(Weekday.MONDAY, "10:00", "10:40", Plays.RECORDED, lesson, "ค")],
    )
    errors = _open_screen(page, live_server, school)
    _plays(page)
    assert page.locator("#period-label").inner_text() == "คณิตศาสตร์"
    assert "10:00–10:40" in page.locator("#period-time").inner_text()
    assert page.locator("#screen-message").is_hidden()
    assert page.locator("#screen-live").is_hidden()
    # No click happened: the screen is muted (with the sound button) or sounding.
    muted = page.eval_on_selector("#screen-video", "v => v.muted")
    assert page.locator("#sound-on").is_visible() == muted
    assert not errors


def test_a_live_period_before_its_class_begins_plays_the_fallback_and_says_so(
    page, live_server, school, lesson, screenshot_dir
):
    make_timetable(periods=[(Weekday.MONDAY, "10:00", "10:40", Plays.LIVE, lesson, "ค")])
    live_session("คณิตศาสตร์ ป.4 สด", starts=BASE, minutes=40, state="scheduled")
    errors = _open_screen(page, live_server, school)
    _plays(page)
    page.wait_for_selector("#screen-message:not([hidden])", timeout=20_000)
    message = page.locator("#screen-message").inner_text()
    assert "ยังไม่เริ่ม" in message, message
    assert page.locator("#screen-live").is_hidden()
    src = page.eval_on_selector("#screen-video", "v => v.currentSrc || v.src")
    assert "/live/" not in src
    page.screenshot(path=str(screenshot_dir / "classroom-fallback.png"))
    assert not errors
