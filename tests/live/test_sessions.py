"""Live sessions: the ladder and command, the log checks, scope, start page, calendar, files."""

from __future__ import annotations

import datetime as dt
import subprocess

import pytest
from django.test import Client
from django.utils import timezone

from core import roles
from core.models import School
from live import actions, ingest
from live.models import Audience, LiveSession, State
from live.policies import live_session_policy
from transcoding import live as live_hls


def test_the_live_ladder_starts_at_the_satellite_rung_with_2_second_segments():
    ladder = live_hls.live_ladder(360)
    assert [r.name for r in ladder.rungs] == ["144p", "240p", "360p"]
    low = ladder.rungs[0]
    assert (low.width, low.height) == (256, 144)
    assert low.audio.bitrate_kbps == 32 and low.audio.channels == 1
    assert low.bufsize_kbits == low.maxrate_kbps  # one second at peak
    assert ladder.segment_seconds == 2 and ladder.gop_frames == 50
    master = live_hls.master_playlist(ladder)
    assert master.index("144p/index.m3u8") < master.index("360p/index.m3u8")


def test_the_live_command_listens_once_and_keeps_a_rolling_playlist(tmp_path):
    ladder = live_hls.live_ladder(240)
    args = live_hls.live_command(
        "rtmp://0.0.0.0:1935/live/KEY", tmp_path, tmp_path / "part.ts", ladder, ffmpeg="ffmpeg"
    )
    assert args[args.index("-listen") + 1] == "1"
    assert args[args.index("-i") + 1] == "rtmp://0.0.0.0:1935/live/KEY"
    tee = args[args.index("tee") + 1]
    assert "hls_time=2" in tee and "delete_segments" in tee and "append_list" in tee
    assert "omit_endlist" in tee
    assert args[-5:] == ["-c", "copy", "-f", "mpegts", str(tmp_path / "part.ts")]


def test_the_live_listener_starts_and_waits_on_this_ffmpeg(tmp_path):
    """The options are accepted and ffmpeg sits waiting for a publisher (the graph
    itself runs in tests/integration/test_live.py, once a publisher connects)."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    ladder = live_hls.live_ladder(240)
    args = live_hls.live_command(
        f"rtmp://127.0.0.1:{port}/live/KEY", tmp_path, tmp_path / "part.ts", ladder
    )
    process = subprocess.Popen(args, stderr=subprocess.PIPE)
    try:
        process.wait(timeout=2)
        pytest.fail(process.stderr.read().decode())
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


LOG = """Input #0, flv, from 'rtmp://0.0.0.0:1935/live/KEY':
  Stream #0:0: Video: %s (High), yuv420p(progressive), 1280x720, 25 fps
  Stream #0:1: Audio: %s (LC), 48000 Hz, mono, fltp, 96 kb/s
Stream mapping:"""


def _run(lines: str) -> ingest.Run:
    return ingest.Run(process=None, part=None, lines=lines.splitlines())  # type: ignore[arg-type]


def test_the_supervisor_reads_the_key_and_the_codecs_from_ffmpegs_log():
    assert _run("[rtmp @ 0x1] Unexpected stream WRONG, expecting KEY").wrong_key
    assert not _run(LOG % ("h264", "aac")).wrong_key
    assert _run("Input #0, flv, from 'x':").streams() is None  # still printing
    assert ingest.codec_problem(_run(LOG % ("h264", "aac")).streams()) == ""
    problem = ingest.codec_problem(_run(LOG % ("flv1", "aac")).streams())
    thai, english = problem.split(" / ")
    assert "flv1" in thai and "flv1" in english and thai != english
    assert ingest.codec_problem({"video": "h264"})  # no sound track


@pytest.fixture
def sessions(school, area, make_user):
    other = School.objects.create(code="1000000002", name="โรงเรียนอื่น", network=school.network)
    teacher = make_user("kru", roles.TEACHER, school=school)
    now = timezone.now()

    def make(title, owner, audience=Audience.SCHOOL, state=State.SCHEDULED, start=1):
        return LiveSession.objects.create(
            title=title, school=owner, audience=audience, state=state,
            teacher=teacher if owner == school else None,
            starts_at=now + dt.timedelta(hours=start), ends_at=now + dt.timedelta(hours=start + 1),
        )  # fmt: skip

    return {
        "own": make("ของโรงเรียน", school),
        "live": make("สดตอนนี้", school, state=State.LIVE, start=0),
        "area": make("ทั้งเขต", other, Audience.AREA),
        "other": make("โรงเรียนอื่นเท่านั้น", other),
        "public": make("สาธารณะ", other, Audience.PUBLIC),
        "school": school,
        "teacher": teacher,
    }


@pytest.mark.django_db
def test_scope_school_area_and_public(sessions, make_user):
    student = make_user("nak", roles.STUDENT, school=sessions["school"])
    from django.contrib.auth.models import AnonymousUser

    seen = set(live_session_policy.for_user(student).values_list("title", flat=True))
    assert seen == {"ของโรงเรียน", "สดตอนนี้", "ทั้งเขต", "สาธารณะ"}
    assert set(live_session_policy.for_user(AnonymousUser()).values_list("title", flat=True)) == {
        "สาธารณะ"
    }
    colleague = make_user("kru2", roles.TEACHER, school=sessions["school"])
    assert live_session_policy.user_has_permission_for_instance(
        colleague, "change", sessions["own"]
    )
    assert not live_session_policy.user_has_permission_for_instance(
        colleague, "change", sessions["area"]
    )


@pytest.mark.django_db
def test_the_start_page_and_the_calendar_show_live_and_upcoming(sessions, make_user):
    student = make_user("nak", roles.STUDENT, school=sessions["school"])
    client = Client()
    client.force_login(student)
    html = client.get("/lms/my/").content.decode()
    assert 'id="live-panel"' in html and "กำลังสอนสด" in html
    assert "สดตอนนี้" in html and "ทั้งเขต" in html and "โรงเรียนอื่นเท่านั้น" not in html
    from notifications.due import due_items

    now = timezone.now()
    titles = [
        i.title for i in due_items(student, now - dt.timedelta(days=1), now + dt.timedelta(days=2))
    ]
    assert "ทั้งเขต" in titles and "โรงเรียนอื่นเท่านั้น" not in titles


@pytest.mark.django_db
def test_live_files_only_while_live_and_only_known_names(sessions, make_user, settings, tmp_path):
    settings.LIVE = {"ROOT": str(tmp_path)}
    student = make_user("nak", roles.STUDENT, school=sessions["school"])
    client = Client()
    client.force_login(student)
    live, scheduled = sessions["live"], sessions["own"]
    for session in (live, scheduled):
        folder = actions.hls_dir(session.pk) / "144p"
        folder.mkdir(parents=True)
        (folder / "index.m3u8").write_text("#EXTM3U\n")
    assert not actions.stream_ready(live.pk)  # no master playlist yet
    (actions.hls_dir(live.pk) / "index.m3u8").write_text(
        live_hls.master_playlist(live_hls.live_ladder(240))
    )
    assert not actions.stream_ready(live.pk)  # 240p not written yet
    (actions.hls_dir(live.pk) / "240p").mkdir()
    (actions.hls_dir(live.pk) / "240p" / "index.m3u8").write_text("#EXTM3U\n")
    assert actions.stream_ready(live.pk)
    assert 'id="live-player"' in client.get(f"/live/{live.pk}/").content.decode()
    response = client.get(f"/live/{live.pk}/hls/144p/index.m3u8")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.apple.mpegurl"
    assert response["Cache-Control"] == "no-cache"
    assert client.get(f"/live/{scheduled.pk}/hls/144p/index.m3u8").status_code == 404
    assert client.get(f"/live/{live.pk}/hls/../../etc/passwd").status_code == 404
    assert client.get(f"/live/{sessions['other'].pk}/hls/144p/index.m3u8").status_code == 404


@pytest.mark.django_db
def test_a_session_nobody_started_ends_on_schedule_with_a_note(
    sessions, django_capture_on_commit_callbacks
):
    session = sessions["own"]
    key = session.stream_key
    LiveSession.objects.filter(pk=session.pk).update(
        starts_at=timezone.now() - dt.timedelta(hours=2),
        ends_at=timezone.now() - dt.timedelta(hours=1),
    )
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert actions.end_due_sessions() == [session.pk]
    assert callbacks == []  # nothing to record
    session.refresh_from_db()
    assert session.state == State.ENDED
    assert session.stream_key != key  # the key died with the session
    thai, english = session.note.split(" / ")
    assert "Nobody went live" in english and thai != english


@pytest.mark.django_db
def test_each_open_session_gets_its_own_port(
    sessions, settings, django_capture_on_commit_callbacks
):
    settings.LIVE = {"PORT_FIRST": 20000, "PORT_COUNT": 5}
    with django_capture_on_commit_callbacks(execute=False):
        assert actions.open_ingest(sessions["own"])
        assert actions.open_ingest(sessions["area"])
        assert not actions.open_ingest(sessions["own"])  # once
    ports = set(
        LiveSession.objects.filter(pk__in=[sessions["own"].pk, sessions["area"].pk]).values_list(
            "ingest_port", flat=True
        )
    )
    assert ports == {20000, 20001}


@pytest.mark.django_db
def test_the_admin_page_shows_the_teacher_where_to_push_and_what_went_wrong(
    sessions, make_user, settings
):
    settings.LIVE = {"PUBLIC_HOST": "live.example.ac.th"}
    from django.urls import reverse

    from core.i18n import bilingual
    from live.ingest import BAD_VIDEO

    session = sessions["own"]
    actions.refuse(session.pk, bilingual(BAD_VIDEO, codec="flv1"))
    client = Client()
    client.force_login(sessions["teacher"])
    url = reverse("wagtailsnippets_live_livesession:edit", args=[session.pk])
    html = client.get(url).content.decode()
    assert session.stream_key in html
    assert "rtmp://live.example.ac.th:1935/live" in html
    assert "ไม่รองรับตัวเข้ารหัสวิดีโอ “flv1”" in html
    # Another school's session: not even its existence, let alone its key.
    other = sessions["other"]
    response = client.get(reverse("wagtailsnippets_live_livesession:edit", args=[other.pk]))
    assert response.status_code == 404
    listing = client.get(reverse("wagtailsnippets_live_livesession:list")).content.decode()
    assert "ของโรงเรียน" in listing and "โรงเรียนอื่นเท่านั้น" not in listing


@pytest.mark.django_db
def test_attendance_counts_what_each_viewer_played_live_by_school(sessions, make_user):
    live = sessions["live"]
    students = [make_user(f"n{i}", roles.STUDENT, school=sessions["school"]) for i in range(2)]
    for student in students:
        client = Client()
        client.force_login(student)
        assert client.post(f"/live/{live.pk}/watch/", {"seconds": "30"}).json()["counted"]
        client.post(f"/live/{live.pk}/watch/", {"seconds": "5000"})  # clamped to 60
        # A scheduled session is not being watched live.
        response = client.post(f"/live/{sessions['own'].pk}/watch/", {"seconds": "30"})
        assert response.status_code == 409
    assert actions.attendance_summary(live.pk) == {"viewers": 2, "schools": 1, "minutes": 3}
