"""A student enrols, watches a lesson video to the end, and sees progress; the
teacher sees it in the class report. Real ffmpeg clip, real Chromium."""

from __future__ import annotations

import json
import subprocess

import pytest
from django.core.files import File

from core import roles
from core.models import GradeLevel
from tests.conftest import ensure_base_data
from tests.lms.builders import build_course, courses_index, ensure_collection_root, lessons_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
FFMPEG = "/usr/bin/ffmpeg"


@pytest.fixture(autouse=True)
def fresh_cache():
    """Lesson facts and outlines are cached by id; ids repeat after a flush."""
    from django.core.cache import cache

    cache.clear()


def tiny_mp4(path) -> float:
    """A 3-second 160×120 H.264 clip; returns its duration as ffprobe reads it."""
    subprocess.run(
        [FFMPEG, "-v", "error", "-y", "-f", "lavfi", "-i", "testsrc=size=160x120:rate=15",
         "-t", "3", "-c:v", "libx264", "-pix_fmt", "yuv420p", "-movflags", "+faststart",
         "-an", str(path)],
        check=True,
    )  # fmt: skip
    probe = subprocess.run(
        ["/usr/bin/ffprobe", "-v", "error", "-show_entries", "format=duration", "-of", "json",
         str(path)],
        check=True, capture_output=True,
    )  # fmt: skip
    return float(json.loads(probe.stdout)["format"]["duration"])


def encode_now(media) -> None:
    """Run the real transcode task in this process, as the worker would."""
    from media_center.actions import start_processing
    from transcoding.models import TranscodeJob
    from transcoding.tasks import transcode_media_task

    start_processing(media)  # creates the job (its message goes to the broker)
    for job in TranscodeJob.objects.filter(media_item=media):
        transcode_media_task.apply(args=(job.pk,)).get()
    media.refresh_from_db()
    jobs = list(TranscodeJob.objects.values("status", "error"))
    assert media.is_playable, (media.status, media.error_message, jobs)


@pytest.fixture
def video_course(tmp_path, settings, make_user, school):
    from wagtailmedia import get_media_model

    settings.MEDIA_ROOT = tmp_path / "media"
    settings.ROOT_URLCONF = "tests.browser.lms_urls"
    ensure_base_data()
    ensure_collection_root()
    clip = tmp_path / "clip.mp4"
    duration = tiny_mp4(clip)
    settings.MEDIA_CENTER = {**settings.MEDIA_CENTER, "PROTECTED_ROOT": str(tmp_path / "protected")}
    media = get_media_model()(
        title="เศษส่วนในชีวิตจริง", type="video", duration=duration,
        licence="cc-by", copyright_holder="สพป.ทดสอบ", owner_school=school,
    )  # fmt: skip
    with clip.open("rb") as handle:
        media.file.save("clip.mp4", File(handle), save=True)
    encode_now(media)
    body = [
        {"type": "text", "value": "<p>ดูวิดีโอให้จบ</p>"},
        {"type": "video", "value": {"media": media.pk, "caption": ""}},
    ]
    course = build_course(
        courses_index(),
        units=[
            (
                "always",
                [
                    ("ดูวิดีโอเศษส่วน", "video", {"video_percent": 90, "body": body}),
                    ("สรุปบทเรียน", "viewed", {}),
                ],
            )
        ],
        owner_school=school,
        title="คณิตศาสตร์ ป.5 เศษส่วน",
    )
    grade = GradeLevel.objects.get(code="ป.5")
    make_user("malee", roles.STUDENT, password="pass-1234", first_name="มาลี",
              school=school, grade_level=grade, classroom="1")  # fmt: skip
    make_user("kru", roles.TEACHER, password="pass-1234", school=school)
    return course


def log_in(page, base, username):
    page.goto(base + "/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "pass-1234")
    page.locator("form button[type=submit]").first.click()
    page.wait_for_load_state()


def test_student_watches_a_video_lesson_and_the_teacher_sees_it(
    page, live_server, video_course, screenshot_dir
):
    base = live_server.url
    video_lesson, _summary = lessons_of(video_course)
    log_in(page, base, "malee")
    page.goto(base + video_course.url)
    page.locator(f"form[action='/lms/courses/{video_course.pk}/enrol/'] button").click()
    page.wait_for_selector("progress")
    page.get_by_role("link", name=video_lesson.title).first.click()
    # A poster and a Play button until Play: no <video>, no stream fetched.
    assert page.locator("video").count() == 0
    page.locator(".player-box [data-play]").click()
    page.wait_for_selector("video[data-heartbeat]")
    # Play muted (autoplay rules) from the start to the end, once the player has
    # attached its source: a play() before that is cut off by the source's load.
    page.wait_for_function("() => document.querySelector('video').readyState >= 1")
    page.evaluate(
        "() => { const v = document.querySelector('video'); v.muted = true; return v.play(); }"
    )
    page.wait_for_function("() => document.querySelector('video').ended", timeout=30_000)
    page.wait_for_selector("[data-lms-status].complete", timeout=30_000)
    page.screenshot(path=str(screenshot_dir / "lesson.png"), full_page=True)

    page.goto(base + "/lms/my/")
    card = page.locator(f"[data-course='{video_course.pk}']")
    assert card.locator("[data-progress]").inner_text() == "50%"
    assert "สรุปบทเรียน" in card.inner_text()  # what to do next
    page.screenshot(path=str(screenshot_dir / "dashboard.png"), full_page=True)

    page.context.clear_cookies()
    log_in(page, base, "kru")
    page.goto(base + f"/lms/courses/{video_course.pk}/report/")
    row = page.locator("tr[data-user='malee']")
    cells = row.locator("td")
    assert "cell-complete" in cells.nth(2).get_attribute("class")
    assert "cell-none" in cells.nth(3).get_attribute("class")
    assert cells.nth(4).inner_text() == "50"
    page.screenshot(path=str(screenshot_dir / "report.png"), full_page=True)
