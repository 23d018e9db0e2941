"""Supervision terms: each Thai fiscal year (1 Oct – 30 Sep) has two.

Term 1 runs October to March and term 2 April to September, so a plan's term
never straddles two fiscal years and every count of a term adds up to the
year's. Pure functions; dates are Bangkok calendar days.
"""

from __future__ import annotations

import datetime as dt

from core.thaidate import fiscal_year, fiscal_year_bounds

TERMS = (1, 2)


def term_bounds(fiscal_year_be: int, term: int) -> tuple[dt.date, dt.date]:
    """First and last day (both included) of ``term`` of a fiscal year."""
    if term not in TERMS:
        raise ValueError(f"term must be 1 or 2, not {term!r}")
    start, end = fiscal_year_bounds(fiscal_year_be)
    if term == 1:
        return start, dt.date(start.year + 1, 3, 31)
    return dt.date(end.year, 4, 1), end


def term_of(day: dt.date) -> tuple[int, int]:
    """(fiscal year, term) that contains ``day``."""
    return fiscal_year(day), 1 if day.month >= 10 or day.month <= 3 else 2


def current_term(today: dt.date | None = None) -> tuple[int, int]:
    from django.utils import timezone

    return term_of(today or timezone.localdate())
