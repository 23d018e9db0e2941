"""Sync over a satellite-like link built from kernel parts: the mirror runs in
its own network namespace behind tc shaping (256 kbit/s), nftables dropping 1 %
of packets each way, and a proxy holding every chunk for half of a 600 ms round
trip (mirror/satellite.py). First sync, a sync cut at half a file, and its resume."""

from __future__ import annotations

import hashlib
import os
import signal
import sqlite3
import subprocess
import sys

import pytest

from core.waiting import wait_for
from mirror import satellite
from mirror.devsites import ROOT, SitePair, cached_template

SCHOOL = "1058100001"

pytestmark = pytest.mark.skipif(
    bool(satellite.available()), reason=f"satellite link: {satellite.available()}"
)


def one(site, sql, *params):
    with sqlite3.connect(site.database) as db:
        found = db.execute(sql, params).fetchall()
    return found[0][0] if found else None


def add_media(central, title: str, path, data: bytes) -> None:
    path.write_bytes(data)
    central.shell(
        "from django.core.files import File\n"
        "from wagtailmedia.models import Media\n"
        f"with open({str(path)!r}, 'rb') as f:\n"
        f"    Media.objects.create(title={title!r}, type='video', duration=60, "
        f"file=File(f, name={path.name!r}))\n"
    )


def in_namespace(link, site, *args: str) -> list[str]:
    return link.command([sys.executable, "manage.py", *args])


@pytest.fixture(scope="module")
def behind_a_satellite(tmp_path_factory):
    folder = tmp_path_factory.mktemp("satellite")
    pair = SitePair.create(folder, template=cached_template())
    central = pair.central
    central.shell(
        "from django.core.management import call_command\n"
        "call_command('load_demo')\n"
        f"call_command('mirror_register', 'school-1', '--school', '{SCHOOL}', "
        f"'--public-key', '{pair.mirror_public_key}')\n"
    )
    add_media(central, "คลิปแรก", folder / "first.bin", os.urandom(150_000))
    central.env["ALLOWED_HOSTS"] = "127.0.0.1,localhost,10.203.0.1"  # the link's host end
    central.start_server()
    with satellite.SatelliteLink(central.port, prefix="khmir", subnet="10.203.0") as link:
        pair.point_mirror_at(link.url)
        yield pair, link
    pair.stop()


def test_first_sync_then_a_cut_at_half_a_file_resumes_over_the_satellite_link(
    behind_a_satellite, tmp_path
):
    pair, link = behind_a_satellite
    central, mirror = pair.central, pair.mirror
    first = subprocess.run(
        in_namespace(link, mirror, "mirror_sync", "--force"), cwd=ROOT, env=mirror.environ(),
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert first.returncode == 0, first.stderr[-2000:]
    assert one(mirror, "SELECT COUNT(*) FROM wagtailmedia_media WHERE title = 'คลิปแรก'") == 1
    assert one(mirror, "SELECT COUNT(*) FROM core_user WHERE username = 'student'") == 1
    # Off a terminal the command still says how far it is.
    assert "files [" in first.stdout and "(100%)" in first.stdout

    data = os.urandom(300_000)
    sha = hashlib.sha256(data).hexdigest()
    add_media(central, "คลิปยาว", tmp_path / "long.bin", data)
    partial = mirror.folder / "content" / "partial" / f"{sha}.part"
    process = subprocess.Popen(
        in_namespace(link, mirror, "mirror_sync", "--force"), cwd=ROOT, env=mirror.environ(),
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip
    try:
        wait_for(
            lambda: partial.exists() and partial.stat().st_size >= len(data) // 2,
            300, "half of the file over the link",
        )  # fmt: skip
    finally:
        os.killpg(process.pid, signal.SIGKILL)  # the link cut mid-file
        process.wait(timeout=30)
    have = partial.stat().st_size
    assert 0 < have < len(data)
    assert one(mirror, "SELECT COUNT(*) FROM wagtailmedia_media WHERE title = 'คลิปยาว'") == 0
    before = one(central, "SELECT COALESCE(MAX(id), 0) FROM mirror_transferlog")
    resumed = subprocess.run(
        in_namespace(link, mirror, "mirror_sync", "--force"), cwd=ROOT, env=mirror.environ(),
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert resumed.returncode == 0, resumed.stderr[-2000:]
    with sqlite3.connect(central.database) as db:
        sent = db.execute(
            "SELECT sha, start, bytes_sent FROM mirror_transferlog WHERE id > ?", (before,)
        ).fetchall()
    assert sent == [(sha, have, len(data) - have)]  # only the missing bytes crossed
    name = one(mirror, "SELECT file FROM wagtailmedia_media WHERE title = 'คลิปยาว'")
    assert hashlib.sha256((mirror.media / name).read_bytes()).hexdigest() == sha
    # The killed run is marked as such, not left "running".
    statuses = {row for row in one_column(mirror, "SELECT status FROM mirror_syncjournal")}
    assert "interrupted" in statuses and "running" not in statuses


def one_column(site, sql):
    with sqlite3.connect(site.database) as db:
        return [row[0] for row in db.execute(sql).fetchall()]
