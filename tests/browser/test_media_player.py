"""Upload a clip through the site, wait for the job, watch it play in Chromium."""

import re

import pytest

from media_center.models import MediaItem, Status
from transcoding import samples


@pytest.mark.django_db(transaction=True)
def test_upload_then_play(page, live_server, make_user, tmp_path, settings):
    from wagtail.models import Collection

    from khlang.celery import app
    from tests.conftest import ensure_base_data

    ensure_base_data()
    if Collection.get_first_root_node() is None:
        Collection.add_root(name="Root")
    settings.MEDIA_CENTER = {**settings.MEDIA_CENTER, "PROTECTED_ROOT": str(tmp_path / "p")}
    make_user("kru-b", role="teacher", password="pass-1234")
    clip = samples.make_clip(tmp_path / "play.mp4", width=320, height=180, seconds=4)
    app.conf.task_always_eager = True  # the live server's thread runs the job itself
    try:
        page.goto(f"{live_server.url}/accounts/login/?next=/media-center/upload/")
        page.fill("input[name=username]", "kru-b")
        page.fill("input[name=password]", "pass-1234")
        page.click("button[type=submit]")
        page.wait_for_url("**/media-center/upload/")
        page.set_input_files("#file-input", str(clip))
        page.fill("input[name=title]", "ลองเล่น")
        page.select_option("select[name=type]", "video")
        page.select_option("select[name=licence]", "cc-by")
        page.fill("input[name=copyright_holder]", "สพป.ทดสอบ")
        page.select_option("select[name=visibility]", "public")
        page.click("#upload-submit")
        page.wait_for_url(re.compile(r"/media-center/\d+/$"), timeout=120_000)
    finally:
        app.conf.task_always_eager = False
    item = MediaItem.objects.get()
    assert item.status == Status.READY, item.error_message
    page.reload()
    # Before Play the page holds a poster and a button, no video and no stream.
    assert page.locator("video").count() == 0
    page.get_by_role("button", name=re.compile("ลองเล่น")).click()
    page.wait_for_selector("video#player")
    # play() only once the player has attached its source, or that load cuts it off.
    page.wait_for_function("() => document.querySelector('video#player').readyState >= 1")
    page.eval_on_selector("video#player", "v => { v.muted = true; return v.play(); }")
    page.wait_for_function(
        "() => document.querySelector('video#player').currentTime > 1", timeout=30_000
    )

    # The seek bar previews the sprite tile of the moment under the pointer...
    page.wait_for_function("() => !document.getElementById('seek-bar').disabled", timeout=30_000)
    box = page.locator("#seek-bar").bounding_box()
    assert page.locator("#seek-preview").is_hidden()
    page.mouse.move(box["x"] + box["width"] * 0.75, box["y"] + box["height"] / 2)
    page.wait_for_selector("#seek-preview:not([hidden])", timeout=10_000)
    thumb = page.locator("#seek-preview .thumb")
    page.wait_for_function(
        "() => document.querySelector('#seek-preview .thumb').dataset.sheet === 'sprite_001.jpg'",
        timeout=10_000,
    )
    assert "sprite_001.jpg" in thumb.evaluate("t => t.style.backgroundImage")
    assert thumb.evaluate("t => t.getBoundingClientRect().width") > 0
    # 3 s into a 4 s clip is the second tile (one every 2 s), one tile to the right.
    assert thumb.evaluate("t => t.style.backgroundPosition").startswith("-160px")
    sheet = thumb.evaluate(
        "t => fetch(t.style.backgroundImage.slice(5, -2)).then(r => r.status + ' ' + r.headers.get('content-type'))"
    )
    assert sheet == "200 image/jpeg"
    page.mouse.move(0, 0)
    page.wait_for_selector("#seek-preview[hidden]", state="attached", timeout=10_000)
    # ...and from the keyboard: focus the bar, an arrow key moves it with a preview.
    page.eval_on_selector("video#player", "v => { v.pause(); v.currentTime = 0; }")
    page.focus("#seek-bar")
    page.keyboard.press("Home")
    page.keyboard.press("ArrowRight")
    page.wait_for_selector("#seek-preview:not([hidden])", timeout=10_000)
    assert page.locator("#seek-preview .time").inner_text() == "0:04"
    page.wait_for_function(
        "() => document.querySelector('video#player').currentTime > 3", timeout=10_000
    )
