"""The SRT door: its addresses, the gateway's command, and refusals noted from its log."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client
from django.utils import timezone

from core import roles
from live import ingest
from live.models import LiveSession
from transcoding import live as live_hls

pytestmark = pytest.mark.django_db


@pytest.fixture
def session(school):
    now = timezone.now()
    return LiveSession.objects.create(
        title="สด", school=school, starts_at=now, ends_at=now + dt.timedelta(hours=1),
        ingest_port=19350,
    )  # fmt: skip


def test_the_stream_key_is_the_srt_passphrase_on_the_rtmp_port_number(session, settings):
    settings.LIVE = {"SRT_LATENCY_MS": 900}
    listen = urlsplit(ingest.srt_listen_url(session))
    assert (listen.scheme, listen.port) == ("srt", 19350)
    query = parse_qs(listen.query)
    assert query["mode"] == ["listener"] and query["passphrase"] == [session.stream_key]
    assert query["pbkeylen"] == ["16"] and query["latency"] == ["900000"]  # microseconds
    assert 10 <= len(session.stream_key) <= 79  # libsrt's passphrase length
    publish = urlsplit(ingest.srt_publish_url("live.example", session))
    assert (publish.hostname, publish.port) == ("live.example", 19350)
    assert parse_qs(publish.query)["passphrase"] == [session.stream_key]


def test_the_gateway_copies_the_publisher_into_the_sessions_rtmp_listener(session):
    args = ingest.SrtGateway(session).args
    assert args[args.index("-i") + 1].startswith("srt://")
    assert args[args.index("-c") + 1] == "copy" and args[args.index("-f") + 1] == "flv"
    assert args[-1] == f"rtmp://127.0.0.1:19350/live/{session.stream_key}"


def test_this_ffmpeg_knows_its_protocols():
    assert "rtmp" in live_hls.ffmpeg_protocols()
    assert live_hls.ffmpeg_protocols("/nonexistent/ffmpeg") == frozenset()


def test_srt_can_be_switched_on_and_off(settings):
    settings.LIVE = {"SRT": False}
    assert not ingest.srt_enabled()
    settings.LIVE = {"SRT": "auto"}
    assert ingest.srt_enabled() == ("srt" in live_hls.ffmpeg_protocols())
    settings.LIVE = {"SRT": "false"}  # as the environment gives it
    assert not ingest.srt_enabled()
    settings.LIVE = {"SRT": "true"}
    assert ingest.srt_enabled()


def test_a_refused_passphrase_is_noted_once_and_a_bad_codec_by_name(session, monkeypatch):
    gateway = ingest.SrtGateway(session)
    started = []
    monkeypatch.setattr(ingest.subprocess, "Popen", lambda *a, **k: started.append(a) or _Process())
    monkeypatch.setattr(ingest, "stop", lambda run, clean: setattr(run.process, "stopped", True))
    gateway.run = _run(
        [
            "SRT.cn: processConnectRequest: rsp(REJECT): 1010 - Incorrect passphrase",
            "SRT.cn: newConnection: connection rejected due to: ERROR:BADSECRET",
        ]
    )
    gateway.keep_listening()
    session.refresh_from_db()
    assert "key" in session.error_message and session.error_message.index(" / ") > 0
    session.error_message = ""
    session.save()
    gateway.keep_listening()  # the same refusal is not noted twice
    session.refresh_from_db()
    assert session.error_message == "" and not started
    gateway.run = _run(
        [
            "Input #0, mpegts, from 'srt://0.0.0.0:19350':",
            "  Stream #0:0[0x100]: Video: hevc (Main), yuv420p, 1280x720",
            "  Stream #0:1[0x101]: Audio: aac (LC), 48000 Hz, stereo",
            "Stream mapping:",
        ]
    )
    gateway.refusals_noted = 0
    gateway.keep_listening()
    session.refresh_from_db()
    assert "hevc" in session.error_message and gateway.run is None
    gateway.keep_listening()  # listens again
    assert len(started) == 1 and gateway.run is not None


class _Process:
    """A gateway's ffmpeg still running: poll() is None until stopped."""

    def __init__(self):
        self.stopped = False
        self.stderr = ()

    def poll(self):
        return 0 if self.stopped else None


def _run(lines) -> ingest.Run:
    return ingest.Run(process=_Process(), part=Path("/dev/null"), lines=list(lines))


def test_the_admin_page_offers_the_srt_address_when_this_ffmpeg_speaks_srt(
    session, make_user, settings
):
    settings.LIVE = {"SRT": True, "PUBLIC_HOST": "live.example"}
    admin = make_user("area", roles.AREA_ADMIN, is_superuser=True)
    client = Client()
    client.force_login(admin)
    html = client.get(f"/admin/snippets/live/livesession/edit/{session.pk}/").content.decode()
    assert 'id="live-srt-url"' in html and f"passphrase={session.stream_key}" in html
    settings.LIVE = {"SRT": False}
    html = client.get(f"/admin/snippets/live/livesession/edit/{session.pk}/").content.decode()
    assert 'id="live-srt-url"' not in html
