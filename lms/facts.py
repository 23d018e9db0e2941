"""What the heartbeat needs to know about a lesson, cached.

A heartbeat arrives every 15 s per watching learner; reading the lesson page,
its course and its quizzes each time would be three queries for facts that
change only when an editor publishes. Saving a lesson forgets its entry.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.cache import cache

CACHE_SECONDS = 600
_VERSION = 1


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


def lesson_facts(lesson_id: int) -> LessonFacts | None:
    facts = cache.get(_key(lesson_id))
    if facts is None:
        facts = load_lesson_facts(lesson_id)
        if facts is not None:
            cache.set(_key(lesson_id), facts, CACHE_SECONDS)
    return facts


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
    return f"lms:course-outline:{_VERSION}:{course_id}"


def course_structure(course) -> list[dict]:
    """Live units and lessons of a course in tree order, cached until one changes.

    [{"id", "title", "unlock_rule", "unlock_at", "lessons": [(id, title, url_path)]}]
    """
    structure = cache.get(_course_key(course.pk))
    if structure is None:
        structure = load_course_structure(course)
        cache.set(_course_key(course.pk), structure, CACHE_SECONDS)
    return structure


def load_course_structure(course) -> list[dict]:
    from .models import LessonPage, UnitPage

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
    return list(units.values())


def forget_course(course_id: int | None) -> None:
    if course_id:
        cache.delete(_course_key(course_id))
