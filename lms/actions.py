"""Every change of learning state goes through these functions.

Views, signal handlers and tasks call them; nothing else saves enrolments or
progress. Each records usage through core.usage.record_event.

Why this module is long: it is the one door to learning state (enrolment,
progress, completion, certificates), and keeping every write in one place is
what lets the rest of lms only read.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone

from core.usage import record_event

from .completion import (
    LessonState,
    Rule,
    covered_seconds,
    credit_watch,
    lesson_complete,
    normalise_ranges,
    watch_budget,
    watched_fraction,
)
from .facts import LessonFacts, lesson_facts
from .models import (
    Certificate,
    CourseClass,
    CoursePage,
    Enrolment,
    EnrolmentEvent,
    LessonPage,
    LessonProgress,
    LessonQuiz,
)

# Watch time reaches UsageEvent in chunks of at least this many seconds, so most
# heartbeats stay a single-row write.
USAGE_FLUSH_SECONDS = 60.0
MAX_MEDIA_SECONDS = 24 * 3600.0


def _commit_without_waiting_for_disk() -> None:
    """In the current transaction, let PostgreSQL's COMMIT return before the WAL flush.

    Only for writes the next request repairs if a database crash loses them (a
    fraction of a second's worth, never a half-written row): a heartbeat
    carries every range the player has played so far, and opening a lesson is
    counted again the next time. It spares a disk flush on the two most
    frequent writes of the site.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit TO OFF")


class EnrolmentRefused(Exception):
    """Raised with a Thai-then-English message the learner can read."""


# --- enrolment ----------------------------------------------------------------------


@transaction.atomic
def enrol(
    user, course: CoursePage, *, source: str = Enrolment.Source.SELF, by=None, now=None
) -> Enrolment:
    """Enrol (or re-enrol, keeping earlier progress). Idempotent for active enrolments."""
    now = now or timezone.now()
    enrolment, created = Enrolment.objects.select_for_update().get_or_create(
        user=user,
        course=course,
        defaults={"source": source, "enrolled_at": now, "enrolled_by": by},
    )
    if not created and enrolment.is_active:
        return enrolment
    if not created:
        enrolment.status = Enrolment.Status.ACTIVE
        enrolment.source = source
        enrolment.enrolled_at = now
        enrolment.enrolled_by = by
        enrolment.unenrolled_at = None
        enrolment.save()
    EnrolmentEvent.objects.create(
        enrolment=enrolment, action="enrol", source=source, time=now, by=by
    )
    record_event(service=course.kind, action="enrol", obj=course, user=user, time=now)
    return enrolment


def self_enrol(user, course: CoursePage, key: str | None = None) -> Enrolment:
    from .access import self_enrol_refusal

    refusal = self_enrol_refusal(user, course, key)
    if refusal:
        raise EnrolmentRefused(refusal)
    source = Enrolment.Source.KEY if course.enrolment_key else Enrolment.Source.SELF
    return enrol(user, course, source=source)


@transaction.atomic
def unenrol(enrolment: Enrolment, *, by=None, now=None) -> Enrolment:
    """Leave a course. The row, its history and the lesson progress all stay."""
    now = now or timezone.now()
    if not enrolment.is_active:
        return enrolment
    enrolment.status = Enrolment.Status.UNENROLLED
    enrolment.unenrolled_at = now
    enrolment.save(update_fields=["status", "unenrolled_at"])
    EnrolmentEvent.objects.create(enrolment=enrolment, action="unenrol", time=now, by=by)
    return enrolment


def class_students(school, grade_level, classroom: str = ""):
    from core import roles
    from core.models import User

    students = User.objects.filter(
        school=school,
        grade_level=grade_level,
        is_active=True,
        groups__name=roles.ROLE_GROUP_NAMES[roles.STUDENT],
    )
    if classroom:
        students = students.filter(classroom=classroom)
    return students


@transaction.atomic
def enrol_class(course: CoursePage, *, school, grade_level, classroom: str = "", by=None) -> int:
    """A teacher enrols a whole class; returns how many students were enrolled now."""
    CourseClass.objects.get_or_create(
        course=course,
        school=school,
        grade_level=grade_level,
        classroom=classroom,
        defaults={"teacher": by},
    )
    already = set(
        Enrolment.objects.filter(course=course, status=Enrolment.Status.ACTIVE).values_list(
            "user_id", flat=True
        )
    )
    count = 0
    for student in class_students(school, grade_level, classroom):
        if student.pk not in already:
            enrol(student, course, source=Enrolment.Source.CLASS, by=by)
            count += 1
    return count


def active_enrolment(user, course_id: int) -> Enrolment | None:
    if not user.is_authenticated:
        return None
    return Enrolment.objects.filter(
        user=user, course_id=course_id, status=Enrolment.Status.ACTIVE
    ).first()


# --- progress ------------------------------------------------------------------------


def open_lesson(
    user,
    lesson: LessonPage,
    enrolment: Enrolment,
    now=None,
    *,
    progress: LessonProgress | None = None,
    facts: LessonFacts | None = None,
) -> LessonProgress:
    """A learner opened a lesson: count the view, move the resume point.

    ``progress`` is the learner's row for this lesson when the caller has
    already read it (None: read or create it here); ``facts`` likewise. The
    writes share one transaction, so one commit.
    """
    now = now or timezone.now()
    facts = facts or lesson_facts(lesson.pk)
    with transaction.atomic():
        _commit_without_waiting_for_disk()
        if progress is None:
            progress, created = LessonProgress.objects.get_or_create(
                user=user,
                lesson=lesson,
                defaults={
                    "course_id": enrolment.course_id,
                    "first_viewed_at": now,
                    "last_seen_at": now,
                },
            )
        else:
            created = False
        if not created:
            LessonProgress.objects.filter(pk=progress.pk).update(last_seen_at=now)
            progress.last_seen_at = now
        Enrolment.objects.filter(pk=enrolment.pk).update(last_lesson=lesson, last_activity_at=now)
        record_event(
            service=facts.service if facts else "elearning",
            action="view",
            obj=lesson,
            user=user,
            time=now,
        )
        if facts:
            _save(progress, facts, user, now, fields=[])
    return progress


@dataclass(frozen=True)
class HeartbeatResult:
    watched_seconds: float
    gained_seconds: float
    fraction: float
    complete: bool


def record_heartbeat(
    user,
    lesson_id: int,
    media_id: str,
    ranges: list,
    position: float = 0.0,
    duration: float | None = None,
    now: dt.datetime | None = None,
) -> HeartbeatResult | None:
    """Merge a player's report of the ranges it played into the learner's progress.

    The cost is one locked read and one UPDATE of a single row (plus, once a
    minute of new footage, one usage event). Returns None when the lesson was
    never opened by this learner, which is what gives access: opening checks it.
    """
    now = now or timezone.now()
    facts = lesson_facts(lesson_id)
    media_key = str(media_id)
    if facts is None or (facts.tracked_media and media_key not in facts.tracked_media):
        return None
    with transaction.atomic():
        _commit_without_waiting_for_disk()
        progress = (
            LessonProgress.objects.select_for_update()
            .filter(user=user, lesson_id=lesson_id)
            .first()
        )
        if progress is None:
            return None
        length = progress.durations.get(media_key) or _media_length(media_key, duration)
        if length:
            progress.durations[media_key] = length
        elapsed = (now - progress.last_seen_at).total_seconds()
        merged, gained = credit_watch(
            progress.watched.get(media_key, []), ranges, length, watch_budget(elapsed)
        )
        progress.watched[media_key] = [list(r) for r in merged]
        progress.watched_seconds += gained
        progress.unreported_seconds += gained
        progress.position = max(0.0, min(float(position or 0), length or MAX_MEDIA_SECONDS))
        progress.position_media = media_key
        progress.last_seen_at = now
        fields = ["durations", "watched", "watched_seconds", "position", "position_media"]
        fields += ["last_seen_at", "unreported_seconds"]
        if progress.unreported_seconds >= USAGE_FLUSH_SECONDS:
            _flush_watch_usage(progress, facts, user, now)
        complete = _save(progress, facts, user, now, fields)
    return HeartbeatResult(
        watched_seconds=round(progress.watched_seconds, 1),
        gained_seconds=round(gained, 1),
        fraction=round(_fraction(progress, facts), 4),
        complete=complete,
    )


def _media_length(media_key: str, reported: float | None) -> float:
    """The media's own duration if the library knows it, else the player's."""
    from wagtailmedia import get_media_model

    try:
        known = (
            get_media_model()
            .objects.filter(pk=int(media_key))
            .values_list("duration", flat=True)
            .first()
        )
    except (TypeError, ValueError):
        known = None
    if known and known > 0:
        return float(known)
    try:
        value = float(reported or 0)
    except (TypeError, ValueError):
        return 0.0
    return value if 0 < value <= MAX_MEDIA_SECONDS else 0.0


def _flush_watch_usage(progress: LessonProgress, facts: LessonFacts, user, now) -> None:
    seconds = round(progress.unreported_seconds, 1)
    record_event(
        service=facts.service,
        action="watch",
        obj=LessonPage(pk=progress.lesson_id),
        user=user,
        seconds=seconds,
        time=now,
        # Same progress and same running total: a retried request adds nothing.
        key=f"lms-watch:{progress.pk}:{round(progress.watched_seconds, 1)}",
    )
    progress.unreported_seconds = 0.0


def _watched_by_media(progress: LessonProgress) -> dict[str, float]:
    seen = {key: covered_seconds(normalise_ranges(r)) for key, r in progress.watched.items()}
    for key, seconds in progress.reported.items():
        seen[key] = max(seen.get(key, 0.0), float(seconds))
    return seen


def _fraction(progress: LessonProgress, facts: LessonFacts) -> float:
    return watched_fraction(_watched_by_media(progress), progress.durations, facts.tracked_media)


def _save(progress: LessonProgress, facts: LessonFacts, user, now, fields: list[str]) -> bool:
    """Save ``fields`` and complete the lesson if its rule is now met (one UPDATE)."""
    if progress.is_complete or not _evaluate(progress, facts, user, now, save_fields=fields):
        if fields:
            progress.save(update_fields=fields)
    return progress.is_complete


def _evaluate(
    progress: LessonProgress, facts: LessonFacts, user, now, save_fields: list[str]
) -> bool:
    """Complete the lesson if its rule is met; saves ``save_fields`` with it."""
    state = LessonState(
        viewed=True,
        watched_fraction=_fraction(progress, facts) if facts.rule == Rule.VIDEO else 0.0,
        quizzes_passed=frozenset(progress.quizzes_passed),
        marked_done=progress.marked_done,
    )
    done = lesson_complete(
        facts.rule,
        state,
        video_percent=facts.video_percent,
        quizzes_required=facts.quizzes_required,
    )
    if not done:
        return False
    progress.completed_at = now
    progress.save(update_fields=[*save_fields, "completed_at"])
    record_event(
        service=facts.service,
        action="complete",
        obj=LessonPage(pk=progress.lesson_id),
        user=user,
        time=now,
        key=f"lms-lesson-complete:{progress.pk}",
    )
    # Rare (once per lesson and learner), so the course total is updated at once.
    refresh_enrolment(progress.user_id, progress.course_id)
    return True


@transaction.atomic
def mark_done(user, lesson: LessonPage, now=None) -> LessonProgress | None:
    """The learner says they finished (counts for lessons whose rule is "marked done")."""
    now = now or timezone.now()
    progress = LessonProgress.objects.select_for_update().filter(user=user, lesson=lesson).first()
    facts = lesson_facts(lesson.pk)
    if progress is None or facts is None:
        return None
    progress.marked_done = True
    progress.last_seen_at = now
    fields = ["marked_done", "last_seen_at"]
    _save(progress, facts, user, now, fields)
    return progress


def record_quiz_result(user, ref: str, score: float | None, passed: bool, now=None) -> int:
    """A graded attempt at a quiz: update every lesson holding it. Idempotent.

    Returns how many lessons' progress changed.
    """
    now = now or timezone.now()
    changed = 0
    lesson_ids = list(LessonQuiz.objects.filter(ref=ref).values_list("lesson_id", flat=True))
    for lesson_id in lesson_ids:
        facts = lesson_facts(lesson_id)
        if facts is None or active_enrolment(user, facts.course_id) is None:
            continue
        with transaction.atomic():
            progress, _ = LessonProgress.objects.select_for_update().get_or_create(
                user=user,
                lesson_id=lesson_id,
                defaults={
                    "course_id": facts.course_id,
                    "first_viewed_at": now,
                    "last_seen_at": now,
                },
            )
            best = progress.quiz_scores.get(ref)
            if score is not None and (best is None or score > best):
                progress.quiz_scores[ref] = round(float(score), 4)
            if passed and ref not in progress.quizzes_passed:
                progress.quizzes_passed = sorted({*progress.quizzes_passed, ref})
            fields = ["quiz_scores", "quizzes_passed"]
            _save(progress, facts, user, now, fields)
            changed += 1
    return changed


def record_external_watch(user, media_id, seconds_watched: float, duration: float | None) -> int:
    """Watch time counted by another player (the media center's) for a media item.

    Credits every unfinished lesson of this learner that plays the item.
    """
    media_key = str(media_id)
    now = timezone.now()
    changed = 0
    candidates = LessonProgress.objects.filter(user=user, completed_at__isnull=True).values_list(
        "pk", "lesson__tracked_media"
    )
    ids = [pk for pk, tracked in candidates if media_key in {str(m) for m in tracked or ()}]
    for pk in ids:
        with transaction.atomic():
            progress = LessonProgress.objects.select_for_update().get(pk=pk)
            facts = lesson_facts(progress.lesson_id)
            if facts is None:
                continue
            length = progress.durations.get(media_key) or _media_length(media_key, duration)
            if length:
                progress.durations[media_key] = length
            before = progress.reported.get(media_key, 0.0)
            progress.reported[media_key] = max(float(before), float(seconds_watched or 0))
            fields = ["durations", "reported"]
            _save(progress, facts, user, now, fields)
            changed += 1
    return changed


# --- course totals and certificates --------------------------------------------------


def refresh_enrolment(user_id: int, course_id: int) -> Enrolment | None:
    """Recount a learner's completed lessons in a course; complete the course if due."""
    from .completion import course_percent

    now = timezone.now()
    course = CoursePage.objects.filter(pk=course_id).first()
    enrolment = Enrolment.objects.filter(user_id=user_id, course_id=course_id).first()
    if course is None or enrolment is None:
        return enrolment
    live = LessonPage.objects.live().filter(course_id=course_id)
    total = live.count()
    done = LessonProgress.objects.filter(
        user_id=user_id,
        course_id=course_id,
        completed_at__isnull=False,
        lesson__in=live.values("pk"),
    ).count()
    enrolment.completed_lessons = done
    enrolment.progress_percent = course_percent(done, total)
    fields = ["completed_lessons", "progress_percent"]
    newly_complete = (
        enrolment.completed_at is None
        and total > 0
        and done * 100 >= course.completion_percent * total
    )
    if newly_complete:
        enrolment.completed_at = now
        fields.append("completed_at")
    enrolment.save(update_fields=fields)
    if newly_complete:
        EnrolmentEvent.objects.create(enrolment=enrolment, action="complete", time=now)
        record_event(
            service=course.kind,
            action="complete",
            obj=course,
            user=enrolment.user,
            value=enrolment.progress_percent,
            time=now,
            key=f"lms-course-complete:{enrolment.pk}",
        )
        if course.issues_certificate:
            issue_certificate(enrolment.user, course)
    return enrolment


CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud by phone


def new_certificate_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(10))


def issue_certificate(user, course: CoursePage, now=None) -> Certificate:
    """Issue the course's certificate once; later calls return the same one."""
    existing = Certificate.objects.filter(user=user, course=course).first()
    if existing:
        return existing
    certificate = Certificate.objects.create(
        code=new_certificate_code(),
        user=user,
        course=course,
        holder_name=user.get_full_name() or user.username,
        course_title=course.title,
        hours=course.hours,
        issued_at=now or timezone.now(),
    )
    record_event(
        service=course.kind,
        action="certificate",
        obj=course,
        user=user,
        value=float(course.hours),
        key=f"lms-certificate:{certificate.code}",
    )
    return certificate


__all__ = [
    "EnrolmentRefused",
    "enrol",
    "enrol_class",
    "issue_certificate",
    "mark_done",
    "open_lesson",
    "record_external_watch",
    "record_heartbeat",
    "record_quiz_result",
    "refresh_enrolment",
    "self_enrol",
    "unenrol",
]
