"""Filters for media cards and the player: {{ item.duration|clock }}, posters, icons."""

from django import template

from ..library import TYPE_ICONS
from ..posters import poster_srcset, poster_url

register = template.Library()


@register.filter
def clock(seconds) -> str:
    """12:05 or 1:02:05: how long a video runs, as players show it."""
    try:
        total = max(0, round(float(seconds)))
    except (TypeError, ValueError):
        return ""
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


@register.filter
def type_icon(item) -> str:
    return TYPE_ICONS.get(getattr(item, "type", ""), "•")


@register.filter
def poster(item, width: int = 320) -> str:
    return poster_url(item, int(width))


@register.filter
def srcset(item) -> str:
    return poster_srcset(item)
