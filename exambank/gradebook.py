"""Grades as people read them: a student's own, a class's, and what waits for marking.

Pure reads, no state changes. Scope follows the exam bank's pages: a student
sees their own attempts only; a teacher sees the students of their school (all
of them for an area account with no school).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db.models import QuerySet

from . import grading
from .models import Attempt, AttemptSlot, AttemptState, Quiz
from .views.access import TEACHER_PERM


@dataclass
class QuizGrades:
    """One quiz in a student's "my grades": its grade and every attempt."""

    quiz: Quiz
    grade: float | None
    attempts: list[Attempt] = field(default_factory=list)


def my_grades(user) -> list[QuizGrades]:
    """Every quiz the student attempted, newest first, with its combined grade."""
    by_quiz: dict[int, QuizGrades] = {}
    attempts = (
        Attempt.objects.filter(user=user)
        .exclude(state=AttemptState.IN_PROGRESS)
        .select_related("quiz")
        .order_by("-submitted_at", "-pk")
    )
    for attempt in attempts:
        entry = by_quiz.setdefault(attempt.quiz_id, QuizGrades(attempt.quiz, None))
        entry.attempts.append(attempt)
    for entry in by_quiz.values():
        finished = sorted(
            (a for a in entry.attempts if a.state == AttemptState.FINISHED),
            key=lambda a: a.number,
        )
        entry.grade = grading.combine_attempt_scores(
            entry.quiz.grading_method, [a.score for a in finished]
        )
    return list(by_quiz.values())


def grading_queue_slots(user) -> QuerySet[AttemptSlot]:
    """Answers waiting for this teacher's mark (their school's students)."""
    slots = AttemptSlot.objects.filter(needs_manual=True, attempt__state=AttemptState.NEEDS_GRADING)
    if not user.is_superuser and user.school_id:
        slots = slots.filter(attempt__user__school_id=user.school_id)
    return slots


def grading_queue_count(user) -> int:
    """How many answers wait for marking; 0 for anyone who does not mark."""
    if not user.is_authenticated or not user.has_perm(TEACHER_PERM):
        return 0
    return grading_queue_slots(user).count()


@dataclass
class ClassGradebook:
    """Students × quizzes: each cell the quiz grade (0..1) or None when not attempted."""

    quizzes: list[Quiz]
    rows: list[tuple[object, list[float | None], float]]  # student, grades, seconds spent


def class_gradebook(teacher, quizzes: QuerySet[Quiz]) -> ClassGradebook:
    """The gradebook of the teacher's students over ``quizzes`` (two queries)."""
    quizzes = list(quizzes.order_by("pk"))
    attempts = Attempt.objects.filter(quiz__in=quizzes, state=AttemptState.FINISHED).order_by(
        "number"
    )
    if not teacher.is_superuser and teacher.school_id:
        attempts = attempts.filter(user__school_id=teacher.school_id)
    scores: dict[tuple[int, int], list[float]] = defaultdict(list)
    seconds: dict[int, float] = defaultdict(float)
    for user_id, quiz_id, score, started, submitted in attempts.values_list(
        "user_id", "quiz_id", "score", "started_at", "submitted_at"
    ):
        scores[(user_id, quiz_id)].append(score)
        if submitted and started:
            seconds[user_id] += max(0.0, (submitted - started).total_seconds())
    students = (
        get_user_model().objects.filter(pk__in={uid for uid, _ in scores}).order_by("username")
    )
    rows = []
    for student in students:
        grades = [
            grading.combine_attempt_scores(q.grading_method, scores.get((student.pk, q.pk), []))
            for q in quizzes
        ]
        rows.append((student, grades, seconds[student.pk]))
    return ClassGradebook(quizzes, rows)
