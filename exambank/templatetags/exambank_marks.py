"""Marks in templates exactly as Moodle prints them (0.5, not 0 or 0.500)."""

from __future__ import annotations

from django import template

from ..rendering import format_mark

register = template.Library()


@register.filter
def mark(value) -> str:
    return format_mark(value)


@register.filter
def percent(value) -> str:
    return "" if value is None else format_mark(float(value) * 100)
