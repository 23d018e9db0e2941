"""What the heartbeat needs to know about a lesson, cached.

A heartbeat arrives every 15 s per watching learner; reading the lesson page,
its course and its quizzes each time would be three queries for facts that
change only when an editor publishes. Saving a lesson forgets its entry.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.cache import cache

CACHE_SECONDS = 600
_VERSION = 2


@dataclass(frozen=True)
class LessonFacts:
    lesson_id: int
    course_id: int
    service: str
    rule: str
    video_percent: int
    tracked_media: tuple[str, ...]
    quizzes_required: tuple[str, ...]


def _key(lesson_id: int) -> str:
    return f"lms:lesson-facts:{_VERSION}:{lesson_id}"


def _load_and_keep(key: str, load: Callable[[], Any]):
    """Load and cache a value; a missing page (None) is not kept, so a lesson
    published a moment later is found at once."""
    facts = load()
    if facts is not None:
        cache.set(key, facts, CACHE_SECONDS)
    return facts


def _cached(key: str, load: Callable[[], Any]):
    """The cached value under ``key``, loaded and kept on a miss."""
    facts = cache.get(key)
    return facts if facts is not None else _load_and_keep(key, load)


def _cached_many(loaders: dict[str, Callable[[], Any]]) -> dict[str, Any]:
    """Several cached values, {key: load}: one cache round trip, then a load per miss."""
    found = cache.get_many(list(loaders))
    return {
        key: found[key] if found.get(key) is not None else _load_and_keep(key, load)
        for key, load in loaders.items()
    }


def lesson_facts(lesson_id: int) -> LessonFacts | None:
    return _cached(_key(lesson_id), lambda: load_lesson_facts(lesson_id))


def load_lesson_facts(lesson_id: int) -> LessonFacts | None:
    from .models import LessonPage, LessonQuiz

    row = (
        LessonPage.objects.filter(pk=lesson_id, course__isnull=False)
        .values("course_id", "course__kind", "completion_rule", "video_percent", "tracked_media")
        .first()
    )
    if row is None:
        return None
    quizzes = LessonQuiz.objects.filter(lesson_id=lesson_id, required=True).values_list(
        "ref", flat=True
    )
    return LessonFacts(
        lesson_id=lesson_id,
        course_id=row["course_id"],
        service=row["course__kind"],
        rule=row["completion_rule"],
        video_percent=row["video_percent"],
        tracked_media=tuple(str(m) for m in row["tracked_media"] or ()),
        quizzes_required=tuple(sorted(quizzes)),
    )


def forget_lesson(lesson_id: int | None) -> None:
    if lesson_id:
        cache.delete(_key(lesson_id))


def _course_key(course_id: int) -> str:
    return f"lms:course-facts:{_VERSION}:{course_id}"


@dataclass(frozen=True)
class CourseFacts:
    """What every learner's view of a course shares: its name, address and outline.

    ``units``: [{"id", "title", "unlock_rule", "unlock_at", "lessons": [(id, title, url_path)]}]
    """

    course_id: int
    title: str
    url_path: str
    kind: str
    units: list = field(default_factory=list)


def course_facts(course_id: int) -> CourseFacts | None:
    """A course's shared facts, cached until one of its pages changes."""
    return _cached(_course_key(course_id), lambda: load_course_facts(course_id))


def course_structure(course) -> list[dict]:
    """Live units and lessons of a course in tree order (see CourseFacts.units)."""
    facts = course_facts(course.pk)
    return facts.units if facts is not None else []


def load_course_facts(course_id: int) -> CourseFacts | None:
    from .models import CoursePage, LessonPage, UnitPage

    course = (
        CoursePage.objects.filter(pk=course_id)
        .only("title", "url_path", "kind", "path", "depth")
        .first()
    )
    if course is None:
        return None
    units: dict[str, dict] = {}
    for pk, title, rule, unlock_at, path in (
        UnitPage.objects.live()
        .filter(path__startswith=course.path, depth=course.depth + 1)
        .order_by("path")
        .values_list("id", "title", "unlock_rule", "unlock_at", "path")
    ):
        units[path] = {
            "id": pk, "title": title, "unlock_rule": rule, "unlock_at": unlock_at, "lessons": []
        }  # fmt: skip
    for pk, title, url_path, path in (
        LessonPage.objects.live()
        .filter(path__startswith=course.path, depth=course.depth + 2)
        .order_by("path")
        .values_list("id", "title", "url_path", "path")
    ):
        unit = units.get(path[: -course.steplen])
        if unit is not None:
            unit["lessons"].append((pk, title, url_path))
    return CourseFacts(
        course_id=course.pk,
        title=course.title,
        url_path=course.url_path,
        kind=course.kind,
        units=list(units.values()),
    )


def many_course_facts(course_ids) -> dict[int, CourseFacts]:
    """Facts of several courses: one cache round trip when warm."""
    loaders = {
        _course_key(pk): (lambda pk=pk: load_course_facts(pk)) for pk in dict.fromkeys(course_ids)
    }
    return {facts.course_id: facts for facts in _cached_many(loaders).values() if facts}


def lesson_and_course_facts(
    lesson_id: int, course_id: int
) -> tuple[LessonFacts | None, CourseFacts | None]:
    """Both at once: one cache round trip when warm (the lesson page needs both)."""
    lesson_key, course_key = _key(lesson_id), _course_key(course_id)
    found = _cached_many(
        {
            lesson_key: lambda: load_lesson_facts(lesson_id),
            course_key: lambda: load_course_facts(course_id),
        }
    )
    return found[lesson_key], found[course_key]


def forget_course(course_id: int | None) -> None:
    if course_id:
        cache.delete(_course_key(course_id))
