"""A central and a school mirror as two real processes on loopback.

Each site has its own SQLite database, var/ and media folder and talks to the
other only over HTTP (or through a USB bundle folder). The scenario runs in
order, like a school's year: first sync, a change, a sync killed mid-file, a
tampered file, a full disk, a USB bundle, results going up, then the WAN cut.

Why this module is long: the scenario is one school year, in order; split, its
steps would lose the state each one leaves for the next.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import http.cookiejar
import json
import os
import re
import signal
import sqlite3
import urllib.parse
import urllib.request

import pytest

from core.waiting import wait_for
from mirror.devsites import SitePair, cached_template

from .helpers import signed_in

SCHOOL = "1058100001"  # the demo's school

SETUP_CENTRAL = """
import os
from django.core.files.base import ContentFile
from wagtail.documents.models import Document
from wagtail.images.models import Image
from wagtailmedia.models import Media
from PIL import Image as Picture
import io
buffer = io.BytesIO()
Picture.new("RGB", (64, 48), "teal").save(buffer, "PNG")
Image.objects.create(title="ปก", file=ContentFile(buffer.getvalue(), name="cover.png"))
Document.objects.create(title="ใบงาน", file=ContentFile(b"%PDF-1.4 worksheet v1", name="sheet.pdf"))
Media.objects.create(title="คลิป", type="video", duration=5,
                     file=ContentFile(os.urandom(200_000), name="clip.mp4"))
"""


def rows(site, sql, *params):
    with sqlite3.connect(site.database) as db:
        return db.execute(sql, params).fetchall()


def one(site, sql, *params):
    found = rows(site, sql, *params)
    return found[0][0] if found else None


def add_media(central, title: str, path, data: bytes) -> None:
    """A video on central (the bytes go through a file: no huge literal in -c)."""
    path.write_bytes(data)
    central.shell(
        "from django.core.files import File\n"
        "from wagtailmedia.models import Media\n"
        f"with open({str(path)!r}, 'rb') as f:\n"
        f"    Media.objects.create(title={title!r}, type='video', duration=60, "
        f"file=File(f, name={path.name!r}))\n"
    )


def log_in(base_url: str, username: str, password: str) -> bool:
    """Log in through the real form (CSRF cookie and token); True when it worked."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    form = opener.open(f"{base_url}/accounts/login/", timeout=10).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
    body = urllib.parse.urlencode(
        {"username": username, "password": password, "csrfmiddlewaretoken": token}
    ).encode()
    opener.open(f"{base_url}/accounts/login/", data=body, timeout=10).read()
    return any(cookie.name == "sessionid" for cookie in jar)


def transfers(central, since_id=0):
    return rows(
        central,
        "SELECT sha, start, bytes_sent FROM mirror_transferlog WHERE id > ? ORDER BY id",
        since_id,
    )


def last_transfer_id(central) -> int:
    return one(central, "SELECT COALESCE(MAX(id), 0) FROM mirror_transferlog")


@pytest.fixture(scope="module")
def template():
    return cached_template()


@pytest.fixture(scope="module")
def sites(tmp_path_factory, template):
    pair = SitePair.create(tmp_path_factory.mktemp("mirror-sites"), template=template)
    central = pair.central
    central.shell(
        "from django.core.management import call_command\n"
        "call_command('load_demo')\n"
        + SETUP_CENTRAL
        + f"call_command('mirror_register', 'school-1', '--school', '{SCHOOL}', "
        f"'--public-key', '{pair.mirror_public_key}', '--max-height', '240')\n"
    )
    central.start_server()
    pair.point_mirror_at(central.url)
    yield pair
    pair.stop()


def test_first_sync_brings_vocabulary_school_users_pages_and_files(sites):
    central, mirror = sites.central, sites.mirror
    result = mirror.manage("mirror_sync", "--force")
    assert "synced" in result.stdout
    assert one(mirror, "SELECT COUNT(*) FROM core_school WHERE code = ?", SCHOOL) == 1
    usernames = {r[0] for r in rows(mirror, "SELECT username FROM core_user")}
    assert {"student", "teacher", "schooladmin"} <= usernames
    assert "admin" not in usernames  # area staff belong to no school
    titles = {r[0] for r in rows(mirror, "SELECT title FROM wagtailcore_page")}
    assert "คลังสื่อการเรียนรู้ สพท." in titles and "คลังข้อสอบ" in titles
    clip = one(mirror, "SELECT file FROM wagtailmedia_media WHERE title = 'คลิป'")
    central_clip = (central.media / clip).read_bytes()
    assert (mirror.media / clip).read_bytes() == central_clip
    # Every file moved once, whole, and the mirror reported in.
    sent = transfers(central)
    assert len(sent) == 3 and all(start == 0 for _, start, _ in sent)
    applied = one(mirror, "SELECT applied_version FROM mirror_syncstate")
    assert one(central, "SELECT acked_version FROM mirror_mirror") == applied > 0
    assert one(central, "SELECT disk_free_bytes FROM mirror_mirror") > 0
    # A second sync with nothing new moves no file.
    before = last_transfer_id(central)
    mirror.manage("mirror_sync", "--force")
    assert transfers(central, before) == []


def test_incremental_sync_moves_only_the_changed_file_and_page(sites):
    central, mirror = sites.central, sites.mirror
    central.shell(
        "from django.core.files.base import ContentFile\n"
        "from wagtail.documents.models import Document\n"
        "from core.models import HomePage\n"
        "d = Document.objects.get(title='ใบงาน')\n"
        "d.file.save('sheet-v2.pdf', ContentFile(b'%PDF-1.4 worksheet v2, longer'), save=True)\n"
        "h = HomePage.objects.get(); h.title = 'คลังสื่อ ฉบับปรับปรุง'; h.save_revision().publish()\n"
    )
    before = last_transfer_id(central)
    mirror.manage("mirror_sync", "--force")
    new_sha = hashlib.sha256(b"%PDF-1.4 worksheet v2, longer").hexdigest()
    assert transfers(central, before) == [(new_sha, 0, len(b"%PDF-1.4 worksheet v2, longer"))]
    assert one(mirror, "SELECT COUNT(*) FROM wagtailcore_page WHERE title = ?", "คลังสื่อ ฉบับปรับปรุง")
    name = one(mirror, "SELECT file FROM wagtaildocs_document WHERE title = 'ใบงาน'")
    assert (mirror.media / name).read_bytes() == b"%PDF-1.4 worksheet v2, longer"
    assert one(mirror, "SELECT COUNT(*) FROM mirror_mirrorrecord WHERE source='wagtail.page'") > 3


def test_a_sync_killed_mid_file_resumes_with_only_the_missing_bytes(sites):
    central, mirror = sites.central, sites.mirror
    data = os.urandom(1_500_000)
    sha = hashlib.sha256(data).hexdigest()
    add_media(central, "บทเรียนยาว", central.folder / "lesson.bin", data)
    partial = mirror.folder / "content" / "partial" / f"{sha}.part"
    process = mirror.popen("mirror_sync", "--force", "--bandwidth-kbps", "2400")
    try:
        wait_for(
            lambda: partial.exists() and partial.stat().st_size > 300_000, 60, "a partial file"
        )
    finally:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=20)
    have = partial.stat().st_size
    assert 0 < have < len(data)
    # Nothing half-copied is visible.
    assert one(mirror, "SELECT COUNT(*) FROM wagtailmedia_media WHERE title = 'บทเรียนยาว'") == 0
    wait_for(lambda: transfers(central, 0)[-1][2] > 0, 30, "central to log the cut transfer")
    before = last_transfer_id(central)
    mirror.manage("mirror_sync", "--force")
    assert transfers(central, before) == [(sha, have, len(data) - have)]
    name = one(mirror, "SELECT file FROM wagtailmedia_media WHERE title = 'บทเรียนยาว'")
    assert hashlib.sha256((mirror.media / name).read_bytes()).hexdigest() == sha
    assert not partial.exists()


def test_a_tampered_file_is_rejected_and_nothing_is_applied(sites):
    central, mirror = sites.central, sites.mirror
    good = b"%PDF-1.4 answer key " * 100
    sha = hashlib.sha256(good).hexdigest()
    central.shell(
        "from django.core.files.base import ContentFile\n"
        "from wagtail.documents.models import Document\n"
        f"Document.objects.create(title='เฉลย', file=ContentFile({good!r}, name='key.pdf'))\n"
        "from mirror.feed import refresh_feed; refresh_feed()\n"
    )
    # Central's stored copy goes bad (a new inode: the media file itself is intact).
    stored = central.folder / "content" / sha[:2] / sha[2:4] / sha
    stored.unlink()
    stored.write_bytes(b"%PDF-1.4 EVIL key    " * 100)
    failed = mirror.manage("mirror_sync", "--force", check=False)
    assert failed.returncode != 0
    assert "tampered" in failed.stderr and "เสียหาย" in failed.stderr
    assert one(mirror, "SELECT COUNT(*) FROM wagtaildocs_document WHERE title = 'เฉลย'") == 0
    assert one(mirror, "SELECT status FROM mirror_syncjournal ORDER BY id DESC LIMIT 1") == "failed"
    assert "tampered" in one(central, "SELECT last_error FROM mirror_mirror")
    stored.unlink()
    stored.write_bytes(good)
    mirror.manage("mirror_sync", "--force")
    assert one(mirror, "SELECT COUNT(*) FROM wagtaildocs_document WHERE title = 'เฉลย'") == 1


def test_a_full_disk_applies_what_needs_no_file_and_leaves_the_rest_for_later(sites):
    central, mirror = sites.central, sites.mirror
    add_media(central, "ใหญ่", central.folder / "big.bin", os.urandom(400_000))
    central.shell(
        "from core.models import School, User\n"
        f"school = School.objects.get(code='{SCHOOL}')\n"
        "User.objects.create_user(username='newcomer', password='x', school=school)\n"
        "User.objects.filter(username='student').update(first_name='ชื่อใหม่')\n"
    )
    used = sum(p.stat().st_size for p in (mirror.folder / "content").rglob("*") if p.is_file())
    before = last_transfer_id(central)
    failed = mirror.manage(
        "mirror_sync", "--force", check=False, KHLANG_MIRROR_DISK_QUOTA_BYTES=str(used + 100_000)
    )
    assert failed.returncode != 0
    assert "พื้นที่ดิสก์ไม่พอ" in failed.stderr and "not enough disk space" in failed.stderr
    # How much is needed, how much is free, and what waits: never two equal figures.
    needed, free = re.search(
        r"([\d.,]+ KB) needed but only ([\d.,]+ KB) free", failed.stderr
    ).groups()
    assert needed == "390.6 KB" and free != needed
    assert "records left for a later sync: 1 (390.6 KB)" in failed.stderr
    assert transfers(central, before) == []  # a file that cannot fit is not started
    # Accounts and text arrived all the same; the video waits.
    assert one(mirror, "SELECT COUNT(*) FROM core_user WHERE username = 'newcomer'") == 1
    assert one(mirror, "SELECT first_name FROM core_user WHERE username = 'student'") == "ชื่อใหม่"
    assert one(mirror, "SELECT COUNT(*) FROM wagtailmedia_media WHERE title = 'ใหญ่'") == 0
    assert (
        one(mirror, "SELECT status FROM mirror_syncjournal ORDER BY id DESC LIMIT 1") == "partial"
    )
    assert one(central, "SELECT bytes_pending FROM mirror_mirror") == 400_000
    mirror.manage("mirror_sync", "--force")
    assert one(mirror, "SELECT COUNT(*) FROM wagtailmedia_media WHERE title = 'ใหญ่'") == 1


def test_usb_bundle_round_trip_resumes_a_partly_copied_bundle(sites, template, tmp_path):
    central = sites.central
    bundle = tmp_path / "usb"
    central.manage("mirror_export_bundle", str(bundle), "--school", SCHOOL)
    manifest = json.loads((bundle / "khlang-bundle.json").read_text())
    assert manifest["files"] >= 5
    # Cut one file short, as an interrupted copy onto the drive would.
    biggest = max(
        (bundle / "files").rglob("*"), key=lambda p: p.stat().st_size if p.is_file() else 0
    )
    whole = biggest.read_bytes()
    biggest.write_bytes(whole[: len(whole) // 2])
    usb = sites.another_mirror("usb-school", "school-usb", template)
    failed = usb.manage("mirror_import_bundle", str(bundle), check=False)
    assert failed.returncode != 0 and "incomplete" in failed.stderr and "ไม่ครบ" in failed.stderr
    assert one(usb, "SELECT COUNT(*) FROM core_user WHERE username = 'student'") == 0
    partial = usb.folder / "content" / "partial" / f"{biggest.name}.part"
    assert partial.stat().st_size == len(whole) // 2
    biggest.write_bytes(whole)
    done = usb.manage("mirror_import_bundle", str(bundle))
    assert f"{len(whole) - len(whole) // 2}" in done.stdout or "imported" in done.stdout
    assert one(usb, "SELECT COUNT(*) FROM core_user WHERE username = 'student'") == 1
    assert one(usb, "SELECT COUNT(*) FROM wagtailmedia_media") == 3
    assert one(usb, "SELECT COUNT(*) FROM wagtailcore_page WHERE title = 'คลังข้อสอบ'") == 1
    # The same bundle again changes nothing.
    usb.manage("mirror_import_bundle", str(bundle))
    assert one(usb, "SELECT COUNT(*) FROM wagtailmedia_media") == 3


def test_results_pushed_twice_are_counted_once(sites):
    central, mirror = sites.central, sites.mirror
    mirror.shell(
        "from core.models import User\n"
        "from core.usage import record_event\n"
        "student = User.objects.get(username='student')\n"
        "for i in range(120):\n"
        "    record_event(service='media', action='watch', user=student, seconds=15.0,\n"
        "                 key=f'school-1:watch:{i}', site='school-1')\n"
    )
    first = mirror.manage("mirror_push")
    assert "120 new" in first.stdout
    with sqlite3.connect(mirror.database) as db:  # as if central's answer was lost
        db.execute("UPDATE mirror_pushcursor SET position = 0")
    again = mirror.manage("mirror_push")
    assert "0 new" in again.stdout and "120 already there" in again.stdout
    assert one(central, "SELECT COUNT(*) FROM core_usageevent WHERE site = 'school-1'") == 120
    student_id = one(central, "SELECT id FROM core_user WHERE username = 'student'")
    pushed = rows(central, "SELECT user_id FROM core_usageevent WHERE site = 'school-1'")
    assert {r[0] for r in pushed} == {student_id}  # the demo's own usage is central's


ADD_VIDEO = """
import tempfile
from pathlib import Path
from django.core.files import File
from core.models import GradeLevel, SubjectGroup
from media_center.actions import start_processing
from media_center.models import MediaItem
from transcoding.samples import make_clip
with tempfile.TemporaryDirectory() as folder:
    clip = make_clip(Path(folder) / "fractions.mp4", width=640, height=360, seconds=4)
    item = MediaItem(title="เศษส่วนน่ารู้", type="video", licence="cc-by",
                     copyright_holder="สพท.", status="processing")
    with clip.open("rb") as handle:
        item.file.save("fractions.mp4", File(handle), save=False)
    item.save()
item.subject_groups.set(SubjectGroup.objects.filter(code="ค"))
item.grade_levels.set(GradeLevel.objects.filter(code="ป.3"))
start_processing(item)  # the task runs eagerly here: ffmpeg encodes the ladder now
item.refresh_from_db()
print(item.pk, item.status, item.rendition_version)
"""


def test_a_video_syncs_with_only_the_renditions_the_school_keeps(sites):
    central, mirror = sites.central, sites.mirror
    printed = central.shell(ADD_VIDEO, CELERY_TASK_ALWAYS_EAGER="true").split()
    item_id, status, version = printed[-3:]
    assert status == "ready"
    package = central.folder / "protected" / "renditions" / item_id / version
    assert sorted(p.name for p in package.iterdir() if p.is_dir()) == ["144p", "240p", "360p"]
    before = last_transfer_id(central)
    mirror.manage("mirror_sync", "--force")
    local = mirror.folder / "protected" / "renditions" / item_id / version
    assert sorted(p.name for p in local.iterdir() if p.is_dir()) == ["144p", "240p"]
    master = (local / "master.m3u8").read_text()
    assert "144p/index.m3u8" in master and "240p/index.m3u8" in master and "360p" not in master
    assert "360p/index.m3u8" in (package / "master.m3u8").read_text()
    for name in ("poster.jpg", "download.mp4"):
        assert (local / name).read_bytes() == (package / name).read_bytes()
    # Nothing only the 360p rung needs (nor the original) crossed the link.
    lower = {
        hashlib.sha256(p.read_bytes()).hexdigest()
        for rung in ("144p", "240p")
        for p in (package / rung).iterdir()
    }
    tall = {hashlib.sha256(p.read_bytes()).hexdigest() for p in (package / "360p").iterdir()}
    moved = {sha for sha, _, _ in transfers(central, before)}
    assert moved and not moved & (tall - lower)
    original = one(central, "SELECT file FROM media_center_mediaitem WHERE id = ?", int(item_id))
    original_sha = hashlib.sha256((central.folder / "protected" / original).read_bytes())
    assert original_sha.hexdigest() not in moved
    row = rows(
        mirror,
        "SELECT status, rendition_version, file FROM media_center_mediaitem WHERE id = ?",
        int(item_id),
    )
    assert row == [("ready", version, "")]  # central's id; no original kept at 240p


def test_a_quiz_taken_offline_and_lesson_progress_go_up_counted_once(sites):
    central, mirror = sites.central, sites.mirror
    quiz_id = one(central, "SELECT id FROM exambank_quiz WHERE title = 'แบบทดสอบตัวอย่าง ป.3'")
    assert one(mirror, "SELECT title FROM exambank_quiz WHERE id = ?", quiz_id)
    versions = one(central, "SELECT COUNT(*) FROM exambank_questionversion")
    assert one(mirror, "SELECT COUNT(*) FROM exambank_questionversion") == versions
    # Lessons keep central's page ids (and translation keys) on the mirror.
    lesson_sql = (
        "SELECT p.id, p.translation_key, p.url_path FROM lms_lessonpage l "
        "JOIN wagtailcore_page p ON p.id = l.page_ptr_id ORDER BY p.id"
    )
    lessons = rows(central, lesson_sql)
    assert lessons and rows(mirror, lesson_sql) == lessons
    lesson_id = lessons[0][0]
    # Central already knows more watching of this lesson than the mirror will.
    central.shell(
        "from core.models import User\n"
        "from lms.actions import enrol, open_lesson\n"
        "from lms.models import LessonPage, LessonProgress\n"
        f"lesson = LessonPage.objects.get(pk={lesson_id})\n"
        "student = User.objects.get(username='student')\n"
        "progress = open_lesson(student, lesson, enrol(student, lesson.course))\n"
        "LessonProgress.objects.filter(pk=progress.pk).update(watched_seconds=500.0)\n"
    )
    central.stop_server()
    mirror.start_server()
    try:
        opener, post = signed_in(mirror.url, "student", "khlang-demo")
        page = opener.open(f"{mirror.url}/exams/quiz/{quiz_id}/", timeout=10).read().decode()
        assert "แบบทดสอบตัวอย่าง ป.3" in page
        started = post(f"/exams/quiz/{quiz_id}/start/", start_key="offline-1")
        attempt_id = int(re.search(r"/exams/attempt/(\d+)/", started.url).group(1))
        post(f"/exams/attempt/{attempt_id}/submit/")
    finally:
        mirror.stop_server()
    assert one(mirror, "SELECT state FROM exambank_attempt WHERE id = ?", attempt_id) == "finished"
    mirror.shell(
        "from core.models import User\n"
        "from lms.actions import enrol, mark_done, open_lesson\n"
        "from lms.models import LessonPage, LessonProgress\n"
        f"lesson = LessonPage.objects.get(pk={lesson_id})\n"
        "student = User.objects.get(username='student')\n"
        "progress = open_lesson(student, lesson, enrol(student, lesson.course))\n"
        "LessonProgress.objects.filter(pk=progress.pk).update(watched_seconds=30.0)\n"
        "mark_done(student, lesson)\n"
    )
    central.start_server()
    mirror.manage("mirror_push")  # the attempt, the progress and the usage they made
    before_again = one(central, "SELECT COUNT(*) FROM core_usageevent WHERE site = 'school-1'")
    with sqlite3.connect(mirror.database) as db:  # as if central's answers were lost
        db.execute("DELETE FROM mirror_acknowledgedresult")
        db.execute("UPDATE mirror_pushcursor SET position = 0")
    again = mirror.manage("mirror_push")
    assert "0 new" in again.stdout
    after_again = one(central, "SELECT COUNT(*) FROM core_usageevent WHERE site = 'school-1'")
    assert after_again == before_again
    attempts = rows(
        central,
        "SELECT a.state, a.number, COUNT(s.id) FROM exambank_attempt a "
        "JOIN exambank_attemptslot s ON s.attempt_id = a.id "
        "WHERE a.start_key LIKE 'mirror:%' GROUP BY a.id",
    )
    slots = one(
        mirror, "SELECT COUNT(*) FROM exambank_attemptslot WHERE attempt_id = ?", attempt_id
    )
    assert attempts == [("finished", 1, slots)]
    progress = rows(
        central,
        "SELECT p.watched_seconds, p.marked_done, p.completed_at IS NOT NULL "
        "FROM lms_lessonprogress p JOIN core_user u ON u.id = p.user_id "
        "WHERE u.username = 'student' AND p.lesson_id = ?",
        lesson_id,
    )
    assert progress == [(500.0, 1, 1)]  # the larger watch time stays; done and complete


def test_a_supervision_record_filled_on_the_mirror_goes_up_merged_once(sites):
    central, mirror = sites.central, sites.mirror
    mirror.manage("mirror_sync", "--force")  # the supervisor, the rubric, the school's plan
    assert one(mirror, "SELECT is_active FROM core_user WHERE username = 'supervisor'") == 1
    entry = one(
        mirror,
        "SELECT e.id FROM supervision_planentry e JOIN core_school s ON s.id = e.school_id "
        "WHERE s.code = ? AND e.teacher_id IS NOT NULL",
        SCHOOL,
    )
    school_id = one(mirror, "SELECT id FROM core_school WHERE code = ?", SCHOOL)
    teacher_id = one(mirror, "SELECT id FROM core_user WHERE username = 'teacher'")
    rubric_id = one(
        mirror,
        "SELECT p.rubric_id FROM supervision_plan p JOIN supervision_planentry e "
        "ON e.plan_id = p.id WHERE e.id = ?",
        entry,
    )
    criteria = [r[0] for r in rows(mirror, "SELECT id FROM supervision_criterion "
                                           "WHERE rubric_id = ? ORDER BY sort_order", rubric_id)]  # fmt: skip
    assert criteria
    central.stop_server()
    mirror.start_server()
    try:  # the supervisor at the school, the WAN cut
        _opener, post = signed_in(mirror.url, "supervisor", "khlang-demo")
        made = post(
            f"/supervision/records/new/?entry={entry}",
            school=school_id, teacher=teacher_id, rubric=rubric_id, mode="onsite",
            visited_on=dt.date.today().isoformat(), subject="ภาษาไทย การอ่าน",
        )  # fmt: skip
        record_id = int(re.search(r"/supervision/records/(\d+)/assess/", made.url).group(1))
        levels = {f"level_{c}": "3" for c in criteria}
        post(f"/supervision/records/{record_id}/assess/", share="1", strengths="อ่านคล่อง",
             action_1="จัดมุมอ่านในห้องเรียน", due_1="2030-06-30", **levels)  # fmt: skip
    finally:
        mirror.stop_server()
    uuid = one(mirror, "SELECT uuid FROM supervision_observation WHERE id = ?", record_id)
    assert (
        one(mirror, "SELECT status FROM supervision_observation WHERE id = ?", record_id)
        == "shared"
    )
    central.start_server()
    mirror.manage("mirror_push")
    with sqlite3.connect(mirror.database) as db:  # as if central's answers were lost
        db.execute("DELETE FROM mirror_acknowledgedresult")
    again = mirror.manage("mirror_push")
    assert "0 new" in again.stdout
    merged = rows(
        central,
        "SELECT id, site, status, strengths FROM supervision_observation WHERE uuid = ?",
        uuid,
    )
    assert [row[1:] for row in merged] == [("school-1", "shared", "อ่านคล่อง")]
    observation = merged[0][0]
    assert one(central, "SELECT COUNT(*) FROM supervision_score WHERE observation_id = ?",
               observation) == len(criteria)  # fmt: skip
    assert one(central, "SELECT COUNT(*) FROM supervision_followup WHERE observation_id = ?",
               observation) == 1  # fmt: skip
    told = one(
        central,
        "SELECT COUNT(*) FROM notifications_notification n JOIN core_user u ON u.id = n.user_id "
        "WHERE u.username = 'teacher' AND n.url = ?",
        f"/supervision/records/{observation}/",
    )
    assert told == 1


def test_the_mirror_serves_pages_and_logins_with_central_stopped(sites):
    central, mirror = sites.central, sites.mirror
    central.stop_server()
    mirror.start_server()
    with urllib.request.urlopen(mirror.url + "/", timeout=10) as response:
        html = response.read().decode()
    assert response.status == 200 and "คลังสื่อ ฉบับปรับปรุง" in html
    assert log_in(mirror.url, "student", "khlang-demo")  # the synced password hash works
    assert not log_in(mirror.url, "student", "wrong-password")
    # The player's HLS comes from the mirror's own disk: master, rung, segment.
    item_id = one(mirror, "SELECT id FROM media_center_mediaitem WHERE title = 'เศษส่วนน่ารู้'")
    master_url = mirror.shell(
        "from media_center.models import MediaItem\n"
        f"print(MediaItem.objects.get(pk={item_id}).hls_url)\n"
    ).splitlines()[-1]  # after the shell's own "objects imported" line
    with urllib.request.urlopen(mirror.url + master_url, timeout=10) as response:
        master = response.read().decode()
    rungs = [line for line in master.splitlines() if line.endswith(".m3u8")]
    assert rungs == ["144p/index.m3u8", "240p/index.m3u8"]
    base = mirror.url + master_url.rsplit("/", 1)[0]
    with urllib.request.urlopen(f"{base}/240p/index.m3u8", timeout=10) as response:
        playlist = response.read().decode()
    segment = next(line for line in playlist.splitlines() if line.endswith(".ts"))
    with urllib.request.urlopen(f"{base}/240p/{segment}", timeout=10) as response:
        data = response.read()
        assert response.headers["Content-Type"] == "video/mp2t"
    version = one(
        mirror, "SELECT rendition_version FROM media_center_mediaitem WHERE id = ?", item_id
    )
    on_disk = mirror.folder / "protected" / "renditions" / str(item_id) / version / "240p" / segment
    assert data == on_disk.read_bytes() and len(data) > 1000
    failed = mirror.manage("mirror_sync", "--force", check=False)
    assert failed.returncode != 0 and "cannot reach central" in failed.stderr
