"""Finding a lesson from its URL without walking the page tree.

Wagtail serves a page by finding the request's Site (one query) and walking
from the site root one level per query, loading each page's specific type
(another query each), then reading the view restrictions of the page and its
ancestors (two more). A lesson sits five levels below the home page and is the
most requested page of the site, so that walk was most of its queries.

Here the answer is cached: (host, port) → Site, and (site, path) → lesson id
with the view restrictions that apply to it. The lesson itself is still read
from the database on every request (live only) and its url_path checked
against the request, so a stale entry can only send a request down Wagtail's
ordinary route, never to a wrong or unpublished page. Then Wagtail's serve
chain runs as usual through its public hooks (lms.views.lesson.serve_routed:
on_serve_page, before_serve_page with the view-restriction check, the page's
serve), just with the route already known. The site found is handed to
Wagtail the one way it offers, the request attribute ``Site.find_for_request``
documents as its cache, so templates asking for the site cost no query.

Everything that could change an answer (a page published, unpublished, moved,
renamed or deleted; a Site or a view restriction saved or deleted) moves the
routing epoch, which is part of every key.

The URL pattern (lms/urls.py) only claims paths that sit exactly three levels
(course, unit, lesson) below a course index, using a cached list of the
indexes' paths, so other apps' URLs further down the list are never shadowed.
"""

from __future__ import annotations

import secrets

from django.core.cache import cache
from django.core.exceptions import DisallowedHost
from django.http.request import split_domain_port

ROUTE_SECONDS = 600
EPOCH_KEY = "lms:epoch:route"
CONTENT_EPOCH_KEY = "lms:epoch:content"
PREFIXES_KEY = "lms:lesson-prefixes"
_NOT_A_LESSON = 0


def bump(epoch_key: str = EPOCH_KEY) -> None:
    """Make every entry under ``epoch_key`` unreachable (they expire on their own)."""
    cache.set(epoch_key, secrets.token_hex(4), None)
    if epoch_key == EPOCH_KEY:
        cache.delete(PREFIXES_KEY)


def lesson_prefixes() -> tuple[str, ...]:
    """Paths of the live course indexes relative to each site root ("courses/all/")."""
    prefixes = cache.get(PREFIXES_KEY)
    if prefixes is None:
        from wagtail.models import Site

        from .models import CourseIndexPage

        roots = [p.root_path for p in Site.get_site_root_paths()]
        found = set()
        for url_path in CourseIndexPage.objects.live().values_list("url_path", flat=True):
            found.update(url_path[len(root) :] for root in roots if url_path.startswith(root))
        prefixes = tuple(sorted(found))
        cache.set(PREFIXES_KEY, prefixes, ROUTE_SECONDS)
    return prefixes


def may_be_lesson(path: str) -> bool:
    """Whether ``path`` is three levels below a course index (where lessons live)."""
    return any(
        path.startswith(prefix) and path.count("/") - prefix.count("/") == 3
        for prefix in lesson_prefixes()
    )


class LessonPathConverter:
    """Matches only paths where a lesson may be; anything else falls through."""

    regex = r"(?:[\w\-]+/){3,}"

    def to_python(self, value: str) -> str:
        if not may_be_lesson(value):
            raise ValueError(value)  # not ours: the URL resolver tries the next pattern
        return value

    def to_url(self, value: str) -> str:
        return value


def epochs() -> tuple[str, str]:
    """(routing epoch, content epoch), in one cache round trip."""
    found = cache.get_many([EPOCH_KEY, CONTENT_EPOCH_KEY])
    return found.get(EPOCH_KEY, "0"), found.get(CONTENT_EPOCH_KEY, "0")


def site_for_request(request, epoch: str):
    """(Site, its root page's url_path) as Wagtail would find them, or (None, "")."""
    from wagtail.models import Site

    try:
        hostname = split_domain_port(request.get_host())[0]
    except DisallowedHost:
        return None, ""
    key = f"lms:site:{epoch}:{hostname}:{request.get_port()}"
    found = cache.get(key)
    if found is None:
        site = Site.find_for_request(request)
        root = site.root_page.url_path if site is not None else ""
        found = (site, root)
        cache.set(key, found, ROUTE_SECONDS)
    return found


def lesson_for_path(request, path: str):
    """The live lesson at ``path`` on the request's site, ready for Wagtail; or None.

    On success the request carries the site and route for Wagtail's serve view,
    and the lesson carries its view restrictions.
    """
    from .models import LessonPage

    epoch, content_epoch = epochs()
    request._lms_content_epoch = content_epoch
    site, root_url_path = site_for_request(request, epoch)
    if site is None:
        return None
    url_path = f"{root_url_path}{path}"
    key = f"lms:route:{epoch}:{site.pk}:{path}"
    entry = cache.get(key)
    lesson = None
    if entry is None:
        lesson = (
            LessonPage.objects.filter(slug=_last_slug(path), url_path=url_path, live=True)
            .order_by("path")
            .first()
        )
        restrictions = list(lesson.get_view_restrictions()) if lesson else []
        entry = (lesson.pk, restrictions) if lesson else (_NOT_A_LESSON, [])
        cache.set(key, entry, ROUTE_SECONDS)
    lesson_id, restrictions = entry
    if lesson_id == _NOT_A_LESSON:
        return None
    if lesson is None:
        lesson = LessonPage.objects.filter(pk=lesson_id, live=True).first()
    if lesson is None or lesson.url_path != url_path:
        cache.delete(key)  # moved or unpublished since: let Wagtail route it
        return None
    lesson._lms_view_restrictions = restrictions
    # Our own attribute, read by the lesson view; Wagtail's private per-request
    # site cache is left to Wagtail (one indexed query when it needs the site).
    request.lms_site_root = root_url_path
    return lesson


def _last_slug(path: str) -> str:
    return path.rstrip("/").rsplit("/", 1)[-1]
