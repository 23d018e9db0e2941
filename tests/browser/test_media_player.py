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
    page.wait_for_selector("video#player")
    page.eval_on_selector("video#player", "v => { v.muted = true; return v.play(); }")
    page.wait_for_function("document.querySelector('video#player').currentTime > 1", timeout=30_000)
