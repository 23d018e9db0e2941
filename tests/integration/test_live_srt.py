"""SRT, the second door into a live class: a wrong passphrase is turned away
with a note on the admin page, the right one reaches the same ladder as RTMP,
and the session ends and is recorded as any other.

The publisher is ffmpeg as OBS sends SRT: MPEG-TS over SRT in caller mode,
with the session's stream key as the passphrase.
"""

from __future__ import annotations

import datetime as dt
import socket
import subprocess

import m3u8
import pytest
from django.utils import timezone

from core import roles
from live import actions, ingest
from live.models import LiveSession, State
from media_center.models import MediaItem, Status

from .conftest import wait_until
from .test_live import live_worker  # noqa: F401 (the fixture)

pytestmark = pytest.mark.integration


def publish_srt(port: int, passphrase: str, seconds: float) -> subprocess.Popen:
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
    """Retry while the RTMP listener behind the gateway is not up yet."""

    def connected():
        process = publish_srt(port, passphrase, seconds)
        try:
            process.wait(timeout=4)
        except subprocess.TimeoutExpired:
            return process  # connected and sending
        return None

    return wait_until(connected, timeout=60, interval=0.5, what="an SRT publisher to connect")


def udp_port_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        try:
            sock.bind(("0.0.0.0", port))
        except OSError:
            return False
    return True


@pytest.mark.django_db(transaction=True)
def test_an_srt_publisher_is_checked_by_its_passphrase_and_recorded(
    live_worker,  # noqa: F811
    make_user,
    settings,
):
    from tests.conftest import ensure_base_data

    ensure_base_data()
    settings.LIVE = {"ROOT": str(live_worker["root"]), "PORT_FIRST": live_worker["port"]}
    assert ingest.srt_enabled(), "this ffmpeg has no SRT: install Debian's ffmpeg (libsrt)"
    from core.models import AreaOffice, School, SchoolNetwork

    area = AreaOffice.objects.create(code="S1", name="สพป.ทดสอบ")
    network = SchoolNetwork.objects.create(area=area, name="เครือข่าย")
    school = School.objects.create(code="1099000002", name="โรงเรียนบ้านเอสอาร์ที", network=network)
    teacher = make_user("kru-srt", roles.TEACHER, school=school)
    now = timezone.now()
    session = LiveSession.objects.create(
        title="วิทยาศาสตร์ ป.6 สด", school=school, teacher=teacher,
        starts_at=now - dt.timedelta(minutes=1), ends_at=now + dt.timedelta(minutes=20),
    )  # fmt: skip
    assert actions.open_ingest(session)
    session.refresh_from_db()
    port = session.ingest_port

    # A wrong passphrase: libsrt refuses the handshake; the admin page says why.
    wait_until(lambda: not udp_port_free(port), timeout=60, what="the SRT gateway to listen")
    wrong = publish_srt(port, "not-the-key-at-all", 5)
    wrong.wait(timeout=30)
    assert wrong.returncode != 0
    wait_until(
        lambda: "key" in LiveSession.objects.get(pk=session.pk).error_message,
        timeout=30, what="the wrong passphrase to be noted",
    )  # fmt: skip
    assert LiveSession.objects.get(pk=session.pk).state == State.SCHEDULED

    # The right one: the same ladder as an RTMP publisher's.
    publisher = publish_srt_until_connected(port, session.stream_key, 14)
    wait_until(
        lambda: LiveSession.objects.get(pk=session.pk).state == State.LIVE
        and actions.stream_ready(session.pk),
        timeout=60, what="the SRT session to go live",
    )  # fmt: skip
    low = live_worker["root"] / str(session.pk) / "hls" / "144p" / "index.m3u8"
    wait_until(
        lambda: len(m3u8.load(str(low)).segments) >= 3,
        timeout=40, what="the satellite rung to fill from the SRT publisher",
    )  # fmt: skip
    publisher.wait(timeout=60)

    actions.end_session(session.pk)
    wait_until(
        lambda: LiveSession.objects.get(pk=session.pk).state == State.RECORDED,
        timeout=240, what="the SRT class's recording to be ready",
    )  # fmt: skip
    item = MediaItem.objects.get(pk=LiveSession.objects.get(pk=session.pk).recording_id)
    assert item.status == Status.READY and item.duration > 5
    # The gateway stopped with the session: its UDP port is free again.
    wait_until(lambda: udp_port_free(port), timeout=30, what="the SRT listener to stop")
