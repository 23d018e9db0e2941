"""What's due for a person: quiz openings and closings, units opening in their courses.

``month_grid`` is pure (weeks of days with their events), so the calendar's
shape is tested without a database.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class DueItem:
    when: dt.datetime
    title: str
    what: str
    url: str


# Functions (user, start, end) -> [DueItem] of apps that add their own events
# (live classes): they register here, this module never imports them.
_SOURCES: list = []


def register_source(source) -> None:
    if source not in _SOURCES:
        _SOURCES.append(source)


def due_items(user, start: dt.datetime, end: dt.datetime) -> list[DueItem]:
    """Events between start and end that this user may act on, soonest first."""
    from exambank.models import Quiz
    from lms.models import Enrolment, UnitPage

    items: list[DueItem] = []
    quizzes = Quiz.objects.filter(
        Q(open_at__range=(start, end)) | Q(close_at__range=(start, end))
    ).only("pk", "title", "open_at", "close_at", "school_id")
    if not user.is_superuser:
        quizzes = quizzes.filter(Q(school__isnull=True) | Q(school=user.school_id))
    for quiz in quizzes:
        url = reverse("exambank:quiz", args=[quiz.pk])
        if quiz.open_at and start <= quiz.open_at <= end:
            items.append(DueItem(quiz.open_at, quiz.title, _("Quiz opens"), url))
        if quiz.close_at and start <= quiz.close_at <= end:
            items.append(DueItem(quiz.close_at, quiz.title, _("Quiz closes"), url))
    courses = Enrolment.objects.filter(user=user, status=Enrolment.Status.ACTIVE).values_list(
        "course__path", flat=True
    )
    for path in courses:
        units = UnitPage.objects.live().filter(path__startswith=path, unlock_at__range=(start, end))
        for unit in units:
            items.append(DueItem(unit.unlock_at, unit.title, _("Unit opens"), unit.url or ""))
    for source in _SOURCES:
        items.extend(source(user, start, end))
    return sorted(items, key=lambda item: item.when)


@dataclass(frozen=True)
class Day:
    date: dt.date
    in_month: bool
    is_today: bool
    items: tuple[DueItem, ...]


def month_grid(year: int, month: int, items: list[DueItem], today: dt.date) -> list[list[Day]]:
    """Weeks (Sunday first, as Thai wall calendars) of days with that day's items."""
    by_day: dict[dt.date, list[DueItem]] = {}
    for item in items:
        by_day.setdefault(timezone.localtime(item.when).date(), []).append(item)
    weeks = calendar.Calendar(firstweekday=calendar.SUNDAY).monthdatescalendar(year, month)
    return [
        [Day(day, day.month == month, day == today, tuple(by_day.get(day, ()))) for day in week]
        for week in weeks
    ]


def month_bounds(year: int, month: int) -> tuple[dt.datetime, dt.datetime]:
    first = dt.date(year, month, 1)
    last = dt.date(year, month, calendar.monthrange(year, month)[1])
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(first - dt.timedelta(days=7), dt.time.min, tzinfo=tz)
    end = dt.datetime.combine(last + dt.timedelta(days=7), dt.time.max, tzinfo=tz)
    return start, end
