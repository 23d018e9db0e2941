"""A lesson body rendered once and reused by every learner who opens it.

Rendering a StreamField costs a query per media, document or image block (the
chooser resolves its item) plus the templates; the result is the same for every
learner. Blocks are rendered once per (lesson, language, tracked or not) and the
HTML kept in the cache. Quiz blocks stay live: their embed shows the learner's
own attempts, so they are rendered on each request by the page template.

An entry is dropped when the lesson is saved or published (lms.facts
forget_lesson), and the key holds the content epoch, which moves when a media
item, document or image changes (a video that finishes encoding must stop
saying "still being prepared"), and the page's live revision.

Media URLs in the HTML are signed and expire (MEDIA_CENTER URL_TTL_SECONDS);
an entry lives at most a quarter of that, so a page served from the cache
still carries links valid for most of their time.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.utils.safestring import SafeString
from django.utils.translation import get_language

from .routing import CONTENT_EPOCH_KEY

BODY_SECONDS = 3600
_VERSION = 1
# Blocks whose output depends on who is looking.
LIVE_BLOCKS = frozenset({"quiz"})


@dataclass(frozen=True)
class BodyPart:
    """Either ready HTML, or a block the template renders for this request."""

    html: SafeString | None = None
    block: Any = None


def _key(lesson_id: int, revision_id, language: str, tracking: bool, epoch: str) -> str:
    flag = "t" if tracking else "n"
    return f"lms:lesson-body:{_VERSION}:{lesson_id}:{revision_id or 0}:{language}:{flag}:{epoch}"


def body_parts(lesson, request, *, tracking: bool) -> list[BodyPart]:
    """The lesson body as parts; ``tracking``: the learner's watch time is recorded."""
    epoch = getattr(request, "_lms_content_epoch", None)
    if epoch is None:
        epoch = cache.get(CONTENT_EPOCH_KEY, "0")
    key = _key(lesson.pk, lesson.live_revision_id, get_language() or "", tracking, epoch)
    cached = cache.get(key)
    if cached is None:
        context = {"page": lesson, "request": request, "progress": tracking or None}
        cached = [
            None if child.block_type in LIVE_BLOCKS else str(child.render_as_block(context))
            for child in lesson.body
        ]
        cache.set(key, cached, body_seconds())
    parts = []
    for index, html in enumerate(cached):
        if html is None:
            parts.append(BodyPart(block=lesson.body[index]))
        else:
            parts.append(BodyPart(html=SafeString(html)))
    return parts


def body_seconds() -> int:
    """How long a rendered body is kept: an hour, or a quarter of the media URLs' life."""
    ttl = getattr(settings, "MEDIA_CENTER", {}).get("URL_TTL_SECONDS")
    return max(1, min(BODY_SECONDS, int(ttl) // 4)) if ttl else BODY_SECONDS


def forget_body(lesson_id: int, revision_id=None) -> None:
    """Drop the cached renders of a lesson (every language, tracked or not)."""
    epoch = cache.get(CONTENT_EPOCH_KEY, "0")
    languages = [code for code, _name in settings.LANGUAGES]
    keys = [
        _key(lesson_id, revision, language, tracking, epoch)
        for revision in {revision_id, None}
        for language in languages
        for tracking in (True, False)
    ]
    cache.delete_many(keys)
