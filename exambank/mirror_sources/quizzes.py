"""Down to mirrors: quizzes with their slots or blueprint rules, and their scopes."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from core.models import Indicator, School
from mirror.sources import Record, SyncSource, reset_sequences

from ..models import Attempt, BlueprintRule, Question, Quiz, QuizSlot
from .common import iso, parse_time

QUIZ_FIELDS = [
    "title", "intro", "mode", "time_limit_seconds", "grace_seconds", "attempts_allowed",
    "grading_method", "feedback_mode", "review_marks", "review_answers", "review_feedback",
    "shuffle_questions", "shuffle_choices",
]  # fmt: skip


def quiz_scopes() -> dict[int, dict[str, set[str]]]:
    """Question id → the subjects and grades of the quizzes that use it."""
    widened: dict[int, dict[str, set[str]]] = {}
    for quiz in quizzes_with_parts():
        scope = quiz_scope(quiz)
        for question_id in quiz_question_ids(quiz):
            into = widened.setdefault(question_id, {"subjects": set(), "grades": set()})
            into["subjects"].update(scope["subjects"])
            into["grades"].update(scope["grades"])
    return widened


def quizzes_with_parts():
    """Quizzes with what their payload and scope read, prefetched."""
    return Quiz.objects.select_related("school").prefetch_related(
        "slots__question__subject_group",
        "slots__question__grade_level",
        "blueprint__indicator__standard__subject_group",
        "blueprint__indicator__grade_levels",
    )


def quiz_question_ids(quiz: Quiz) -> set[int]:
    """Every question a quiz may show: its slots, or what its blueprint can draw."""
    ids = {slot.question_id for slot in quiz.slots.all()}
    for rule in quiz.blueprint.all():
        ids.update(rule.narrow(Question.objects.all()).values_list("pk", flat=True))
    return ids


def quiz_scope(quiz: Quiz) -> dict[str, list[str]]:
    subjects, grades = set(), set()
    for slot in quiz.slots.all():
        if slot.question.subject_group_id:
            subjects.add(slot.question.subject_group.code)
        if slot.question.grade_level_id:
            grades.add(slot.question.grade_level.code)
    for rule in quiz.blueprint.all():
        if rule.indicator_id:
            subjects.add(rule.indicator.standard.subject_group.code)
            grades.update(grade.code for grade in rule.indicator.grade_levels.all())
    scope = {"subjects": sorted(subjects), "grades": sorted(grades)}
    if quiz.school_id:
        scope["schools"] = [quiz.school.code]
    return scope


class QuizSource(SyncSource):
    name = "exambank.quiz"
    order = 72

    def apply_batch(self, upserts: list[dict], store) -> None:
        super().apply_batch(upserts, store)
        reset_sequences(Quiz, QuizSlot, BlueprintRule)

    def records(self) -> Iterable[Record]:
        for quiz in quizzes_with_parts().order_by("pk"):
            payload: dict[str, Any] = {f: getattr(quiz, f) for f in QUIZ_FIELDS}
            payload.update(
                {
                    "school": quiz.school.code if quiz.school_id else None,
                    "open_at": iso(quiz.open_at),
                    "close_at": iso(quiz.close_at),
                    "pass_fraction": str(quiz.pass_fraction),
                    "slots": [
                        {
                            "id": slot.pk,
                            "order": slot.order,
                            "question": slot.question_id,
                            "version": slot.version_id,
                            "mark": str(slot.mark),
                        }
                        for slot in quiz.slots.all()
                    ],
                    "blueprint": [
                        {
                            "id": rule.pk,
                            "indicator": rule.indicator.code if rule.indicator_id else None,
                            "difficulty": rule.difficulty,
                            "category": rule.category_id,
                            "count": rule.count,
                            "mark": str(rule.mark),
                        }
                        for rule in quiz.blueprint.all()
                    ],
                }
            )
            yield Record(str(quiz.pk), payload, scope=quiz_scope(quiz))

    def apply(self, key, payload, files, store) -> None:
        quiz, _ = Quiz.objects.update_or_create(
            pk=int(key),
            defaults={
                **{f: payload[f] for f in QUIZ_FIELDS},
                "school": School.objects.filter(code=payload["school"]).first(),
                "open_at": parse_time(payload["open_at"]),
                "close_at": parse_time(payload["close_at"]),
                "pass_fraction": Decimal(payload["pass_fraction"]),
            },
        )
        slot_ids = [slot["id"] for slot in payload["slots"]]
        QuizSlot.objects.filter(quiz=quiz).exclude(pk__in=slot_ids).delete()
        for slot in payload["slots"]:
            QuizSlot.objects.update_or_create(
                pk=slot["id"],
                defaults={
                    "quiz": quiz,
                    "order": slot["order"],
                    "question_id": slot["question"],
                    "version_id": slot["version"],
                    "mark": Decimal(slot["mark"]),
                },
            )
        rule_ids = [rule["id"] for rule in payload["blueprint"]]
        BlueprintRule.objects.filter(quiz=quiz).exclude(pk__in=rule_ids).delete()
        for rule in payload["blueprint"]:
            BlueprintRule.objects.update_or_create(
                pk=rule["id"],
                defaults={
                    "quiz": quiz,
                    "indicator": Indicator.objects.filter(code=rule["indicator"]).first(),
                    "difficulty": rule["difficulty"],
                    "category_id": rule["category"],
                    "count": rule["count"],
                    "mark": Decimal(rule["mark"]),
                },
            )

    def delete(self, key: str) -> None:
        # A quiz with attempts taken here stays until they have gone up.
        if not Attempt.objects.filter(quiz_id=key).exists():
            Quiz.objects.filter(pk=key).delete()
