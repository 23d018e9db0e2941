"""View statistics from core's UsageEvent: views and watch time per item, school, day."""

from __future__ import annotations

from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncDate

from core.models import Service, UsageEvent

OBJECT_TYPE = "media_center.mediaitem"


def _events():
    return UsageEvent.objects.filter(service=Service.MEDIA, object_type=OBJECT_TYPE)


def _rows(queryset, *keys: str) -> list[dict]:
    rows = queryset.values(*keys).annotate(
        views=Count("id", filter=Q(action="view")),
        watch_seconds=Sum("seconds", filter=Q(action="watch"), default=0.0),
    )
    return [
        {**{k: (str(r[k]) if k == "day" else r[k]) for k in keys},
         "views": r["views"], "watch_seconds": round(r["watch_seconds"], 1)}
        for r in rows.order_by(*keys)
    ]  # fmt: skip


def item_by_day(item) -> list[dict]:
    """[{day, views, watch_seconds}] for one item."""
    events = _events().filter(object_id=str(item.pk)).annotate(day=TruncDate("time"))
    return _rows(events, "day")


def by_item_school_day(start=None, end=None) -> list[dict]:
    """[{object_id, school_id, day, views, watch_seconds}] over all media (reports read this)."""
    events = _events()
    if start:
        events = events.filter(time__gte=start)
    if end:
        events = events.filter(time__lt=end)
    return _rows(events.annotate(day=TruncDate("time")), "object_id", "school_id", "day")
