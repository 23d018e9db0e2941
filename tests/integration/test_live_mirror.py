"""A live class relayed by a school's mirror: two real sites, a real publisher.

Central and the mirror are separate processes with their own databases
(mirror.devsites); the mirror reaches central only through a counting proxy
that stands for the school's link, and one viewer watches central directly
through another. The ingest is live.ingest's supervisor in a process of its
own (its tasks run eagerly there, as the live worker would run them), fed by
ffmpeg pushing a test pattern over RTMP. In order: the session syncs down; ten
players on the mirror cost the link what the one direct viewer costs; a
viewer's attendance is counted on the mirror; Chromium plays the mirror's
page; central stops and the mirror (and the open page) says so; central is
back, the player carries on by itself, and the attendance arrives, once.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import urllib.error

import m3u8
import pytest

from core.waiting import wait_for
from mirror.devsites import ROOT, SitePair, cached_template

from .helpers import CountingProxy, free_port, publish_until_connected, signed_in

SCHOOL = "1058100001"  # the demo's school
PLAYERS = 10
MEASURE_SECONDS = 24

CREATE_SESSION = """
import datetime as dt
from django.utils import timezone
from core.models import School, User
from live.models import LiveSession
now = timezone.now()
session = LiveSession.objects.create(
    title="คณิตศาสตร์สด ผ่านมิเรอร์", school=School.objects.get(code="{school}"),
    teacher=User.objects.get(username="teacher"), audience="school",
    starts_at=now - dt.timedelta(minutes=1), ends_at=now + dt.timedelta(minutes=30),
)
print(session.pk)
"""
OPEN_INGEST = """
from live import actions
from live.models import LiveSession
actions.open_ingest(LiveSession.objects.get(pk={pk}))
"""


def one(site, sql, *params):
    with sqlite3.connect(site.database) as db:
        found = db.execute(sql, params).fetchall()
    return found[0][0] if found else None


def viewer(get, prefix: str, stop: threading.Event, tally: list[int]) -> None:
    """A player on the satellite rung: the master once, the rung's playlist every
    second, each segment it lists once (as bench.live's players do)."""
    fetched = len(get(prefix + "index.m3u8"))
    done: set[str] = set()
    while not stop.is_set():
        try:
            text = get(prefix + "144p/index.m3u8")
            fetched += len(text)
            for segment in m3u8.loads(text.decode()).segments:
                if segment.uri not in done:
                    fetched += len(get(prefix + "144p/" + segment.uri))
                    done.add(segment.uri)
        except urllib.error.HTTPError:
            pass  # a segment just rolled out of the playlist: next round
        stop.wait(1.0)
    tally.append(fetched)


@pytest.fixture
def pair(tmp_path):
    pair = SitePair.create(tmp_path / "sites", template=cached_template())
    central = pair.central
    central.env.update(
        {
            "KHLANG_LIVE_PORT_FIRST": str(free_port()),
            "KHLANG_LIVE_GRACE_SECONDS": "6",
            "KHLANG_LIVE_TOP_SHORT_SIDE": "240",
        }
    )
    central.shell(
        "from django.core.management import call_command\n"
        "call_command('load_demo')\n"
        f"call_command('mirror_register', 'school-1', '--school', '{SCHOOL}', "
        f"'--public-key', '{pair.mirror_public_key}')\n"
    )
    central.start_server()
    proxies = {"link": CountingProxy(central.port), "direct": CountingProxy(central.port)}
    pair.point_mirror_at(proxies["link"].url)
    running: dict[str, subprocess.Popen] = {}
    yield pair, proxies, running
    # The class ends the way a teacher ends it: the supervisor stops its ffmpeg
    # cleanly and returns (a killed supervisor would leave its listener behind).
    pk = running.get("session")
    if pk is not None:
        central.shell(f"from live import actions\nactions.end_session({pk})", check=False)
    ingest, publisher = running.get("ingest"), running.get("publisher")
    if ingest is not None:
        try:
            ingest.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(ingest.pid, signal.SIGKILL)
            ingest.wait(timeout=20)
    if publisher is not None and publisher.poll() is None:
        publisher.kill()
        publisher.wait(timeout=20)
    pair.stop()
    for proxy in proxies.values():
        proxy.close()


def start_ingest(central, pk: int) -> subprocess.Popen:
    """live.ingest's supervisor for the session, as the live worker runs it (the
    task runs eagerly in this process), logging into the site's folder."""
    log = (central.folder / "ingest.log").open("w")
    return subprocess.Popen(
        [sys.executable, "manage.py", "shell", "-c", OPEN_INGEST.format(pk=pk)],
        cwd=ROOT, env=central.environ(CELERY_TASK_ALWAYS_EAGER="true"),
        stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip


def test_a_school_mirror_relays_a_live_class_once_and_counts_who_watched(pair, page):
    sites, proxies, running = pair
    central, mirror = sites.central, sites.mirror
    pk = int(central.shell(CREATE_SESSION.format(school=SCHOOL)).split()[-1])

    # The session reaches the school's mirror, under central's id, without its key.
    mirror.manage("mirror_sync", "--force")
    sql = "SELECT title, state, stream_key FROM live_livesession WHERE id = ?"
    with sqlite3.connect(mirror.database) as db:
        title, _, mirror_key = db.execute(sql, (pk,)).fetchone()
    assert title == "คณิตศาสตร์สด ผ่านมิเรอร์"
    assert mirror_key != one(central, "SELECT stream_key FROM live_livesession WHERE id = ?", pk)

    # The class goes live on central: its ingest, then a publisher.
    running["session"] = pk
    running["ingest"] = start_ingest(central, pk)
    port = wait_for(
        lambda: one(central, "SELECT ingest_port FROM live_livesession WHERE id = ?", pk),
        60, "the ingest to open",
    )  # fmt: skip
    key = one(central, "SELECT stream_key FROM live_livesession WHERE id = ?", pk)
    running["publisher"] = publish_until_connected(f"rtmp://127.0.0.1:{port}/live/{key}", 240)
    hls = central.folder / "live" / str(pk) / "hls"
    wait_for(
        lambda: all((hls / name).exists() for name in
                    ("index.m3u8", "144p/index.m3u8", "240p/index.m3u8")),
        90, "central's live playlists",
    )  # fmt: skip

    mirror.manage("collectstatic", "--noinput", "-v", "0")  # the player's scripts, as deployed
    mirror.start_server()
    opener, post = signed_in(mirror.url, "student", "khlang-demo")

    def mirror_state() -> dict:
        return json.loads(opener.open(f"{mirror.url}/live/{pk}/state/", timeout=30).read())

    def status(path: str) -> int:
        try:
            return opener.open(mirror.url + path, timeout=30).status
        except urllib.error.HTTPError as error:
            return error.code

    wait_for(lambda: mirror_state()["ready"], 60, "the mirror's relay to reach the stream")
    html = opener.open(f"{mirror.url}/live/{pk}/", timeout=30).read().decode()
    assert 'id="live-player"' in html and f"/live/{pk}/hls/index.m3u8" in html
    assert one(mirror, "SELECT state FROM live_livesession WHERE id = ?", pk) == "live"

    # Ten players on the mirror and one viewer on central, over the same seconds.
    direct, _ = signed_in(proxies["direct"].url, "student", "khlang-demo")
    for proxy in proxies.values():
        proxy.reset()
    stop = threading.Event()
    on_mirror: list[int] = []
    alone: list[int] = []
    players = [
        threading.Thread(
            target=viewer,
            args=(lambda p: opener.open(mirror.url + p, timeout=30).read(), f"/live/{pk}/hls/",
                  stop, on_mirror),
        )
        for _ in range(PLAYERS)
    ]  # fmt: skip
    players.append(
        threading.Thread(
            target=viewer,
            args=(lambda p: direct.open(proxies["direct"].url + p, timeout=30).read(),
                  f"/live/{pk}/hls/", stop, alone),
        )
    )  # fmt: skip
    for player in players:
        player.start()
    stop.wait(MEASURE_SECONDS)
    stop.set()
    for player in players:
        player.join(timeout=60)
    link, one_viewer = proxies["link"].received, proxies["direct"].received
    assert len(on_mirror) == PLAYERS and alone and min(on_mirror) > 0.5 * alone[0]
    assert link / one_viewer <= 1.1, (link, one_viewer, on_mirror, alone)
    assert sum(on_mirror) > 5 * link  # the players got the stream; the link carried it once
    copy = mirror.folder / "live" / str(pk) / "relay" / "144p"
    assert list(copy.glob("seg_*.ts"))  # the school's copy, on the mirror's disk

    # A viewer's seconds are counted on the mirror.
    assert b'"counted": true' in post(f"/live/{pk}/watch/", seconds="30").read()
    counted = "SELECT seconds FROM live_liveattendance WHERE session_id = ? AND user_id = ?"
    student = one(mirror, "SELECT id FROM core_user WHERE username = 'student'")
    assert one(mirror, counted, pk, student) == 30

    # The same page and player as on central, in Chromium, from the mirror.
    page.goto(f"{mirror.url}/accounts/login/?next=/live/{pk}/")
    page.fill("input[name=username]", "teacher")
    page.fill("input[name=password]", "khlang-demo")
    page.click("button[type=submit]")
    page.wait_for_url(f"**/live/{pk}/")
    assert page.locator("form[action$='/end/']").count() == 0  # it is ended on central
    page.click("#live-player [data-play]")
    page.wait_for_selector("video#player")
    page.wait_for_function("() => document.querySelector('video#player').readyState >= 1")
    page.eval_on_selector("video#player", "v => { v.muted = true; return v.play(); }")
    page.wait_for_function(
        "() => document.querySelector('video#player').currentTime > 2", timeout=90_000
    )

    # Central stops: the mirror says the link is down, Thai first, and keeps its page.
    central.stop_server()
    page.wait_for_selector("#link-down", state="visible", timeout=40_000)
    assert page.locator("#link-down").inner_text().startswith("สัญญาณจากส่วนกลางขาด")
    wait_for(lambda: mirror_state()["link_down"], 30, "the mirror to see the link down")
    html = opener.open(f"{mirror.url}/live/{pk}/", timeout=30).read().decode()
    assert "สัญญาณจากส่วนกลางขาด" in html
    assert html.index("สัญญาณจากส่วนกลางขาด") < html.index("signal from the central office")
    # A playlist copied less than a second ago still answers; then the cut shows.
    playlist = f"/live/{pk}/hls/144p/index.m3u8"
    wait_for(lambda: status(playlist) == 503, 30, "the mirror's files to say the link is down")

    # Central is back: the open page's player carries on by itself.
    central.start_server()
    page.wait_for_selector("#link-down", state="hidden", timeout=40_000)
    paused_at = page.eval_on_selector("video#player", "v => v.currentTime")
    page.wait_for_function(
        "t => document.querySelector('video#player').currentTime > t + 2",
        arg=paused_at,
        timeout=90_000,
    )

    # The attendance goes up with the mirror's results, once.
    mirror.manage("mirror_push")
    attendance = (
        "SELECT COUNT(*), MAX(a.seconds), MAX(a.school_id) FROM live_liveattendance a "
        "JOIN core_user u ON u.id = a.user_id WHERE u.username = 'student'"
    )
    school_id = one(central, "SELECT id FROM core_school WHERE code = ?", SCHOOL)
    with sqlite3.connect(central.database) as db:
        assert db.execute(attendance).fetchone() == (1, 30.0, school_id)
    with sqlite3.connect(mirror.database) as db:  # as if central's answer was lost
        db.execute("DELETE FROM mirror_acknowledgedresult WHERE kind = 'live_attendance'")
    mirror.manage("mirror_push")
    with sqlite3.connect(central.database) as db:
        assert db.execute(attendance).fetchone() == (1, 30.0, school_id)
