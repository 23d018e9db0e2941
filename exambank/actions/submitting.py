"""Submitting and grading: the attempt row locked while it is marked, once."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from core.signals import quiz_attempt_finished
from core.usage import record_event

from .. import grading, snapshot, sql
from ..models import Attempt, AttemptSlot, AttemptState, Quiz

RESULT_FIELDS = ["state", "submitted_at", "closed_by_timer", "graded_at", "marks", "score"]


def _grade_slots(attempt: Attempt, slots: list[AttemptSlot] | None = None) -> None:
    """Grade in memory from the versions' cached cards, then one write for all slots."""
    marks = Decimal(0)
    pending = False
    if slots is None:
        slots = list(attempt.slots.all())
    by_id = snapshot.cards(s.version_id for s in slots)
    for slot in slots:
        if slot.graded_by_id is None:  # a teacher's mark stands; the rest regrade alike
            version = by_id[slot.version_id]
            result = grading.grade(version.qtype, version.data, slot.response)
            if result.needs_manual and (slot.response in (None, "")):
                result = grading.Grade(0.0)  # nothing written: nothing to grade by hand
            slot.fraction = result.fraction
            slot.needs_manual = result.needs_manual
        pending = pending or slot.needs_manual
        if slot.fraction is not None:
            marks += Decimal(str(slot.fraction)) * slot.mark
    sql.write_grades(slots)
    attempt.marks = max(Decimal(0), marks).quantize(Decimal("0.001"))
    attempt.state = AttemptState.NEEDS_GRADING if pending else AttemptState.FINISHED


def _finish(attempt: Attempt, now) -> None:
    """Record the result and tell the rest of the site, once, after commit."""
    attempt.graded_at = now
    attempt.score = float(attempt.marks / attempt.max_marks) if attempt.max_marks else 0.0
    quiz = attempt.quiz
    passed = attempt.score >= float(quiz.pass_fraction)
    record_event(
        service="exambank",
        action="attempt",
        obj=quiz,
        user=attempt.user,
        seconds=max(0.0, ((attempt.submitted_at or now) - attempt.started_at).total_seconds()),
        value=attempt.score,
        key=f"exambank:attempt:{attempt.pk}",
    )
    score = attempt.score
    transaction.on_commit(
        lambda: quiz_attempt_finished.send(
            sender=Attempt,
            user=attempt.user,
            quiz=quiz,
            attempt=attempt,
            score=score,
            passed=passed,
        )
    )


SLOT_GRADING_FIELDS = [
    "id", "attempt_id", "position", "version_id", "mark", "response", "sequence",
    "fraction", "needs_manual", "graded_by_id",
]  # fmt: skip


def submit_attempt(
    attempt_id: int,
    final_responses: dict | None = None,
    now=None,
    by_timer: bool = False,
    user_id: int | None = None,
) -> Attempt:
    """Close and grade an attempt. Calling it again returns the graded attempt unchanged.

    ``final_responses`` ({position: response}) is what the page showed when the
    student pressed submit; it is taken only while time remains. The attempt
    row is locked (FOR UPDATE) for the whole grading, so a concurrent submit
    waits and then finds it closed, and a late answer is refused. With
    ``user_id`` an attempt of another student raises Attempt.DoesNotExist.
    """
    now = now or timezone.now()
    with transaction.atomic():
        attempts = Attempt.objects.select_for_update(of=("self",)).select_related("quiz", "user")
        if user_id is not None:
            attempts = attempts.filter(user_id=user_id)
        attempt = attempts.get(pk=attempt_id)
        if attempt.state != AttemptState.IN_PROGRESS:
            return attempt
        hard = attempt.hard_deadline
        in_time = hard is None or now <= hard
        slots = list(attempt.slots.only(*SLOT_GRADING_FIELDS))
        if final_responses and in_time:
            by_position = {s.position: s for s in slots}
            changed = []
            for position, response in final_responses.items():
                slot = by_position.get(int(position))
                if response in (None, "", [], {}) or slot is None or slot.response == response:
                    continue
                slot.response, slot.sequence, slot.saved_at = response, slot.sequence + 1, now
                changed.append(slot)
            AttemptSlot.objects.bulk_update(changed, ["response", "sequence", "saved_at"])
        attempt.submitted_at = now if in_time or hard is None else hard
        attempt.closed_by_timer = by_timer or not in_time
        _grade_slots(attempt, slots)
        if attempt.state == AttemptState.FINISHED:
            _finish(attempt, now)
        attempt.save(update_fields=RESULT_FIELDS)
    return attempt


def grade_by_hand(slot: AttemptSlot, fraction: float, comment: str, teacher) -> Attempt:
    """A teacher's mark for an essay; the attempt finishes when nothing is left to mark."""
    now = timezone.now()
    with transaction.atomic():
        attempt = Attempt.objects.select_for_update(of=("self",)).select_related("quiz", "user")
        attempt = attempt.get(pk=slot.attempt_id)
        slot = AttemptSlot.objects.select_for_update().get(pk=slot.pk)
        slot.fraction = max(0.0, min(1.0, float(fraction)))
        slot.needs_manual = False
        slot.comment = comment
        slot.graded_by = teacher
        slot.save(update_fields=["fraction", "needs_manual", "comment", "graded_by"])
        if attempt.state == AttemptState.IN_PROGRESS:
            return attempt
        was_finished = attempt.state == AttemptState.FINISHED
        _grade_slots(attempt)
        if attempt.state == AttemptState.FINISHED and not was_finished:
            _finish(attempt, now)
        elif was_finished:
            attempt.score = float(attempt.marks / attempt.max_marks) if attempt.max_marks else 0
        attempt.save(update_fields=RESULT_FIELDS)
    return attempt


def overdue_attempt_ids(now=None) -> list[int]:
    now = now or timezone.now()
    ids = []
    for pk, deadline, grace in Attempt.objects.filter(
        state=AttemptState.IN_PROGRESS, deadline__isnull=False, deadline__lt=now
    ).values_list("pk", "deadline", "quiz__grace_seconds"):
        if deadline + timezone.timedelta(seconds=grace) < now:
            ids.append(pk)
    return ids


def close_overdue_attempts(now=None) -> int:
    """Submit every attempt whose time (plus grace) ran out; what was saved counts."""
    now = now or timezone.now()
    closed = 0
    for pk in overdue_attempt_ids(now):
        attempt = submit_attempt(pk, now=now, by_timer=True)
        closed += attempt.closed_by_timer
    return closed


def quiz_grade(quiz: Quiz, user) -> float | None:
    scores = list(
        Attempt.objects.filter(quiz=quiz, user=user, state=AttemptState.FINISHED)
        .order_by("number")
        .values_list("score", flat=True)
    )
    return grading.combine_attempt_scores(quiz.grading_method, scores)
