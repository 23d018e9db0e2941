"""Thai dates: Buddhist Era years, Thai month names and the Thai fiscal year.

The fiscal year (ปีงบประมาณ) runs 1 October – 30 September and is named by the
Buddhist Era year in which it ends: 1 Oct 2026 CE starts ปีงบประมาณ 2570.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import get_language

BE_OFFSET = 543

THAI_MONTHS = [
    "มกราคม", "กุมภาพันธ์", "มีนาคม", "เมษายน", "พฤษภาคม", "มิถุนายน",
    "กรกฎาคม", "สิงหาคม", "กันยายน", "ตุลาคม", "พฤศจิกายน", "ธันวาคม",
]  # fmt: skip
THAI_MONTHS_ABBR = [
    "ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.",
    "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.", "พ.ย.", "ธ.ค.",
]  # fmt: skip
ENGLISH_MONTHS_ABBR = [
    "Jan",
    "Feb",
    "Mar",
    "Apr",
    "May",
    "Jun",
    "Jul",
    "Aug",
    "Sep",
    "Oct",
    "Nov",
    "Dec",
]


def be_year(year_ce: int) -> int:
    return year_ce + BE_OFFSET


def _local_date(value: dt.date | dt.datetime) -> dt.date:
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.date()
    return value


def _english() -> bool:
    return (get_language() or "th").startswith("en")


def thai_date(value: dt.date | dt.datetime, style: str = "long") -> str:
    """21 พฤศจิกายน 2569 (long), 21 พ.ย. 2569 (short), 21/11/2569 (numeric)."""
    day = _local_date(value)
    year = be_year(day.year)
    if style == "numeric":
        return f"{day.day}/{day.month}/{year}"
    if _english():
        return f"{day.day} {ENGLISH_MONTHS_ABBR[day.month - 1]} {year} BE"
    months = THAI_MONTHS if style == "long" else THAI_MONTHS_ABBR
    return f"{day.day} {months[day.month - 1]} {year}"


def thai_datetime(value: dt.datetime) -> str:
    """21 พ.ย. 2569 19:30 น. in the site's time zone."""
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    suffix = "" if _english() else " น."
    return f"{thai_date(value, 'short')} {value:%H:%M}{suffix}"


def fiscal_year(value: dt.date | dt.datetime) -> int:
    """The Thai fiscal year (Buddhist Era) that contains ``value``."""
    day = _local_date(value)
    return be_year(day.year + 1 if day.month >= 10 else day.year)


def fiscal_year_bounds(fiscal_year_be: int) -> tuple[dt.date, dt.date]:
    """First and last day of a fiscal year, both included."""
    end_ce = fiscal_year_be - BE_OFFSET
    return dt.date(end_ce - 1, 10, 1), dt.date(end_ce, 9, 30)


def fiscal_quarter(value: dt.date | dt.datetime) -> int:
    """1 = Oct–Dec, 2 = Jan–Mar, 3 = Apr–Jun, 4 = Jul–Sep."""
    month = _local_date(value).month
    return (month - 10) // 3 + 1 if month >= 10 else (month + 2) // 3 + 1
