"""now_playing: which period, which timetable, and what the classroom screen plays."""

from __future__ import annotations

import datetime as dt

import pytest

from live.models import Plays, Weekday
from live.timetable import (
    FALLBACK,
    LESSON,
    LIVE,
    NOTHING,
    RECORDING,
    now_playing,
    timetable_for,
)
from tests.live.timetables import (
    MONDAY,
    at,
    grade,
    live_session,
    make_timetable,
    other_school,
    ready_item,
)

pytestmark = pytest.mark.django_db
MON, TUE, FRI = Weekday.MONDAY, Weekday.TUESDAY, Weekday.FRIDAY


@pytest.fixture
def week(school):
    """The area's ป.4 week: Monday maths live at 09:00, a recorded science lesson at
    10:00 right after it, and Friday's recorded Thai at 13:00."""
    fallback = ready_item("คณิตสำรอง")
    science = ready_item("วิทยาศาสตร์บันทึก")
    thai = ready_item("ภาษาไทยบันทึก")
    timetable = make_timetable(
        periods=[
            (MON, "09:00", "10:00", Plays.LIVE, fallback, "ค"),
            (MON, "10:00", "11:00", Plays.RECORDED, science, "ว"),
            (FRI, "13:00", "14:00", Plays.RECORDED, thai, "ท"),
        ]
    )
    return {"timetable": timetable, "fallback": fallback, "science": science, "thai": thai}


def test_a_recorded_period_plays_its_item_and_names_the_next(school, week):
    playing = now_playing(school, grade(), at(MONDAY, "10:20"))
    assert playing.kind == LESSON and playing.item == week["science"]
    assert playing.slot.period.subject_group.code == "ว"
    assert playing.until == at(MONDAY, "11:00")
    assert playing.next.starts == at(MONDAY + dt.timedelta(days=4), "13:00")  # Friday
    assert playing.offset(at(MONDAY, "10:20")) == 20 * 60


def test_period_edges_belong_to_the_period_that_starts(school, week):
    before = now_playing(school, grade(), at(MONDAY, "08:59", 59))
    assert before.kind == NOTHING and before.slot is None
    assert before.until == at(MONDAY, "09:00") and before.next.starts == at(MONDAY, "09:00")
    assert now_playing(school, grade(), at(MONDAY, "09:00")).slot.starts == at(MONDAY, "09:00")
    # 10:00 sharp: maths is over, science has begun.
    edge = now_playing(school, grade(), at(MONDAY, "10:00"))
    assert edge.kind == LESSON and edge.item == week["science"]
    after = now_playing(school, grade(), at(MONDAY, "11:00"))
    assert after.kind == NOTHING and after.slot is None and after.next.period.weekday == FRI


def test_a_day_without_periods_and_the_weekend_wait_for_the_next_school_day(school, week):
    tuesday = now_playing(school, grade(), at(MONDAY + dt.timedelta(days=1), "09:30"))
    assert tuesday.kind == NOTHING and tuesday.next.period.weekday == FRI
    saturday = now_playing(school, grade(), at(MONDAY + dt.timedelta(days=5), "09:30"))
    assert saturday.next.starts == at(MONDAY + dt.timedelta(days=7), "09:00")
    # Another grade has no timetable at all: nothing, and nothing next.
    empty = now_playing(school, grade("ป.5"), at(MONDAY, "09:30"))
    assert (empty.kind, empty.next, empty.until) == (NOTHING, None, None)


def test_a_schools_own_timetable_replaces_the_areas_for_its_grade_and_dates(school, week):
    own_item = ready_item("ของโรงเรียน", school=school, visibility="school")
    own = make_timetable(
        school=school,
        periods=[(MON, "09:30", "10:30", Plays.RECORDED, own_item, "ค")],
        term=(MONDAY, MONDAY + dt.timedelta(days=30)),
    )
    neighbour = other_school(school)
    assert timetable_for(school, grade(), MONDAY) == own
    assert timetable_for(neighbour, grade(), MONDAY) == week["timetable"]
    mine = now_playing(school, grade(), at(MONDAY, "09:45"))
    assert mine.kind == LESSON and mine.item == own_item
    theirs = now_playing(neighbour, grade(), at(MONDAY, "09:45"))
    assert theirs.slot.period.timetable == week["timetable"]
    # Before its dates the school follows the area's timetable.
    assert timetable_for(school, grade(), MONDAY - dt.timedelta(days=1)) == week["timetable"]


def test_a_live_period_plays_the_session_the_school_may_watch(school, week):
    session = live_session(state="live")
    playing = now_playing(school, grade(), at(MONDAY, "09:10"))
    assert playing.kind == LIVE and playing.session == session
    assert playing.item == week["fallback"]  # while the stream is not there


def test_the_live_session_must_match_the_grade_the_subject_and_the_school(school, week):
    neighbour = other_school(school)
    live_session("ของโรงเรียนอื่น", school=neighbour, audience="school", state="live")
    live_session("ภาษาไทย", code="ท", state="live")
    live_session("ป.5", level=grade("ป.5"), state="live")
    live_session("เมื่อวาน", starts=at(MONDAY - dt.timedelta(days=1), "09:00"), state="live")
    playing = now_playing(school, grade(), at(MONDAY, "09:10"))
    assert playing.kind == FALLBACK and playing.session is None
    assert playing.item == week["fallback"]
    # A session of its own school is the school's to watch.
    own = live_session("ของเรา", school=school, audience="school")
    assert now_playing(school, grade(), at(MONDAY, "09:10")).session == own


def test_a_live_one_is_preferred_then_the_closest_start(school, week):
    live_session("เริ่มสาย", starts=at(MONDAY, "09:20"), minutes=30)
    closest = live_session("ตรงเวลา", starts=at(MONDAY, "08:55"))
    assert now_playing(school, grade(), at(MONDAY, "09:30")).session == closest
    on_air = live_session("กำลังสอน", starts=at(MONDAY, "09:40"), minutes=20, state="live")
    assert now_playing(school, grade(), at(MONDAY, "09:45")).session == on_air


def test_an_ended_session_plays_its_recording_once_it_is_ready(school, week):
    recording = ready_item("บันทึกการสอน", status="processing")
    session = live_session(state="ended", recording=recording)
    waiting = now_playing(school, grade(), at(MONDAY, "09:30"))
    assert waiting.kind == FALLBACK and waiting.item == week["fallback"]
    recording.status = "ready"
    recording.save()
    session.state = "recorded"
    session.save()
    playing = now_playing(school, grade(), at(MONDAY, "09:30"))
    assert playing.kind == RECORDING and playing.item == recording and playing.session == session


def test_no_recording_and_no_fallback_means_nothing_until_the_period_ends(school, week):
    period = week["timetable"].periods.get(weekday=MON, starts_at="09:00")
    period.media_item = None
    period.save()
    live_session(state="ended")
    playing = now_playing(school, grade(), at(MONDAY, "09:30"))
    assert playing.kind == NOTHING and playing.item is None
    assert playing.slot.period == period and playing.until == at(MONDAY, "10:00")


def test_an_item_not_ready_or_gone_is_not_played(school, week):
    week["science"].status = "processing"
    week["science"].save()
    assert now_playing(school, grade(), at(MONDAY, "10:30")).kind == NOTHING
    period = week["timetable"].periods.get(weekday=MON, starts_at="10:00")
    period.media_item_id = 999_999  # a mirror can hold a period before its item arrives
    period.save()
    assert now_playing(school, grade(), at(MONDAY, "10:30")).kind == NOTHING


def test_a_lessons_first_ready_video_plays(school, week):
    from tests.lms.builders import build_course, courses_index, lessons_of

    video = ready_item("คลิปในบทเรียน")
    body = [{"type": "video", "value": {"media": video.pk, "caption": ""}}]
    course = build_course(courses_index(), units=[("always", [("บทที่ 1", "video", {"body": body})])])
    lesson = lessons_of(course)[0]
    period = week["timetable"].periods.get(weekday=FRI)
    period.media_item, period.lesson = None, lesson
    period.save()
    friday = MONDAY + dt.timedelta(days=4)
    playing = now_playing(school, grade(), at(friday, "13:05"))
    assert playing.kind == LESSON and playing.item == video


def test_after_the_term_the_screen_has_nothing_next(school, week):
    after = week["timetable"].ends_on + dt.timedelta(days=1)
    playing = now_playing(school, grade(), at(after, "09:30"))
    assert (playing.kind, playing.slot, playing.next) == (NOTHING, None, None)
