"""A live class end to end: a real publisher, the ingest in a real Celery worker,
Chromium watching, and the recording turning into a ready media item.

The publisher is ffmpeg pushing a test pattern with a tone (and a burned-in
clock) over RTMP, as OBS does. Before it, a publisher with a wrong key and
one with an unsupported codec are turned away with a message on the
session's admin page, and so is an SRT publisher with a wrong passphrase.
When the link drops, the teacher comes back over SRT (the second door): the
same session continues, and its recording holds both connections.
"""

from __future__ import annotations

import datetime as dt
import os
import socket
import subprocess
import sys
from pathlib import Path

import m3u8
import pytest
from django.conf import settings
from django.utils import timezone

from core import roles
from live import actions, ingest
from live.models import LiveSession, State
from media_center.models import MediaItem, Status
from transcoding.hls import peak_kbps

from .conftest import ROOT, wait_until
from .helpers import free_port, publish_until_connected

pytestmark = pytest.mark.integration

GRACE_SECONDS = 10


@pytest.fixture
def live_worker(django_db_blocker, tmp_path):
    """A worker on the live, default and transcode queues, sharing the test's settings."""
    from django.db import connection

    from khlang.celery import app

    with django_db_blocker.unblock():
        db_name = connection.settings_dict["NAME"]
    db = settings.DATABASES["default"]
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db_name}",
        "KHLANG_ENV": "test",
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        "KHLANG_LIVE_ROOT": str(tmp_path / "live"),
        "KHLANG_LIVE_PORT_FIRST": str(port),
        "KHLANG_LIVE_GRACE_SECONDS": str(GRACE_SECONDS),
        "KHLANG_LIVE_TOP_SHORT_SIDE": "240",
    }
    app.control.purge()
    log = tmp_path / "worker.log"
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "khlang", "worker", "-Q", "live,default,transcode",
         "--concurrency", "3", "--loglevel", "INFO", "--hostname", f"khlang-live-{port}@%h"],
        cwd=ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT,
    )  # fmt: skip

    def ready():
        if process.poll() is not None:
            pytest.fail(f"the Celery worker exited early:\n{log.read_text()[-3000:]}")
        return "ready" in log.read_text()

    wait_until(ready, timeout=60, what="the Celery worker to be ready")
    yield {"port": port, "root": tmp_path / "live", "log": log}
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()


def publish_srt(port: int, passphrase: str, seconds: float) -> subprocess.Popen:
    """ffmpeg as OBS sends SRT: MPEG-TS in caller mode, the stream key as passphrase."""
    url = f"srt://127.0.0.1:{port}?passphrase={passphrase}&pbkeylen=16"
    return subprocess.Popen(
        ["ffmpeg", "-hide_banner", "-loglevel", "error", "-re",
         "-f", "lavfi", "-i", "testsrc2=size=640x360:rate=25",
         "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000",
         "-t", str(seconds), "-c:v", "libx264", "-preset", "veryfast", "-g", "50",
         "-b:v", "800k", "-c:a", "aac", "-b:a", "96k", "-f", "mpegts", url],
        stdin=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip


def publish_srt_until_connected(port: int, passphrase: str, seconds: float) -> subprocess.Popen:
    """Again while the RTMP listener behind the SRT gateway is not back up (the
    gateway then drops the caller at once; OBS would reconnect by itself)."""

    def connected():
        process = publish_srt(port, passphrase, seconds)
        try:
            process.wait(timeout=4)
        except subprocess.TimeoutExpired:
            return process  # connected and sending
        return None

    return wait_until(connected, timeout=60, interval=0.5, what="the SRT publisher to connect")


def tcp_listening(port: int) -> bool:
    """A socket listens on ``port`` (read from the kernel's table, so the
    one-connection RTMP listener is not used up by asking)."""
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with open(table) as rows:
            for row in list(rows)[1:]:
                local, state = row.split()[1], row.split()[3]
                if state == "0A" and int(local.rsplit(":", 1)[1], 16) == port:
                    return True
    return False


def udp_port_taken(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        try:
            sock.bind(("0.0.0.0", port))
        except OSError:
            return True
    return False


@pytest.mark.django_db(transaction=True)
def test_a_live_class_is_refused_watched_and_recorded(
    live_worker,
    live_server,
    page,
    make_user,
    settings,
):
    from tests.conftest import ensure_base_data

    ensure_base_data()
    settings.LIVE = {"ROOT": str(live_worker["root"]), "PORT_FIRST": live_worker["port"]}
    from core.models import AreaOffice, School, SchoolNetwork

    area = AreaOffice.objects.create(code="L1", name="สพป.ทดสอบ")
    network = SchoolNetwork.objects.create(area=area, name="เครือข่าย")
    school = School.objects.create(code="1099000001", name="โรงเรียนบ้านทดสอบ", network=network)
    teacher = make_user("kru-live", roles.TEACHER, school=school)
    make_user("nakrian", roles.STUDENT, school=school)
    now = timezone.now()
    session = LiveSession.objects.create(
        title="คณิตศาสตร์ ป.5 สด",
        school=school,
        teacher=teacher,
        starts_at=now - dt.timedelta(minutes=1),
        ends_at=now + dt.timedelta(minutes=20),
    )
    assert actions.open_ingest(session)
    session.refresh_from_db()
    base = f"rtmp://127.0.0.1:{session.ingest_port}/live"

    # A wrong key: the connection is cut and the admin page says why.
    def refused_for_the_key():
        return "key" in LiveSession.objects.get(pk=session.pk).error_message

    wrong = publish_until_connected(f"{base}/not-the-key", 10, until=refused_for_the_key)
    wait_until(refused_for_the_key, timeout=30, what="the wrong key to be refused")
    wrong.kill()
    wrong.wait()
    assert LiveSession.objects.get(pk=session.pk).state == State.SCHEDULED
    # An unsupported video codec (Sorenson H.263): refused, named, Thai first.
    old = publish_until_connected(f"{base}/{session.stream_key}", 10, video_codec="flv")
    wait_until(
        lambda: "flv1" in LiveSession.objects.get(pk=session.pk).error_message,
        timeout=30, what="the flv1 codec to be refused",
    )  # fmt: skip
    old.kill()
    old.wait()
    message = LiveSession.objects.get(pk=session.pk).error_message
    assert message.index("flv1") < message.index(" / "), message  # Thai half first
    # SRT: libsrt refuses a wrong passphrase at the handshake; the page says so.
    assert ingest.srt_enabled(), "this ffmpeg has no SRT: install Debian's ffmpeg (libsrt)"
    wait_until(lambda: udp_port_taken(session.ingest_port), timeout=30, what="SRT to listen")
    LiveSession.objects.filter(pk=session.pk).update(error_message="")
    wrong = publish_srt(session.ingest_port, "not-the-key-at-all", 5)
    assert wrong.wait(timeout=30) != 0
    wait_until(
        lambda: "key" in LiveSession.objects.get(pk=session.pk).error_message,
        timeout=30, what="the wrong SRT passphrase to be noted",
    )  # fmt: skip

    # The real class.
    publisher = publish_until_connected(f"{base}/{session.stream_key}", 45)
    hls = live_worker["root"] / str(session.pk) / "hls"
    wait_until(
        lambda: LiveSession.objects.get(pk=session.pk).state == State.LIVE
        and actions.stream_ready(session.pk),
        timeout=60, what="the session to go live",
    )  # fmt: skip
    assert LiveSession.objects.get(pk=session.pk).error_message == ""

    page.goto(f"{live_server.url}/accounts/login/?next=/lms/my/")
    page.fill("input[name=username]", "nakrian")
    page.fill("input[name=password]", "pass-1234")
    page.click("button[type=submit]")
    page.wait_for_url("**/lms/my/")
    assert page.locator("#live-panel .live-now").inner_text().count("คณิตศาสตร์ ป.5 สด") == 1
    page.click("#live-panel .live-now a")
    page.wait_for_url(f"**/live/{session.pk}/")
    page.click("#live-player [data-play]")
    page.wait_for_selector("video#player")
    page.wait_for_function("() => document.querySelector('video#player').readyState >= 1")
    page.eval_on_selector("video#player", "v => { v.muted = true; return v.play(); }")
    page.wait_for_function(
        "() => document.querySelector('video#player').currentTime > 2", timeout=90_000
    )
    first = page.eval_on_selector("video#player", "v => v.currentTime")
    # Still advancing: a second more of the class plays within a bounded wait.
    page.wait_for_function(
        "t => document.querySelector('video#player').currentTime > t + 1",
        arg=first,
        timeout=30_000,
    )
    assert page.locator("#live-badge").is_visible()
    assert page.locator("#live-badge").inner_text() == "กำลังสอนสด"
    assert page.eval_on_selector("video#player", "v => !!v.khlangHls")  # hls.js, live settings
    # Paused, the class goes on without the viewer: "jump to live" brings them back.
    assert page.locator("#jump-live").is_hidden()
    page.eval_on_selector("video#player", "v => v.pause()")
    page.wait_for_selector("#jump-live", state="visible")
    page.click("#jump-live")
    page.wait_for_selector("#jump-live", state="hidden")
    assert not page.eval_on_selector("video#player", "v => v.paused")

    # The satellite rung stays within 200 kbps, audio and MPEG-TS included.
    playlist = m3u8.load(str(hls / "144p" / "index.m3u8"))
    sizes = [
        (float(s.duration), (hls / "144p" / s.uri).stat().st_size)
        for s in playlist.segments
        if (hls / "144p" / s.uri).exists()
    ]
    assert sizes and peak_kbps(sizes, 2) <= 200, sizes

    # The link drops and the publisher comes back within the grace time: the
    # same session and playlists continue after a discontinuity.
    before = m3u8.load(str(hls / "144p" / "index.m3u8")).segments[-1].uri
    publisher.terminate()
    publisher.wait(timeout=30)
    # The SRT gateway hands the stream to the next RTMP listener: once it is up.
    wait_until(lambda: tcp_listening(session.ingest_port), timeout=30, what="RTMP to listen")
    publisher = publish_srt_until_connected(session.ingest_port, session.stream_key, 10)

    def continued():
        segments = m3u8.load(str(hls / "144p" / "index.m3u8")).segments
        return any(s.discontinuity and s.uri > before for s in segments)

    wait_until(continued, timeout=40, what="the reconnected publisher to continue the playlist")
    assert LiveSession.objects.get(pk=session.pk).state == State.LIVE
    assert len(list((live_worker["root"] / str(session.pk) / "recording").glob("part-*"))) == 2
    # The publisher stops; past the grace time the session ends and is recorded.
    publisher.wait(timeout=30)
    wait_until(
        lambda: LiveSession.objects.get(pk=session.pk).state in (State.ENDED, State.RECORDED),
        timeout=60, what="the session to end after the grace time",
    )  # fmt: skip
    wait_until(
        lambda: LiveSession.objects.get(pk=session.pk).state == State.RECORDED,
        timeout=240, what="the recording to be ready",
    )  # fmt: skip
    ended = LiveSession.objects.get(pk=session.pk)
    item = MediaItem.objects.get(pk=ended.recording_id)
    assert item.status == Status.READY
    assert item.owner_school_id == school.pk
    assert item.duration > 15  # both connections' parts, joined
    assert not Path(live_worker["root"] / str(session.pk)).exists()  # live files cleaned up
    page.goto(f"{live_server.url}/live/{session.pk}/")
    assert page.locator(f"a[href='/media-center/{item.pk}/']").count() == 1
