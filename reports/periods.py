"""Days, months and Thai fiscal years in Bangkok time, as pure functions."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from core.thaidate import fiscal_year, fiscal_year_bounds

BANGKOK = ZoneInfo("Asia/Bangkok")


def day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The aware instants [start, end) of a Bangkok calendar day."""
    start = dt.datetime.combine(day, dt.time.min, tzinfo=BANGKOK)
    return start, start + dt.timedelta(days=1)


def local_day(instant: dt.datetime) -> dt.date:
    return instant.astimezone(BANGKOK).date()


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def next_month(day: dt.date) -> dt.date:
    return (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def fiscal_year_start(day: dt.date) -> dt.date:
    return fiscal_year_bounds(fiscal_year(day))[0]


def months_of_fiscal_year(fiscal_year_be: int) -> list[dt.date]:
    first, _ = fiscal_year_bounds(fiscal_year_be)
    months = [first]
    while len(months) < 12:
        months.append(next_month(months[-1]))
    return months


def current_fiscal_year(now: dt.datetime | None = None) -> int:
    from django.utils import timezone

    return fiscal_year(local_day(now or timezone.now()))
