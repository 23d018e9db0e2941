"""The classroom timetable's rules: which clashes are refused, which timetable a
school's grade follows on a day, and what its classroom screen plays at a moment.

``now_playing`` reads the timetables, the live sessions and the media items and
decides; the views only turn its answer into a page or JSON. Times are the
site's wall clock (settings.TIME_ZONE), whatever zone a request activated: a
school's bell rings in Thai time.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Prefetch, Q
from django.utils.translation import gettext_lazy, gettext_noop

from core.i18n import bilingual
from core.thaidate import thai_date

from .models import LiveSession, Period, Plays, State, Timetable, Weekday
from .policies import live_session_policy

# The next period is looked for this many days ahead; after a longer break the
# screen shows only the clock.
LOOK_AHEAD_DAYS = 14

# What the screen does now.
LIVE = "live"  # a session that is or will be live: the stream when it is ready
RECORDING = "recording"  # the session is over: its recording
FALLBACK = "fallback"  # a live period without its session: the period's recorded item
LESSON = "lesson"  # a period that plays a recorded item
NOTHING = "nothing"  # between periods, or a period with nothing to play: until ...

PERIODS_OVERLAP = gettext_noop("The %(day)s period %(first)s overlaps the period %(second)s.")
PERIOD_ENDS_FIRST = gettext_noop("The %(day)s period %(time)s must end after it starts.")
PERIOD_NEEDS_ITEM = gettext_noop(
    "The %(day)s period %(time)s plays a recorded lesson: choose a media item or a lesson."
)
PERIOD_TWO_ITEMS = gettext_noop(
    "The %(day)s period %(time)s: choose a media item or a lesson, not both."
)
TIMETABLE_DATES = gettext_noop("The timetable must end on or after the day it starts.")
TIMETABLES_OVERLAP = gettext_noop(
    "%(owner)s already has a timetable for %(grade)s from %(start)s to %(end)s: %(other)s."
)
AREA_OWNER = gettext_lazy("The area")


def local_zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def _span(period) -> str:
    return f"{period.starts_at:%H:%M}–{period.ends_at:%H:%M}"


def _day(period):
    if period.weekday not in Weekday.values:
        return ""
    return Weekday(period.weekday).label  # lazy: translated in each half of a bilingual message


# --- Validation ---------------------------------------------------------------------


def period_problems(period: Period) -> None:
    """One period on its own: it ends after it starts, and says what it plays."""
    errors: dict[str, str] = {}
    day, time = _day(period), _span(period) if period.starts_at and period.ends_at else ""
    if period.starts_at and period.ends_at and period.ends_at <= period.starts_at:
        errors["ends_at"] = bilingual(PERIOD_ENDS_FIRST, day=day, time=time)
    if period.media_item_id and period.lesson_id:
        errors["lesson"] = bilingual(PERIOD_TWO_ITEMS, day=day, time=time)
    elif period.plays == Plays.RECORDED and not (period.media_item_id or period.lesson_id):
        errors["media_item"] = bilingual(PERIOD_NEEDS_ITEM, day=day, time=time)
    if errors:
        raise ValidationError(errors)


def overlapping_periods(periods: Iterable) -> list[tuple]:
    """Pairs (earlier, later) of periods on the same day whose times overlap.

    A period may start at the minute the one before it ends."""
    ordered = sorted(
        (p for p in periods if p.weekday is not None and p.starts_at and p.ends_at),
        key=lambda p: (p.weekday, p.starts_at, p.ends_at),
    )
    pairs = []
    for index, later in enumerate(ordered):
        for earlier in ordered[:index]:
            if earlier.weekday == later.weekday and later.starts_at < earlier.ends_at:
                pairs.append((earlier, later))
    return pairs


def overlap_messages(periods: Iterable) -> list[str]:
    return [
        bilingual(PERIODS_OVERLAP, day=_day(first), first=_span(first), second=_span(second))
        for first, second in overlapping_periods(periods)
    ]


def timetable_problems(timetable: Timetable) -> None:
    """Its dates are in order, and no other timetable of the same owner (the same
    school, or the area) and grade covers any of them: one day, one timetable."""
    starts, ends = timetable.starts_on, timetable.ends_on
    if not (starts and ends):
        return
    if ends < starts:
        raise ValidationError({"ends_on": bilingual(TIMETABLE_DATES)})
    if not timetable.grade_level_id:
        return
    others = Timetable.objects.filter(
        grade_level_id=timetable.grade_level_id,
        school_id=timetable.school_id,
        starts_on__lte=ends,
        ends_on__gte=starts,
    ).exclude(pk=timetable.pk)
    other = others.select_related("school", "grade_level").first()
    if other is not None:
        raise ValidationError(
            bilingual(
                TIMETABLES_OVERLAP,
                owner=other.school.name if other.school_id else AREA_OWNER,
                grade=other.grade_level.code,
                start=thai_date(other.starts_on, "numeric"),
                end=thai_date(other.ends_on, "numeric"),
                other=str(other),
            )
        )


# --- Which timetable, which period ----------------------------------------------------


@dataclass(frozen=True)
class Slot:
    """A period on a date, with its start and end as moments."""

    period: Period
    starts: dt.datetime
    ends: dt.datetime


def _timetables(school, grade, first: dt.date, last: dt.date) -> list[Timetable]:
    return list(
        Timetable.objects.filter(grade_level=grade, starts_on__lte=last, ends_on__gte=first)
        .filter(Q(school=school) | Q(school__isnull=True))
        .prefetch_related(
            Prefetch(
                "periods",
                queryset=Period.objects.select_related("subject_group").order_by(
                    "weekday", "starts_at"
                ),
            )
        )
    )


def _pick(timetables: list[Timetable], day: dt.date, school_id: int) -> Timetable | None:
    """The school's own timetable for the day, else the area's."""
    current = [t for t in timetables if t.starts_on <= day <= t.ends_on]
    own = [t for t in current if t.school_id == school_id]
    area = [t for t in current if t.school_id is None]
    return (own or area or [None])[0]


def timetable_for(school, grade, day: dt.date) -> Timetable | None:
    """The timetable ``school``'s ``grade`` follows on ``day``: its own, else the area's."""
    return _pick(_timetables(school, grade, day, day), day, school.pk)


def slots_on(timetable: Timetable, day: dt.date) -> list[Slot]:
    zone = local_zone()
    return [
        Slot(
            period,
            dt.datetime.combine(day, period.starts_at, tzinfo=zone),
            dt.datetime.combine(day, period.ends_at, tzinfo=zone),
        )
        for period in timetable.periods.all()
        if period.weekday == day.weekday()
    ]


def current_and_next(school, grade, at: dt.datetime) -> tuple[Slot | None, Slot | None]:
    """The period going on at ``at`` (if any) and the next one to start."""
    local = at.astimezone(local_zone())
    today = local.date()
    timetables = _timetables(school, grade, today, today + dt.timedelta(days=LOOK_AHEAD_DAYS))
    current = None
    for offset in range(LOOK_AHEAD_DAYS + 1):
        day = today + dt.timedelta(days=offset)
        timetable = _pick(timetables, day, school.pk)
        for slot in slots_on(timetable, day) if timetable else []:
            if slot.starts > local:
                return current, slot
            if slot.ends > local and current is None:
                current = slot
    return current, None


# --- What plays -----------------------------------------------------------------------


def ready_item(item):
    """The item if it plays now (ready, with renditions), else None."""
    from media_center.models import Status

    if item is not None and item.status == Status.READY and item.is_playable:
        return item
    return None


def recorded_item(period: Period):
    """The period's own recorded item: its media item, or its lesson's first video."""
    from lms.models import LessonPage
    from media_center.models import MediaItem

    if period.media_item_id:
        ids = [period.media_item_id]
    elif period.lesson_id:
        lesson = LessonPage.objects.live().filter(pk=period.lesson_id).first()
        ids = [int(i) for i in (lesson.tracked_media if lesson else []) if str(i).isdigit()]
    else:
        return None
    found = {item.pk: item for item in MediaItem.objects.filter(pk__in=ids)}
    for item_id in ids:
        if ready_item(found.get(item_id)) is not None:
            return found[item_id]
    return None


def session_for(school, grade, slot: Slot) -> LiveSession | None:
    """The live session the school may watch for this grade (and the period's
    subject) whose time meets the period; a live one first, then the closest start."""
    sessions = live_session_policy.visible_to_school(school).filter(
        grade_level=grade, starts_at__lt=slot.ends, ends_at__gt=slot.starts
    )
    if slot.period.subject_group_id:
        sessions = sessions.filter(subject_group_id=slot.period.subject_group_id)
    found = sorted(
        sessions.select_related("recording"),
        key=lambda s: (s.state != State.LIVE, abs((s.starts_at - slot.starts).total_seconds())),
    )
    return found[0] if found else None


@dataclass(frozen=True)
class NowPlaying:
    """What a classroom screen shows: ``kind`` (LIVE, RECORDING, FALLBACK, LESSON,
    NOTHING), the period (None between periods), the live session, the item to play
    from the site's disk (for LIVE: while the stream is not there), the next period,
    and when this answer stops being true."""

    kind: str
    slot: Slot | None
    session: LiveSession | None
    item: object | None
    next: Slot | None
    until: dt.datetime | None

    def offset(self, at: dt.datetime) -> float:
        """Seconds since the period began: where a recording picks up after a restart."""
        return max(0.0, (at - self.slot.starts).total_seconds()) if self.slot else 0.0


def now_playing(school, grade, at: dt.datetime) -> NowPlaying:
    """What ``school``'s screen for ``grade`` plays at ``at``.

    A live period plays its session while that is live (or about to be), the
    session's recording once it has ended and the recording is ready, else the
    period's own recorded item; a recorded period plays its item. With nothing to
    play the screen waits: until the period ends, or between periods until the
    next one starts.
    """
    slot, upcoming = current_and_next(school, grade, at)
    if slot is None:
        return NowPlaying(
            NOTHING, None, None, None, upcoming, upcoming.starts if upcoming else None
        )
    item = recorded_item(slot.period)
    if slot.period.plays == Plays.LIVE:
        session = session_for(school, grade, slot)
        if session is not None and session.state in (State.SCHEDULED, State.LIVE):
            return NowPlaying(LIVE, slot, session, item, upcoming, slot.ends)
        recording = ready_item(session.recording) if session is not None else None
        if recording is not None:
            return NowPlaying(RECORDING, slot, session, recording, upcoming, slot.ends)
        kind = FALLBACK
    else:
        session, kind = None, LESSON
    if item is None:
        return NowPlaying(NOTHING, slot, session, None, upcoming, slot.ends)
    return NowPlaying(kind, slot, session, item, upcoming, slot.ends)


# --- The printed week -------------------------------------------------------------------


def week_grid(timetable: Timetable) -> tuple[list[tuple[dt.time, dt.time]], list[tuple]]:
    """Columns (each distinct start–end of the week) and rows (day label, the
    day's period in each column or None), Monday to Friday."""
    periods = list(timetable.periods.all())
    columns = sorted({(p.starts_at, p.ends_at) for p in periods})
    cells = {(p.weekday, p.starts_at, p.ends_at): p for p in periods}
    rows = [
        (label, [cells.get((day, start, end)) for start, end in columns])
        for day, label in Weekday.choices
    ]
    return columns, rows
