"""Who may enrol, and what a learner may open: rules first, queries at the edges."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass, field

from django.utils import timezone

from core import roles
from core.i18n import bilingual

from .completion import Unlock, course_percent, unit_unlocked


def enrol_refusal(
    *,
    authenticated: bool,
    enrol_open: bool,
    key_required: str,
    key_given: str | None,
    cohort_school_ids: Collection[int],
    user_school_id: int | None,
    is_teacher: bool,
    course_for_teachers: bool,
) -> str | None:
    """Why a person may not enrol themselves, or None when they may.

    Messages are Thai first, then English, as shown to the learner.
    """
    if not authenticated:
        return bilingual("Please log in to enrol.")
    if course_for_teachers and not is_teacher:
        return bilingual("This course is for teachers.")
    if not enrol_open:
        return bilingual("Your teacher enrols you in this course.")
    if cohort_school_ids and user_school_id not in cohort_school_ids:
        return bilingual("This course is open only to some schools.")
    if key_required and (key_given or "").strip() != key_required:
        return bilingual("The enrolment key is wrong.")
    return None


def is_teacher(user) -> bool:
    return bool(
        user.is_authenticated
        and (
            user.is_superuser
            or any(
                roles.user_has_role(user, role)
                for role in (roles.TEACHER, roles.SCHOOL_ADMIN, roles.AREA_ADMIN)
            )
        )
    )


def self_enrol_refusal(user, course, key: str | None = None) -> str | None:
    from .models import CourseKind

    return enrol_refusal(
        authenticated=user.is_authenticated,
        enrol_open=course.enrol_open,
        key_required=course.enrolment_key,
        key_given=key,
        cohort_school_ids=set(course.cohort_schools.values_list("pk", flat=True)),
        user_school_id=getattr(user, "school_id", None),
        is_teacher=is_teacher(user),
        course_for_teachers=course.kind == CourseKind.TRAINING,
    )


def can_preview(user, page) -> bool:
    """Editors and approvers see every lesson without enrolling (nothing is tracked)."""
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return page.permissions_for_user(user).can_edit() or roles.user_has_role(user, roles.AREA_ADMIN)


# --- the course outline ---------------------------------------------------------


@dataclass
class LessonEntry:
    id: int
    title: str
    url: str
    unit_id: int
    complete: bool = False
    started: bool = False
    locked: bool = False


@dataclass
class UnitEntry:
    id: int
    title: str
    unlock_rule: str
    unlock_at: dt.datetime | None
    lessons: list[LessonEntry] = field(default_factory=list)
    locked: bool = False

    @property
    def complete(self) -> bool:
        return all(lesson.complete for lesson in self.lessons)


@dataclass
class Outline:
    units: list[UnitEntry]

    @property
    def lessons(self) -> list[LessonEntry]:
        return [lesson for unit in self.units for lesson in unit.lessons]

    @property
    def completed(self) -> int:
        return sum(1 for lesson in self.lessons if lesson.complete)

    @property
    def percent(self) -> int:
        return course_percent(self.completed, len(self.lessons))

    def lesson(self, lesson_id: int) -> LessonEntry | None:
        return next((lesson for lesson in self.lessons if lesson.id == lesson_id), None)

    def next_lesson(self) -> LessonEntry | None:
        """The first open lesson not yet complete: "what to do next"."""
        return next((le for le in self.lessons if not le.complete and not le.locked), None)


def apply_unlocks(units: list[UnitEntry], now: dt.datetime) -> None:
    """Mark units (and their lessons) locked by their rules, in course order."""
    all_before_complete = True
    for unit in units:
        unit.locked = not unit_unlocked(
            unit.unlock_rule,
            previous_units_complete=all_before_complete,
            unlock_at=unit.unlock_at,
            now=now,
        )
        for lesson in unit.lessons:
            lesson.locked = unit.locked
        all_before_complete = all_before_complete and unit.complete


def course_outline(course, user, root_url_path: str | None = None) -> Outline:
    """Units and live lessons of a course in tree order, with the user's state.

    One query for the user's progress; the structure comes from the cache.
    """
    from .facts import course_structure
    from .models import LessonProgress

    root_url_path = root_url_path if root_url_path is not None else site_root_path()
    state: dict[int, object] = {}
    if user.is_authenticated:
        state = dict(
            LessonProgress.objects.filter(user=user, course=course).values_list(
                "lesson_id", "completed_at"
            )
        )
    return build_outline(course_structure(course), state, root_url_path, timezone.now())


def build_outline(
    structure: list[dict], state: dict[int, object], root_url_path: str, now: dt.datetime
) -> Outline:
    """An outline from a course's cached structure and {lesson id: completed_at}."""
    units = []
    for row in structure:
        unit = UnitEntry(
            id=row["id"],
            title=row["title"],
            unlock_rule=row["unlock_rule"],
            unlock_at=row["unlock_at"],
        )
        for lesson_id, title, url_path in row["lessons"]:
            unit.lessons.append(
                LessonEntry(
                    id=lesson_id,
                    title=title,
                    url=page_url(url_path, root_url_path),
                    unit_id=unit.id,
                    complete=state.get(lesson_id) is not None,
                    started=lesson_id in state,
                )
            )
        units.append(unit)
    apply_unlocks(units, now)
    return Outline(units=units)


def site_root_path() -> str:
    """The url_path of the site root, from Wagtail's cached list (no query when warm)."""
    from wagtail.models import Site

    paths = Site.get_site_root_paths()
    return paths[0].root_path if paths else "/"


def page_url(url_path: str, root_url_path: str) -> str:
    """A page's URL on the default site from its url_path, without loading the page."""
    if root_url_path and url_path.startswith(root_url_path):
        return "/" + url_path[len(root_url_path) :]
    return url_path


__all__ = ["Unlock", "course_outline", "enrol_refusal", "self_enrol_refusal"]
