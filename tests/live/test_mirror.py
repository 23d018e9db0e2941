"""Live classes and school mirrors: sessions in the feed, central's signed relay
answers, the mirror's pages and files from its relay, attendance going up."""

from __future__ import annotations

import datetime as dt
import json
import time

import pytest
from django.test import Client
from django.utils import timezone

from core import roles
from core.models import School
from live import actions, sources
from live.models import Audience, LiveAttendance, LiveSession, State
from live.session_mirror import AttendanceKind, LiveSessionSource, merge_attendance
from media_center.models import MediaItem, Status, Visibility
from mirror import relaying
from mirror.signing import (
    generate_private_key,
    load_private_key,
    public_key_text,
    request_message,
    sign,
)
from transcoding import live as live_hls

pytestmark = pytest.mark.django_db

MASTER = live_hls.master_playlist(live_hls.live_ladder(240))


@pytest.fixture
def world(school, make_user, settings, tmp_path):
    settings.LIVE = {"ROOT": str(tmp_path / "live")}
    other = School.objects.create(code="1000000002", name="โรงเรียนอื่น", network=school.network)
    teacher = make_user("kru", roles.TEACHER, school=school)
    now = timezone.now()

    def make(title, owner, audience=Audience.SCHOOL, state=State.SCHEDULED):
        return LiveSession.objects.create(
            title=title, school=owner, audience=audience, state=state,
            teacher=teacher if owner == school else None, description="เศษส่วน",
            starts_at=now - dt.timedelta(minutes=5), ends_at=now + dt.timedelta(hours=1),
        )  # fmt: skip

    return {
        "school": school,
        "other": other,
        "teacher": teacher,
        "own": make("ของโรงเรียน", school, state=State.LIVE),
        "theirs": make("ของโรงเรียนอื่น", other, state=State.LIVE),
        "area": make("ทั้งเขต", other, Audience.AREA, State.LIVE),
        "studio": make("ห้องส่งเขต", None),
        "make": make,
    }


def write_stream(session: LiveSession) -> None:
    """What the ingest writes: the master and every rung's playlist, a segment."""
    hls = actions.hls_dir(session.pk)
    for rung in ("144p", "240p"):
        (hls / rung).mkdir(parents=True, exist_ok=True)
        (hls / rung / "index.m3u8").write_text("#EXTM3U\n#EXTINF:2.0,\nseg_00001.ts\n")
    (hls / "144p" / "seg_00001.ts").write_bytes(b"\x47" * 1880)
    (hls / "index.m3u8").write_text(MASTER)


# -- down: the sync source --------------------------------------------------------


def test_a_schools_own_sessions_go_to_its_mirror_and_shared_ones_to_every_mirror(world):
    records = {r.payload["title"]: r for r in LiveSessionSource().records()}
    assert records["ของโรงเรียน"].scope == {"schools": [world["school"].code]}
    assert records["ของโรงเรียนอื่น"].scope == {"schools": [world["other"].code]}
    assert records["ทั้งเขต"].scope == {}  # every mirror
    assert "ห้องส่งเขต" not in records  # the studio's, for no school: no mirror wants it
    from mirror.sources.base import scope_matches

    wanted = {t for t, r in records.items() if scope_matches(r.scope, "1000000001", set(), set())}
    assert wanted == {"ของโรงเรียน", "ทั้งเขต"}


def test_the_payload_carries_what_a_viewer_sees_and_no_secret(world):
    session = world["own"]
    LiveSession.objects.filter(pk=session.pk).update(
        ingest_port=1936, error_message="รหัสผิด / wrong key", note="บันทึกถึงครู"
    )
    session.refresh_from_db()
    record = next(r for r in LiveSessionSource().records() if r.key == str(session.pk))
    text = json.dumps(record.payload, ensure_ascii=False)
    assert session.stream_key not in text and "1936" not in text
    assert "wrong key" not in text and "บันทึกถึงครู" not in text
    assert set(record.payload) == {
        "title", "description", "audience", "state", "starts_at", "ends_at", "went_live_at",
        "ended_at", "school", "subject_group", "grade_level", "course", "recording",
    }  # fmt: skip
    assert record.payload["school"] == world["school"].code and record.payload["state"] == "live"


def test_a_mirror_applies_a_session_under_centrals_id_and_never_moves_it_back(world):
    source = LiveSessionSource()
    payload = next(r for r in source.records() if r.key == str(world["area"].pk)).payload
    LiveSession.objects.filter(pk=world["area"].pk).delete()  # as on a fresh mirror
    payload = {**payload, "recording": 987654}  # its media item has not arrived yet
    source.apply(str(world["area"].pk), payload, [], None)
    copy = LiveSession.objects.get(pk=world["area"].pk)
    assert copy.title == "ทั้งเขต" and copy.school == world["other"]
    assert copy.state == State.LIVE and copy.recording_id is None
    actions.follow_central(copy.pk, State.ENDED)  # central's state answer came first
    source.apply(str(copy.pk), payload, [], None)  # an older record: still "live"
    assert LiveSession.objects.get(pk=copy.pk).state == State.ENDED


# -- central: the signed relay answers ------------------------------------------------


@pytest.fixture
def keys(settings, tmp_path):
    central_key, mirror_key = generate_private_key(), generate_private_key()
    settings.KHLANG_MIRROR = {
        **settings.KHLANG_MIRROR,
        "SIGNING_KEY": central_key,
        "STORE_DIR": str(tmp_path / "store"),
    }
    return {"central": central_key, "mirror": mirror_key}


def register(mirror_id: str, school: School, key: str):
    from mirror.actions import register_mirror

    return register_mirror(mirror_id, school.code, public_key_text(load_private_key(key)))


def signed_get(client, path: str, mirror_id: str, key: str):
    stamp = f"{time.time():.3f}"
    headers = {
        "X-Khlang-Mirror": mirror_id,
        "X-Khlang-Time": stamp,
        "X-Khlang-Signature": sign(load_private_key(key), request_message("GET", path, stamp, b"")),
    }
    return client.get(path, headers=headers)


def test_central_answers_only_signed_requests_for_the_mirrors_own_live_sessions(world, keys):
    register("school-1", world["school"], keys["mirror"])
    stranger_key = generate_private_key()
    register("school-2", world["other"], stranger_key)
    own, area, theirs = world["own"], world["area"], world["theirs"]
    for session in (own, area, theirs):
        write_stream(session)
    client = Client()
    file_path = f"/live/{own.pk}/relay/hls/144p/seg_00001.ts"
    assert client.get(file_path).status_code == 403  # unsigned
    answer = signed_get(client, file_path, "school-1", keys["mirror"])
    assert answer.status_code == 200
    assert b"".join(answer.streaming_content) == b"\x47" * 1880
    # Signed with another key than the mirror's own: refused.
    assert signed_get(client, file_path, "school-1", stranger_key).status_code == 403
    # Another school's mirror: its own key, but not its school's session.
    assert signed_get(client, file_path, "school-2", stranger_key).status_code == 404
    assert signed_get(client, f"/live/{theirs.pk}/relay/hls/index.m3u8", "school-1",
                      keys["mirror"]).status_code == 404  # fmt: skip
    # An area session goes to every school's mirror.
    shared = f"/live/{area.pk}/relay/hls/index.m3u8"
    assert signed_get(client, shared, "school-2", stranger_key).status_code == 200
    state = signed_get(client, f"/live/{own.pk}/relay/state/", "school-1", keys["mirror"])
    assert state.json() == {"state": "live", "ready": True, "recording": None}
    assert own.stream_key not in state.content.decode()
    # Ended: no more files, and the state says so.
    actions.end_session(own.pk)
    assert signed_get(client, file_path, "school-1", keys["mirror"]).status_code == 404
    state = signed_get(client, f"/live/{own.pk}/relay/state/", "school-1", keys["mirror"])
    assert state.json()["state"] == "ended" and not state.json()["ready"]
    sneaky = f"/live/{area.pk}/relay/hls/144p/../../../db.sqlite3"
    assert signed_get(client, sneaky, "school-2", stranger_key).status_code == 404


# -- the mirror: pages, state and files from the relay ----------------------------


class FakeCentral:
    """Central as the mirror's relay source sees it: state answers and files,
    counted, or no answer at all (``down``)."""

    def __init__(self, session: LiveSession):
        self.session = session
        self.down = False
        self.calls: list[str] = []
        self.state = {"state": "live", "ready": True, "recording": None}

    def __call__(self, url: str, timeout: float = 10.0) -> bytes:
        self.calls.append(url)
        if self.down:
            raise relaying.CentralUnreachable("connection refused")
        if url.endswith("/relay/state/"):
            return json.dumps(self.state).encode()
        name = url.split("/relay/hls/", 1)[1]
        if name == "index.m3u8":
            return MASTER.encode()
        if name.endswith(".m3u8"):
            return b"#EXTM3U\n#EXTINF:2.0,\nseg_00001.ts\n"
        return b"\x47" * 1880


@pytest.fixture
def on_mirror(world, settings, monkeypatch):
    """This site as the school's mirror, its central faked at the signed fetch."""
    settings.KHLANG_ROLE = "mirror"
    settings.KHLANG_MIRROR = {**settings.KHLANG_MIRROR, "CENTRAL_URL": "http://central.test"}
    settings.LIVE = {**settings.LIVE, "RELAY_STATE_SECONDS": 0}
    monkeypatch.setattr(sources, "_RELAY", sources.RelaySource())
    central = FakeCentral(world["own"])
    monkeypatch.setattr(relaying, "signed_get", central)
    return central


def student_client(world, make_user) -> Client:
    client = Client()
    client.force_login(make_user("nak", roles.STUDENT, school=world["school"]))
    return client


def test_the_mirror_plays_a_live_class_from_its_relay_and_counts_attendance(
    world, on_mirror, make_user
):
    session = world["own"]
    LiveSession.objects.filter(pk=session.pk).update(state=State.SCHEDULED)  # the last sync's
    client = student_client(world, make_user)
    page = client.get(f"/live/{session.pk}/").content.decode()
    assert 'id="live-player"' in page and "/end/" not in page  # ended where it is taught
    assert LiveSession.objects.get(pk=session.pk).state == State.LIVE  # learnt from central
    state = client.get(f"/live/{session.pk}/state/").json()
    assert state == {"state": "live", "ready": True, "link_down": False, "recording": None}
    for _ in range(3):
        segment = client.get(f"/live/{session.pk}/hls/144p/seg_00001.ts")
        assert segment.status_code == 200 and segment.content == b"\x47" * 1880
    assert sum(url.endswith("seg_00001.ts") for url in on_mirror.calls) == 1  # once
    assert on_mirror.calls[-1].startswith("http://central.test/live/")
    assert client.post(f"/live/{session.pk}/watch/", {"seconds": "30"}).json()["counted"]
    assert LiveAttendance.objects.get(session=session).seconds == 30
    teacher = Client()
    teacher.force_login(world["teacher"])
    assert teacher.post(f"/live/{session.pk}/end/").status_code == 404
    assert LiveSession.objects.get(pk=session.pk).state == State.LIVE


def test_with_the_link_down_the_mirror_says_so_in_thai_first_and_keeps_counting(
    world, on_mirror, make_user
):
    session = world["own"]
    client = student_client(world, make_user)
    client.get(f"/live/{session.pk}/state/")  # heard once: live
    on_mirror.down = True
    state = client.get(f"/live/{session.pk}/state/").json()
    assert state["link_down"] and not state["ready"] and state["state"] == "live"
    page = client.get(f"/live/{session.pk}/").content.decode()
    message = page.split('id="link-down" role="alert">', 1)[1].split("</p>", 1)[0]
    thai, english = message.split(" / ")
    assert thai.startswith("สัญญาณจากส่วนกลางขาด") and "signal from the central office" in english
    assert client.get(f"/live/{session.pk}/hls/144p/index.m3u8").status_code == 503
    # What the players still play of it counts: the last word heard was "live".
    assert client.post(f"/live/{session.pk}/watch/", {"seconds": "10"}).json()["counted"]
    on_mirror.down = False
    assert not client.get(f"/live/{session.pk}/state/").json()["link_down"]


def test_a_recording_on_the_mirrors_disk_is_offered_even_with_the_link_down(
    world, on_mirror, make_user
):
    from mirror.models import MirrorRecord

    session = world["own"]
    item = MediaItem.objects.create(
        title="บันทึก", type="video", licence="education", copyright_holder="สพป.", duration=60,
        owner_school=world["school"], visibility=Visibility.SCHOOL, status=Status.READY,
    )  # fmt: skip
    # The sync applied the session before its media item: only the record names it.
    LiveSession.objects.filter(pk=session.pk).update(state=State.RECORDED)
    MirrorRecord.objects.create(
        source="live.session", key=str(session.pk), key_hash="x", version=1, signature="s",
        entry={"payload": {"recording": item.pk}},
    )  # fmt: skip
    on_mirror.down = True
    client = student_client(world, make_user)
    page = client.get(f"/live/{session.pk}/").content.decode()
    assert f'href="/media-center/{item.pk}/"' in page
    assert client.get(f"/live/{session.pk}/state/").json()["recording"] == item.pk


# -- up: attendance ----------------------------------------------------------------


def test_attendance_merges_by_the_larger_seconds_once_however_often_it_comes(world, make_user):
    student = make_user("nak", roles.STUDENT, school=world["school"])
    session = world["area"]
    mirror = type("Mirror", (), {"school_id": world["school"].pk, "mirror_id": "school-1"})()
    seen = timezone.now().replace(microsecond=0)
    row = {
        "session": session.pk, "username": "nak", "school": world["school"].code,
        "seconds": 90.0, "first_seen": seen.isoformat(),
        "last_seen": (seen + dt.timedelta(minutes=2)).isoformat(),
    }  # fmt: skip
    kind = AttendanceKind()
    assert kind.accept([row], mirror) == {"accepted": 1, "duplicates": 0, "skipped": 0}
    assert kind.accept([row], mirror) == {"accepted": 0, "duplicates": 1, "skipped": 0}
    assert kind.accept([{**row, "seconds": 30.0}], mirror)["accepted"] == 0  # never backwards
    kind.accept([{**row, "seconds": 150.0, "school": world["other"].code}], mirror)
    kept = LiveAttendance.objects.get(session=session, user=student)
    assert kept.seconds == 150.0 and kept.school == world["school"]  # the first school stays
    assert kept.first_seen == seen
    gone = kind.accept([{**row, "session": 999999}], mirror)
    assert gone["skipped"] == 1 and LiveAttendance.objects.count() == 1
    errors = kind.accept([{**row, "seconds": "many"}], mirror)["errors"]
    assert errors and " / " in errors[0]


def test_the_attendance_merge_is_commutative_and_idempotent():
    a = {"seconds": 40.0, "school_id": 1, "first_seen": 5, "last_seen": 9}
    b = {"seconds": 70.0, "school_id": 2, "first_seen": 3, "last_seen": 8}
    assert merge_attendance(a, b)["seconds"] == merge_attendance(b, a)["seconds"] == 70.0
    assert merge_attendance(merge_attendance(a, b), b) == merge_attendance(a, b)
    assert merge_attendance(a, b)["first_seen"] == 3 and merge_attendance(a, b)["last_seen"] == 9


def test_the_mirror_sends_each_viewers_total_again_only_when_it_changed(world, make_user):
    student = make_user("nak", roles.STUDENT, school=world["school"])
    actions.record_attendance(world["own"], student, 30)
    kind = AttendanceKind()
    rows, _ = kind.collect(0, 100)
    assert [(r["username"], r["seconds"], r["school"]) for r in rows] == [
        ("nak", 30.0, world["school"].code)
    ]
    kind.acknowledge(rows)
    assert kind.collect(0, 100)[0] == []
    actions.record_attendance(world["own"], student, 30)
    assert kind.collect(0, 100)[0][0]["seconds"] == 60.0


def test_a_mirror_opens_no_ingest_and_ends_nothing_by_its_own_clock(world, settings):
    from live.tasks import live_schedule_task

    settings.KHLANG_ROLE = "mirror"
    due = world["make"]("ถึงเวลาแล้ว", world["school"])  # starts now, on central's clock
    live_schedule_task()
    due.refresh_from_db()
    assert due.ingest_opened_at is None and due.state == State.SCHEDULED
