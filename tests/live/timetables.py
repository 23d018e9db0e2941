"""Timetables, ready media items and moments for the classroom-screen tests."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from core.models import GradeLevel, School, SubjectGroup

BANGKOK = ZoneInfo("Asia/Bangkok")
MONDAY = dt.date(2026, 12, 7)  # a Monday in term 2/2569
TERM = (dt.date(2026, 11, 2), dt.date(2027, 3, 31))


def at(day: dt.date, hhmm: str, second: int = 0) -> dt.datetime:
    hour, minute = (int(part) for part in hhmm.split(":"))
    return dt.datetime.combine(day, dt.time(hour, minute, second), tzinfo=BANGKOK)


def grade(code: str = "ป.4") -> GradeLevel:
    return GradeLevel.objects.get(code=code)


def subject(code: str = "ค") -> SubjectGroup:
    return SubjectGroup.objects.get(code=code)


def other_school(school: School, code: str = "1000000002") -> School:
    return School.objects.create(
        code=code, name="โรงเรียนบ้านอื่น", network=school.network, district="เมือง",
        size_class="small", link_type="adsl",
    )  # fmt: skip


def ready_item(title: str = "บทเรียนบันทึก", school=None, visibility: str = "signed_in", **fields):
    from media_center.models import MediaItem, Status

    values = dict(
        title=title, type="video", licence="cc-by", copyright_holder="สพป.ทดสอบ",
        duration=600, width=640, height=360, owner_school=school, visibility=visibility,
        status=Status.READY, rendition_version="v1",
        rendition_info={"poster": "poster.jpg", "download": "download.mp4"},
    )  # fmt: skip
    values.update(fields)
    return MediaItem.objects.create(**values)


def make_timetable(level=None, school=None, periods=(), term=TERM, title=""):
    """``periods``: (weekday, "HH:MM", "HH:MM", plays, media item or None, subject code or None)."""
    from live.models import Period, Timetable

    timetable = Timetable.objects.create(
        school=school, grade_level=level or grade(), starts_on=term[0], ends_on=term[1], title=title
    )
    for weekday, starts, ends, plays, item, code in periods:
        Period.objects.create(
            timetable=timetable, weekday=weekday, starts_at=starts, ends_at=ends, plays=plays,
            media_item=item, subject_group=subject(code) if code else None,
        )  # fmt: skip
    return timetable


def live_session(title="ถ่ายทอดสดคณิต", school=None, audience="area", starts=None, minutes=60,
                 level=None, code="ค", state="scheduled", recording=None):  # fmt: skip
    from live.models import LiveSession

    starts = starts or at(MONDAY, "09:00")
    return LiveSession.objects.create(
        title=title, school=school, audience=audience, starts_at=starts,
        ends_at=starts + dt.timedelta(minutes=minutes), grade_level=level or grade(),
        subject_group=subject(code) if code else None, state=state, recording=recording,
    )  # fmt: skip
