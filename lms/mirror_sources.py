"""Learner progress going up from a school mirror: the ``progress`` result kind.

Rule: **one record per (learner, lesson), merged by maximum, never going
backwards.** A learner may study the same lesson on the mirror and on central
(or on two mirrors); each side's row is a state in a lattice, and central keeps
the join of every state it has been sent (``merge_progress``):

  first_viewed_at       the earliest
  last_seen_at          the latest
  watched               per media item, the union of the seen ranges
  durations, reported   per media item, the larger figure
  watched_seconds       the larger
  position(+_media)     from whichever side was seen last
  marked_done           true once either side says so
  quiz_scores           per quiz, the best score
  quizzes_passed        the union
  completed_at          the earliest completion; a completed lesson stays complete

The join is commutative, associative and idempotent, so the order in which
mirrors report and any repeat of a batch make no difference, and no field ever
moves back. Learners travel by username, lessons and courses by their pages'
``translation_key`` (the identity a page has on every site); media and quiz
references inside the row are central's ids, which mirrors keep.

A row goes up whenever its state differs from the one central last
acknowledged (``mirror.results.SnapshotResultKind``), whichever field changed.
On central, progress for a course the learner is not enrolled in enrols them
(they studied it on the mirror), and a completion recounts the enrolment.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from core.i18n import bilingual
from mirror.results import SnapshotResultKind, register_result_kind

from .completion import normalise_ranges

TIME_FIELDS = ("first_viewed_at", "last_seen_at", "completed_at")


def _earliest(a, b):
    return b if a is None else a if b is None else min(a, b)


def _latest(a, b):
    return b if a is None else a if b is None else max(a, b)


def _max_per_key(a: dict, b: dict) -> dict:
    merged = dict(a or {})
    for key, value in (b or {}).items():
        if value is not None and (merged.get(key) is None or float(value) > float(merged[key])):
            merged[key] = value
    return merged


def merge_progress(current: dict[str, Any], incoming: dict[str, Any]) -> dict[str, Any]:
    """The join of two progress states (times as datetimes, see the module rule)."""
    merged = dict(current)
    merged["first_viewed_at"] = _earliest(
        current.get("first_viewed_at"), incoming.get("first_viewed_at")
    )
    merged["last_seen_at"] = _latest(current.get("last_seen_at"), incoming.get("last_seen_at"))
    merged["completed_at"] = _earliest(current.get("completed_at"), incoming.get("completed_at"))
    watched = {}
    for media in sorted({*(current.get("watched") or {}), *(incoming.get("watched") or {})}):
        ranges = [
            *(current.get("watched") or {}).get(media, []),
            *(incoming.get("watched") or {}).get(media, []),
        ]
        watched[media] = [list(pair) for pair in normalise_ranges(ranges)]
    merged["watched"] = watched
    merged["durations"] = _max_per_key(current.get("durations"), incoming.get("durations"))
    merged["reported"] = _max_per_key(current.get("reported"), incoming.get("reported"))
    merged["quiz_scores"] = _max_per_key(current.get("quiz_scores"), incoming.get("quiz_scores"))
    merged["quizzes_passed"] = sorted(
        {*(current.get("quizzes_passed") or []), *(incoming.get("quizzes_passed") or [])}
    )
    merged["watched_seconds"] = max(
        float(current.get("watched_seconds") or 0), float(incoming.get("watched_seconds") or 0)
    )
    merged["marked_done"] = bool(current.get("marked_done")) or bool(incoming.get("marked_done"))
    later = incoming
    if current.get("last_seen_at") and incoming.get("last_seen_at"):
        later = incoming if incoming["last_seen_at"] > current["last_seen_at"] else current
    elif not incoming.get("last_seen_at"):
        later = current
    merged["position"] = float(later.get("position") or 0)
    merged["position_media"] = later.get("position_media") or ""
    return merged


STATE_FIELDS = [
    "first_viewed_at", "last_seen_at", "watched", "durations", "reported", "watched_seconds",
    "position", "position_media", "marked_done", "quiz_scores", "quizzes_passed", "completed_at",
]  # fmt: skip


def progress_state(progress) -> dict[str, Any]:
    return {name: getattr(progress, name) for name in STATE_FIELDS}


class ProgressKind(SnapshotResultKind):
    name = "progress"
    rule = "one row per learner and lesson; merged by maximum, never backwards"

    def row_key(self, row: dict[str, Any]) -> str:
        return f"{row['username']}|{row['lesson']}"

    def records(self) -> Iterable[dict[str, Any]]:
        from .models import LessonProgress

        rows = LessonProgress.objects.select_related("user", "lesson", "course").order_by("pk")
        for progress in rows.iterator(chunk_size=1000):
            state = progress_state(progress)
            for name in TIME_FIELDS:
                state[name] = state[name].isoformat() if state[name] else None
            yield {
                "username": progress.user.username,
                "lesson": str(progress.lesson.translation_key),
                "course": str(progress.course.translation_key),
                **state,
            }

    def validate(self, rows: list[dict[str, Any]], lessons: dict, users: dict) -> list[str]:
        errors = []
        for index, row in enumerate(rows, start=1):
            if not isinstance(row, dict):
                errors.append(bilingual("row %(row)s: not an object", row=index))
                continue
            if row.get("username") not in users:
                errors.append(
                    bilingual(
                        "row %(row)s: unknown user %(user)r", row=index, user=row.get("username")
                    )
                )
            if row.get("lesson") not in lessons:
                errors.append(
                    bilingual(
                        "row %(row)s: unknown lesson %(lesson)r",
                        row=index,
                        lesson=row.get("lesson"),
                    )
                )
            for name in TIME_FIELDS:
                if row.get(name) and not _parse(row[name]):
                    errors.append(
                        bilingual("row %(row)s: bad time in %(field)s", row=index, field=name)
                    )
            if not row.get("last_seen_at") or not row.get("first_viewed_at"):
                errors.append(
                    bilingual("row %(row)s: first_viewed_at or last_seen_at missing", row=index)
                )
        return errors

    def accept(self, rows: list[dict[str, Any]], mirror) -> dict[str, Any]:
        from core.models import User

        from .models import LessonPage

        keys = {row.get("lesson") for row in rows if isinstance(row, dict)}
        lessons = {
            str(lesson.translation_key): lesson
            for lesson in LessonPage.objects.filter(translation_key__in=keys)
        }
        users = dict(
            User.objects.filter(
                username__in={row.get("username") for row in rows if isinstance(row, dict)}
            ).values_list("username", "pk")
        )
        errors = self.validate(rows, lessons, users)
        if errors:
            return {"accepted": 0, "duplicates": 0, "errors": errors}
        changed, touched = 0, set()
        with transaction.atomic():
            for row in rows:
                lesson = lessons[row["lesson"]]
                if self._merge(users[row["username"]], lesson, row):
                    changed += 1
                    touched.add((users[row["username"]], lesson.course_id))
        from .actions import refresh_enrolment

        for user_id, course_id in touched:
            if course_id:
                refresh_enrolment(user_id, course_id)
        return {"accepted": changed, "duplicates": len(rows) - changed}

    def _merge(self, user_id: int, lesson, row: dict[str, Any]) -> bool:
        """Merge one row into central's; True when central's state changed."""
        from .models import Enrolment, LessonProgress

        incoming = {name: row.get(name) for name in STATE_FIELDS}
        for name in TIME_FIELDS:
            incoming[name] = _parse(incoming[name])
        course_id = lesson.course_id
        if course_id:
            Enrolment.objects.get_or_create(
                user_id=user_id,
                course_id=course_id,
                defaults={"enrolled_at": incoming["first_viewed_at"] or timezone.now()},
            )
        progress = (
            LessonProgress.objects.select_for_update()
            .filter(user_id=user_id, lesson=lesson)
            .first()
        )
        if progress is None:
            progress = LessonProgress(
                user_id=user_id,
                lesson=lesson,
                course_id=course_id,
                first_viewed_at=incoming["first_viewed_at"],
                last_seen_at=incoming["last_seen_at"],
            )
            current: dict[str, Any] = {}
        else:
            current = progress_state(progress)
        merged = merge_progress(current, incoming)
        if progress.pk and merged == current:
            return False
        for name, value in merged.items():
            setattr(progress, name, value)
        progress.save()
        return True


def _parse(text):
    if not text:
        return None
    try:
        return parse_datetime(str(text))
    except ValueError:
        return None


register_result_kind(ProgressKind())
