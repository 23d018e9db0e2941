"""The media center's part of the area's KPIs and usage reports (found by reports).

- "Learning media titles by subject group": items that finished processing by
  the end of the fiscal year, one per title, counted under each of its groups.
- Usage of an item splits by its (first) subject group and its grade levels.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from reports.registry import (
    CounterItem,
    CounterResult,
    ObjectInfo,
    Period,
    register_counter,
    register_dimensions,
)

from .models import MediaItem, Status


@register_counter("media_titles")
def count_media_titles(period: Period) -> CounterResult:
    end = timezone.make_aware(dt.datetime.combine(period.end, dt.time.max))
    items = (
        MediaItem.objects.filter(status=Status.READY, created_at__lte=end)
        .prefetch_related("subject_groups")
        .order_by("title")
    )
    breakdown: dict[str, float] = {}
    listed = []
    for item in items:
        codes = [group.code for group in item.subject_groups.all()] or [""]
        for code in codes:
            breakdown[code] = breakdown.get(code, 0) + 1
        listed.append(CounterItem(item.title, item.url, ", ".join(codes), item.type))
    return CounterResult(float(len(listed)), breakdown, listed)


def describe_items(object_ids: list[str]) -> dict[str, ObjectInfo]:
    ids = [int(pk) for pk in object_ids if str(pk).isdigit()]
    found = MediaItem.objects.filter(pk__in=ids).prefetch_related("subject_groups", "grade_levels")
    info = {}
    for item in found:
        groups = sorted(item.subject_groups.all(), key=lambda group: group.sort_order)
        info[str(item.pk)] = ObjectInfo(
            label=item.title,
            url=item.url,
            subject_group_id=groups[0].pk if groups else None,
            grade_level_ids=tuple(grade.pk for grade in item.grade_levels.all()),
        )
    return info


register_dimensions("media_center.mediaitem", describe_items)
