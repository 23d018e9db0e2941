"""Small conversions every exam bank sync source shares."""

from __future__ import annotations

from datetime import datetime

from django.utils.dateparse import parse_datetime

from ..models import Category


def iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def parse_time(text: str | None) -> datetime | None:
    return parse_datetime(text) if text else None


def school_only(category: Category | None) -> list[str]:
    """A school's own category not published area-wide stays with that school."""
    if category is not None and category.school_id and not category.published:
        return [category.school.code]
    return []
