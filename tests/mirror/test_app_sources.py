"""The apps' own mirror sources and result kinds: media items with a rendition
ceiling, the exam bank round trip, attempts counted once, progress merged by
maximum."""

import datetime as dt
import os
from pathlib import Path

import pytest
from django.utils import timezone

from exambank.actions import start_attempt, submit_attempt
from exambank.models import Attempt, BlueprintRule, Category, Question, QuestionVersion, Quiz
from lms.mirror_sources import merge_progress
from media_center.models import MediaItem
from mirror.models import SyncState
from mirror.results import get_result_kind
from mirror.sources import get_source
from mirror.sources.folders import prune_master_playlist
from mirror.store import FileStore
from tests.exambank.helpers import make_quiz

T0 = timezone.make_aware(dt.datetime(2026, 6, 1, 9, 0))


def at(minutes: int):
    return T0 + dt.timedelta(minutes=minutes)


# --- progress: merged by maximum ---------------------------------------------------

MIRROR_STATE = {
    "first_viewed_at": at(10),
    "last_seen_at": at(50),
    "watched": {"7": [[0.0, 30.0], [60.0, 90.0]]},
    "durations": {"7": 120.0},
    "reported": {"7": 40.0},
    "watched_seconds": 60.0,
    "position": 90.0,
    "position_media": "7",
    "marked_done": False,
    "quiz_scores": {"exambank:3": 0.4},
    "quizzes_passed": [],
    "completed_at": None,
}
CENTRAL_STATE = {
    "first_viewed_at": at(0),
    "last_seen_at": at(20),
    "watched": {"7": [[20.0, 70.0]], "8": [[0.0, 5.0]]},
    "durations": {"7": 120.0, "8": 10.0},
    "reported": {"7": 10.0},
    "watched_seconds": 55.0,
    "position": 70.0,
    "position_media": "7",
    "marked_done": True,
    "quiz_scores": {"exambank:3": 0.9, "exambank:4": 0.2},
    "quizzes_passed": ["exambank:3"],
    "completed_at": at(15),
}


def test_progress_merge_takes_the_maximum_of_every_field():
    merged = merge_progress(CENTRAL_STATE, MIRROR_STATE)
    assert merged["first_viewed_at"] == at(0) and merged["last_seen_at"] == at(50)
    assert merged["watched"] == {"7": [[0.0, 90.0]], "8": [[0.0, 5.0]]}
    assert merged["reported"] == {"7": 40.0} and merged["watched_seconds"] == 60.0
    assert merged["marked_done"] is True
    assert merged["quiz_scores"] == {"exambank:3": 0.9, "exambank:4": 0.2}
    assert merged["quizzes_passed"] == ["exambank:3"]
    assert merged["completed_at"] == at(15)  # the earliest completion stays
    assert merged["position"] == 90.0  # from the side seen last (the mirror)


def test_progress_merge_is_order_free_repeatable_and_never_goes_back():
    one_way = merge_progress(CENTRAL_STATE, MIRROR_STATE)
    other_way = merge_progress(MIRROR_STATE, CENTRAL_STATE)
    assert one_way == other_way
    assert merge_progress(one_way, MIRROR_STATE) == one_way
    assert merge_progress(one_way, one_way) == one_way
    # An older, smaller state arriving late changes nothing.
    stale = {**MIRROR_STATE, "last_seen_at": at(1), "watched_seconds": 1.0, "marked_done": False}
    assert merge_progress(one_way, stale) == one_way
    # Into an empty row (first report), the incoming state is taken as it is.
    first = merge_progress({}, MIRROR_STATE)
    assert first["watched_seconds"] == 60.0 and first["completed_at"] is None


# --- media items: HLS package, rendition ceiling --------------------------------------


def write_package(folder: Path) -> None:
    for height in (240, 360, 720):
        rung = folder / f"{height}p"
        rung.mkdir(parents=True)
        (rung / "seg_00000.ts").write_bytes(os.urandom(2000 + height))
        (rung / "index.m3u8").write_text(
            "#EXTM3U\n#EXT-X-TARGETDURATION:4\n#EXTINF:4.0,\nseg_00000.ts\n#EXT-X-ENDLIST\n"
        )
    (folder / "poster.jpg").write_bytes(b"poster")
    (folder / "download.mp4").write_bytes(b"mp4" * 100)
    (folder / "ffmpeg-master.m3u8").write_text("#EXTM3U\n")
    master = ["#EXTM3U", "#EXT-X-VERSION:3"]
    for height in (240, 360, 720):
        master += [f"#EXT-X-STREAM-INF:BANDWIDTH={height * 1000}", f"{height}p/index.m3u8"]
    (folder / "master.m3u8").write_text("\n".join(master) + "\n")


@pytest.fixture
def video(db, settings, tmp_path, mirror_conf):
    settings.MEDIA_CENTER = {**settings.MEDIA_CENTER, "PROTECTED_ROOT": str(tmp_path / "prot")}
    from core.models import GradeLevel, SubjectGroup

    item = MediaItem.objects.create(
        title="เศษส่วน",
        type="video",
        licence="cc-by",
        copyright_holder="สพท.",
        status="ready",
        rendition_version="v1",
        height=720,
        rendition_info={
            "variants": [{"name": f"{h}p", "height": h} for h in (240, 360, 720)],
            "download": "download.mp4",
        },
    )
    item.subject_groups.set(SubjectGroup.objects.filter(code="ค"))
    item.grade_levels.set(GradeLevel.objects.filter(code="ป.5"))
    write_package(tmp_path / "prot" / "renditions" / str(item.pk) / "v1")
    return item


def test_a_media_item_travels_with_its_rungs_tagged_by_height(video):
    record = next(iter(get_source("media_center.item").records()))
    assert record.key == str(video.pk)
    assert record.scope == {"subjects": ["ค"], "grades": ["ป.5"]}
    assert "ffmpeg-master.m3u8" not in record.payload["renditions"]
    heights = {ref.role: ref.height for ref in record.files}
    assert heights["360p/seg_00000.ts"] == 360 and heights["720p/seg_00000.ts"] == 720
    # The rung playlists have the same bytes: one file, needed from the lowest rung.
    assert heights["240p/index.m3u8"] == 240 and "720p/index.m3u8" not in heights
    assert heights["master.m3u8"] is None and heights["download.mp4"] is None


def test_the_mirror_keeps_rungs_up_to_its_ceiling_and_a_master_listing_only_them(video, settings):
    source = get_source("media_center.item")
    record = next(iter(source.records()))
    store = FileStore()
    state = SyncState.load()
    state.policy = {"max_rendition_height": 360}
    state.save()
    folder = Path(settings.MEDIA_CENTER["PROTECTED_ROOT"]) / "renditions" / str(video.pk) / "v1"
    master_sha = record.payload["renditions"]["master.m3u8"]
    import shutil

    shutil.rmtree(folder)
    MediaItem.objects.all().delete()
    source.apply(record.key, record.payload, [ref.as_dict() for ref in record.files], store)
    item = MediaItem.objects.get(pk=video.pk)  # central's id
    assert item.status == "ready" and item.rendition_version == "v1"
    assert item.hls_url.endswith("/master.m3u8")
    assert sorted(p.name for p in folder.iterdir() if p.is_dir()) == ["240p", "360p"]
    master = (folder / "master.m3u8").read_text()
    assert "240p/index.m3u8" in master and "360p/index.m3u8" in master
    assert "720p" not in master
    # The store's own copy of the master (hard-linked into the folder) is untouched.
    assert "720p/index.m3u8" in store.path_for(master_sha).read_text()
    assert (folder / "download.mp4").is_file() and (folder / "poster.jpg").is_file()


def test_pruning_a_master_keeps_only_variants_present(tmp_path):
    (tmp_path / "240p").mkdir()
    (tmp_path / "240p" / "index.m3u8").write_text("#EXTM3U\n")
    (tmp_path / "master.m3u8").write_text(
        "#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1\n240p/index.m3u8\n"
        "#EXT-X-STREAM-INF:BANDWIDTH=2\n480p/index.m3u8\n"
    )
    prune_master_playlist(tmp_path)
    assert (tmp_path / "master.m3u8").read_text() == (
        "#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1\n240p/index.m3u8\n"
    )


# --- exam bank ------------------------------------------------------------------------


def test_the_exam_bank_round_trips_with_central_ids(db, mirror_conf):
    quiz = make_quiz(n_questions=2)
    BlueprintRule.objects.create(quiz=quiz, difficulty="easy", count=1)
    names = ["exambank.category", "exambank.question", "exambank.quiz"]
    before = {
        name: [(r.key, r.payload, r.scope) for r in get_source(name).records()] for name in names
    }
    ids = {
        "questions": sorted(Question.objects.values_list("pk", flat=True)),
        "versions": sorted(QuestionVersion.objects.values_list("pk", flat=True)),
    }
    Quiz.objects.all().delete()
    Question.objects.all().delete()
    Category.objects.all().delete()
    store = FileStore()
    for name in names:
        source = get_source(name)
        entries = [{"key": k, "payload": p, "files": []} for k, p, _ in before[name]]
        source.apply_batch(entries, store)
    after = {
        name: [(r.key, r.payload, r.scope) for r in get_source(name).records()] for name in names
    }
    assert after == before
    assert sorted(Question.objects.values_list("pk", flat=True)) == ids["questions"]
    assert sorted(QuestionVersion.objects.values_list("pk", flat=True)) == ids["versions"]
    assert Quiz.objects.get(pk=quiz.pk).slots.count() == 2


def test_an_attempt_goes_up_once_and_is_acknowledged(db, mirror_conf, make_user, settings):
    settings.KHLANG_MIRROR = {**settings.KHLANG_MIRROR, "MIRROR_ID": "school-9"}
    quiz = make_quiz(n_questions=2, attempts_allowed=0)
    student = make_user("s1", role="student")
    attempt = start_attempt(quiz, student, "k1")
    open_one = start_attempt(make_quiz(n_questions=1), student, "k2")
    attempt = submit_attempt(attempt.pk)
    kind = get_result_kind("attempt")
    rows, _ = kind.collect(0, 100)
    assert len(rows) == 1 and rows[0]["username"] == "s1" and len(rows[0]["slots"]) == 2
    assert kind.collect(0, 100)[0] == rows  # deterministic id, same row again

    class Central:
        school_id = None
        mirror_id = "school-9"

    first = kind.accept(rows, Central())
    again = kind.accept(rows, Central())
    assert (first["accepted"], again["accepted"], again["duplicates"]) == (1, 0, 1)
    copy = Attempt.objects.get(start_key__startswith="mirror:")
    assert copy.number == 2 and copy.slots.count() == 2 and copy.score == attempt.score
    copy.delete()  # it stands for central's row; this database plays the mirror
    kind.acknowledge(rows)
    assert kind.collect(0, 100)[0] == [] and kind.pending(0) == 0
    # An attempt submitted later goes up then, though a later one went first.
    submit_attempt(open_one.pk)
    assert [r["quiz"] for r in kind.collect(0, 100)[0]] == [open_one.quiz_id]


def test_a_bad_attempt_row_is_refused_naming_the_row(db, mirror_conf):
    answer = get_result_kind("attempt").accept(
        [{"attempt_id": "x", "username": "nobody", "quiz": 999, "state": "in_progress"}], None
    )
    assert answer["accepted"] == 0
    assert any("แถวที่ 1" in e and "row 1: unknown user" in e for e in answer["errors"])
