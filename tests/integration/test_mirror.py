"""A central and a school mirror as two real processes on loopback.

Each site has its own SQLite database, var/ and media folder and talks to the
other only over HTTP (or through a USB bundle folder). The scenario runs in
order, like a school's year: first sync, a change, a sync killed mid-file, a
tampered file, a full disk, a USB bundle, results going up, then the WAN cut.
"""

from __future__ import annotations

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
from mirror.devsites import SitePair, migrated_template

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
def template(tmp_path_factory):
    return migrated_template(tmp_path_factory.mktemp("mirror-template"))


@pytest.fixture(scope="module")
def sites(tmp_path_factory, template):
    pair = SitePair.create(tmp_path_factory.mktemp("mirror-sites"), template=template)
    central = pair.central
    central.shell(
        "from django.core.management import call_command\n"
        "call_command('load_demo')\n"
        + SETUP_CENTRAL
        + f"call_command('mirror_register', 'school-1', '--school', '{SCHOOL}', "
        f"'--public-key', '{pair.mirror_public_key}')\n"
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


def test_a_full_disk_is_reported_before_the_transfer(sites):
    central, mirror = sites.central, sites.mirror
    add_media(central, "ใหญ่", central.folder / "big.bin", os.urandom(400_000))
    used = sum(p.stat().st_size for p in (mirror.folder / "content").rglob("*") if p.is_file())
    before = last_transfer_id(central)
    failed = mirror.manage(
        "mirror_sync", "--force", check=False, KHLANG_MIRROR_DISK_QUOTA_BYTES=str(used + 100_000)
    )
    assert failed.returncode != 0
    assert "พื้นที่ดิสก์ไม่พอ" in failed.stderr and "not enough disk space" in failed.stderr
    assert transfers(central, before) == []
    assert one(mirror, "SELECT COUNT(*) FROM wagtailmedia_media WHERE title = 'ใหญ่'") == 0
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


def test_the_mirror_serves_pages_and_logins_with_central_stopped(sites):
    central, mirror = sites.central, sites.mirror
    central.stop_server()
    mirror.start_server()
    with urllib.request.urlopen(mirror.url + "/", timeout=10) as response:
        html = response.read().decode()
    assert response.status == 200 and "คลังสื่อ ฉบับปรับปรุง" in html
    assert log_in(mirror.url, "student", "khlang-demo")  # the synced password hash works
    assert not log_in(mirror.url, "student", "wrong-password")
    failed = mirror.manage("mirror_sync", "--force", check=False)
    assert failed.returncode != 0 and "cannot reach central" in failed.stderr
