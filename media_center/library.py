"""The media library's shelves and filters: what the browse page shows besides the grid.

Filters are links with counts (like Kolibri's library and MediaCMS's grid):
each count is how many items the link would show given the other chosen
filters. Shelves ("new", "popular in your grade") are small and cached.
"""

from __future__ import annotations

from datetime import timedelta

from django.core.cache import cache
from django.db.models import Count, QuerySet
from django.http import QueryDict
from django.utils import timezone

from core.models import GradeLevel, Service, SubjectGroup, UsageEvent

from .models import MediaItem, MediaKind

FILTERS = ("subject", "grade", "type", "collection")
POPULAR_DAYS = 30
SHELF_SIZE = 6
SHELF_SECONDS = 600
TYPE_ICONS = {
    MediaKind.VIDEO: "▶",
    MediaKind.AUDIO: "♪",
    MediaKind.DOCUMENT: "▤",
    MediaKind.IMAGE: "▣",
    MediaKind.LINK: "↗",
}


def narrow(items: QuerySet[MediaItem], chosen: dict[str, str], skip: str = "") -> QuerySet:
    """Apply every chosen filter except ``skip`` (so a facet counts its own options)."""
    if chosen.get("subject") and skip != "subject":
        items = items.filter(subject_groups__code=chosen["subject"])
    if chosen.get("grade") and skip != "grade":
        items = items.filter(grade_levels__code=chosen["grade"])
    if chosen.get("type") and skip != "type":
        items = items.filter(type=chosen["type"])
    if chosen.get("collection") and skip != "collection":
        items = items.filter(collection_id=chosen["collection"])
    return items


def link(chosen: dict[str, str], key: str, value: str) -> str:
    """The query string with ``key`` set to ``value`` (or cleared when it is already chosen)."""
    query = QueryDict(mutable=True)
    for name in FILTERS:
        current = value if name == key else chosen.get(name, "")
        if name == key and chosen.get(key) == value:
            current = ""
        if current:
            query[name] = current
    return "?" + query.urlencode() if query else "?"


def facets(items: QuerySet[MediaItem], chosen: dict[str, str]) -> list[dict]:
    """[{key, title, options: [{label, count, url, selected}]}] for the filter links."""
    from django.utils.translation import gettext as _
    from wagtail.models import Collection

    def counted(key: str, field: str) -> dict:
        rows = narrow(items, chosen, skip=key).values(field).annotate(n=Count("pk", distinct=True))
        return {str(r[field]): r["n"] for r in rows if r[field] is not None}

    def options(key: str, pairs) -> list[dict]:
        counts = counted(key, FIELDS[key])
        return [
            {
                "value": value,
                "label": label,
                "count": counts.get(value, 0),
                "url": link(chosen, key, value),
                "selected": chosen.get(key) == value,
            }
            for value, label in pairs
            if counts.get(value) or chosen.get(key) == value
        ]

    collections = Collection.objects.filter(depth__gt=1).order_by("path")
    found = [
        {
            "key": "subject",
            "title": _("Subject group"),
            "options": options("subject", [(s.code, s.name) for s in SubjectGroup.objects.all()]),
        },
        {
            "key": "grade",
            "title": _("Grade level"),
            "options": options("grade", [(g.code, g.code) for g in GradeLevel.objects.all()]),
        },
        {"key": "type", "title": _("Type"), "options": options("type", MediaKind.choices)},
        {
            "key": "collection",
            "title": _("Collection"),
            "options": options("collection", [(str(c.pk), c.name) for c in collections]),
        },
    ]
    for facet in found:
        facet["open"] = any(o["selected"] for o in facet["options"])
    return found


FIELDS = {
    "subject": "subject_groups__code",
    "grade": "grade_levels__code",
    "type": "type",
    "collection": "collection_id",
}


def new_items(items: QuerySet[MediaItem]) -> list[MediaItem]:
    return list(items.order_by("-created_at")[:SHELF_SIZE])


def popular_in_grade(items: QuerySet[MediaItem], grade_code: str) -> list[MediaItem]:
    """The most viewed items of a grade over the last 30 days (ids cached per grade)."""
    if not grade_code:
        return []
    key = f"khlang:library-popular:{grade_code}"
    ids = cache.get(key)
    if ids is None:
        since = timezone.now() - timedelta(days=POPULAR_DAYS)
        graded = MediaItem.objects.filter(grade_levels__code=grade_code).values_list(
            "pk", flat=True
        )
        rows = (
            UsageEvent.objects.filter(
                service=Service.MEDIA, action="view", time__gte=since,
                object_type="media_center.mediaitem",
                object_id__in=[str(pk) for pk in graded],
            )
            .values("object_id")
            .annotate(n=Count("id"))
            .order_by("-n")[: SHELF_SIZE * 3]
        )  # fmt: skip
        ids = [int(r["object_id"]) for r in rows]
        cache.set(key, ids, SHELF_SECONDS)
    found = {item.pk: item for item in items.filter(pk__in=ids)}
    return [found[pk] for pk in ids if pk in found][:SHELF_SIZE]


def card_queryset(items: QuerySet[MediaItem]) -> QuerySet[MediaItem]:
    """What a card shows, in a fixed number of queries."""
    return items.prefetch_related("subject_groups", "grade_levels").only(
        "pk", "title", "type", "duration", "rendition_version", "rendition_info",
        "visibility", "created_at", "status",
    )  # fmt: skip
