"""The exam bank on a school mirror: content down, attempts up.

Down (central → mirror), three sources applied in this order, every row keeping
central's id (attempt slots, lessons and quiz links point at them by id, and an
attempt pushed up must name the same question versions on central):

  exambank.category   question categories, parents first; a school's own
                      unpublished category goes only to that school.
  exambank.question   a question with every version (versions are frozen, so
                      an attempt taken offline names the exact text it showed);
                      scoped by its subject group and grade, widened by the
                      scope of every quiz that uses it, so a quiz never arrives
                      without its questions.
  exambank.quiz       a quiz with its fixed slots or its blueprint rules;
                      scoped by its school and the subjects and grades of the
                      questions it uses.

Up (mirror → central), the ``attempt`` result kind. Rule: **append-only, keyed
by a deterministic id**. A submitted attempt goes up once with its answers; its
id is uuid5(mirror id, the mirror's attempt id), stored on central as the
attempt's ``start_key`` (unique per learner), so a batch sent again is counted
as duplicates and an attempt never changes after it arrives. Only attempts that
are no longer in progress go up, each until central has acknowledged its id
(``SnapshotResultKind``: an attempt submitted after later ones is not skipped).
On central the attempt gets the next free number for that learner and quiz;
its answers name central's question versions, which the mirror kept.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from core.models import GradeLevel, Indicator, School, SubjectGroup
from mirror.results import SnapshotResultKind, register_result_kind
from mirror.sources import Record, SyncSource, register_source
from mirror.sources.base import reset_sequences
from mirror.sources.core import delete_unless_used

from .models import (
    Attempt,
    AttemptSlot,
    AttemptState,
    BlueprintRule,
    Category,
    Question,
    QuestionVersion,
    Quiz,
    QuizSlot,
)

QUESTION_FIELDS = ["qtype", "name", "text", "general_feedback", "data", "status", "difficulty"]
VERSION_FIELDS = ["number", "status", "qtype", "name", "text", "general_feedback", "data"]
QUIZ_FIELDS = [
    "title", "intro", "mode", "time_limit_seconds", "grace_seconds", "attempts_allowed",
    "grading_method", "feedback_mode", "review_marks", "review_answers", "review_feedback",
    "shuffle_questions", "shuffle_choices",
]  # fmt: skip
ATTEMPT_NAMESPACE = uuid.UUID("6f1d1c52-8d0e-4a38-9d55-4b3c2a7e0c11")


def _iso(value) -> str | None:
    return value.isoformat() if value else None


def _time(text: str | None):
    return parse_datetime(text) if text else None


def _school_only(category: Category | None) -> list[str]:
    """A school's own category not published area-wide stays with that school."""
    if category is not None and category.school_id and not category.published:
        return [category.school.code]
    return []


class CategorySource(SyncSource):
    name = "exambank.category"
    order = 70

    def records(self) -> Iterable[Record]:
        categories = {c.pk: c for c in Category.objects.select_related("school")}
        for category in sorted(categories.values(), key=lambda c: c.pk):
            depth, node = 0, category
            while node.parent_id:
                depth, node = depth + 1, categories[node.parent_id]
            payload = {
                "name": category.name,
                "parent": category.parent_id,
                "school": category.school.code if category.school_id else None,
                "published": category.published,
                "depth": depth,
            }
            yield Record(str(category.pk), payload, scope={"schools": _school_only(category)})

    def apply_batch(self, upserts: list[dict], store) -> None:
        for entry in sorted(upserts, key=lambda e: e["payload"]["depth"]):
            self.apply(entry["key"], entry["payload"], entry["files"], store)
        reset_sequences(Category)

    def apply(self, key, payload, files, store) -> None:
        Category.objects.update_or_create(
            pk=int(key),
            defaults={
                "name": payload["name"],
                "parent_id": payload["parent"],
                "school": School.objects.filter(code=payload["school"]).first(),
                "published": payload["published"],
            },
        )

    def delete(self, key: str) -> None:
        delete_unless_used(Category.objects.filter(pk=key))


def quiz_scopes() -> dict[int, dict[str, set[str]]]:
    """Question id → the subjects and grades of the quizzes that use it."""
    widened: dict[int, dict[str, set[str]]] = {}
    for quiz in _quizzes():
        scope = quiz_scope(quiz)
        for question_id in quiz_question_ids(quiz):
            into = widened.setdefault(question_id, {"subjects": set(), "grades": set()})
            into["subjects"].update(scope["subjects"])
            into["grades"].update(scope["grades"])
    return widened


def _quizzes():
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


class QuestionSource(SyncSource):
    name = "exambank.question"
    order = 71

    def apply_batch(self, upserts: list[dict], store) -> None:
        super().apply_batch(upserts, store)
        reset_sequences(Question, QuestionVersion)

    def records(self) -> Iterable[Record]:
        widened = quiz_scopes()
        questions = (
            Question.objects.select_related("category__school", "subject_group", "grade_level")
            .prefetch_related("indicators", "versions")
            .order_by("pk")
        )
        for question in questions:
            payload: dict[str, Any] = {f: getattr(question, f) for f in QUESTION_FIELDS}
            payload.update(
                {
                    "category": question.category_id,
                    "default_mark": str(question.default_mark),
                    "created_at": _iso(question.created_at),
                    "subject_group": question.subject_group.code
                    if question.subject_group_id
                    else None,
                    "grade_level": question.grade_level.code if question.grade_level_id else None,
                    "indicators": sorted(i.code for i in question.indicators.all()),
                    "versions": [
                        {
                            "id": version.pk,
                            **{f: getattr(version, f) for f in VERSION_FIELDS},
                            "default_mark": str(version.default_mark),
                            "created_at": _iso(version.created_at),
                        }
                        for version in sorted(question.versions.all(), key=lambda v: v.number)
                    ],
                }
            )
            subjects = {payload["subject_group"]} - {None}
            grades = {payload["grade_level"]} - {None}
            extra = widened.get(question.pk)
            if extra and subjects:
                subjects |= extra["subjects"]
            if extra and grades:
                grades |= extra["grades"]
            scope = {
                "subjects": sorted(subjects),
                "grades": sorted(grades),
                "schools": _school_only(question.category),
            }
            yield Record(str(question.pk), payload, scope=scope)

    def apply(self, key, payload, files, store) -> None:
        question, _ = Question.objects.update_or_create(
            pk=int(key),
            defaults={
                **{f: payload[f] for f in QUESTION_FIELDS},
                "category_id": payload["category"],
                "default_mark": Decimal(payload["default_mark"]),
                "created_at": _time(payload["created_at"]) or timezone.now(),
                "subject_group": SubjectGroup.objects.filter(code=payload["subject_group"]).first(),
                "grade_level": GradeLevel.objects.filter(code=payload["grade_level"]).first(),
            },
        )
        question.indicators.set(Indicator.objects.filter(code__in=payload["indicators"]))
        for version in payload["versions"]:
            QuestionVersion.objects.update_or_create(
                pk=version["id"],
                defaults={
                    **{f: version[f] for f in VERSION_FIELDS},
                    "question": question,
                    "default_mark": Decimal(version["default_mark"]),
                    "created_at": _time(version["created_at"]) or timezone.now(),
                },
            )

    def delete(self, key: str) -> None:
        # Attempts taken here keep the versions they showed: then the row stays.
        delete_unless_used(Question.objects.filter(pk=key))


class QuizSource(SyncSource):
    name = "exambank.quiz"
    order = 72

    def apply_batch(self, upserts: list[dict], store) -> None:
        super().apply_batch(upserts, store)
        reset_sequences(Quiz, QuizSlot, BlueprintRule)

    def records(self) -> Iterable[Record]:
        for quiz in _quizzes().order_by("pk"):
            payload: dict[str, Any] = {f: getattr(quiz, f) for f in QUIZ_FIELDS}
            payload.update(
                {
                    "school": quiz.school.code if quiz.school_id else None,
                    "open_at": _iso(quiz.open_at),
                    "close_at": _iso(quiz.close_at),
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
                "open_at": _time(payload["open_at"]),
                "close_at": _time(payload["close_at"]),
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


def attempt_uuid(mirror_id: str, attempt_id: int) -> uuid.UUID:
    """The deterministic id of a mirror's attempt: the same attempt, the same id."""
    return uuid.uuid5(ATTEMPT_NAMESPACE, f"{mirror_id}:{attempt_id}")


def central_start_key(attempt_id: uuid.UUID) -> str:
    return f"mirror:{attempt_id.hex}"


class AttemptKind(SnapshotResultKind):
    name = "attempt"
    rule = "append-only; idempotent by a deterministic attempt id"
    append_only = True

    def row_key(self, row: dict[str, Any]) -> str:
        return row["attempt_id"]

    def records(self) -> Iterable[dict[str, Any]]:
        from mirror.conf import mirror_settings

        attempts = (
            Attempt.objects.exclude(state=AttemptState.IN_PROGRESS)
            .select_related("user")
            .prefetch_related("slots")
            .order_by("pk")
        )
        for attempt in attempts.iterator(chunk_size=500):
            yield {
                "attempt_id": str(attempt_uuid(mirror_settings.MIRROR_ID, attempt.pk)),
                "quiz": attempt.quiz_id,
                "username": attempt.user.username,
                "state": attempt.state,
                "seed": attempt.seed,
                "started_at": _iso(attempt.started_at),
                "deadline": _iso(attempt.deadline),
                "submitted_at": _iso(attempt.submitted_at),
                "graded_at": _iso(attempt.graded_at),
                "closed_by_timer": attempt.closed_by_timer,
                "marks": None if attempt.marks is None else str(attempt.marks),
                "max_marks": str(attempt.max_marks),
                "score": attempt.score,
                "on_paper": attempt.on_paper,
                "slots": [
                    {
                        "position": slot.position,
                        "version": slot.version_id,
                        "mark": str(slot.mark),
                        "layout": slot.layout,
                        "response": slot.response,
                        "sequence": slot.sequence,
                        "saved_at": _iso(slot.saved_at),
                        "fraction": slot.fraction,
                        "needs_manual": slot.needs_manual,
                        "comment": slot.comment,
                    }
                    for slot in attempt.slots.all()
                ],
            }

    def validate(self, rows: list[dict[str, Any]]) -> list[str]:
        from core.models import User

        errors: list[str] = []
        usernames = set(
            User.objects.filter(
                username__in={r.get("username") for r in rows if isinstance(r, dict)}
            ).values_list("username", flat=True)
        )
        quizzes = set(
            Quiz.objects.filter(
                pk__in={r.get("quiz") for r in rows if isinstance(r, dict)}
            ).values_list("pk", flat=True)
        )
        versions = set(
            QuestionVersion.objects.filter(
                pk__in={
                    slot.get("version")
                    for row in rows
                    if isinstance(row, dict)
                    for slot in row.get("slots") or []
                    if isinstance(slot, dict)
                }
            ).values_list("pk", flat=True)
        )
        for index, row in enumerate(rows, start=1):
            where_th, where_en = f"แถวที่ {index}", f"row {index}"
            if not isinstance(row, dict):
                errors.append(f"{where_th}: ไม่ใช่ออบเจกต์ / {where_en}: not an object")
                continue
            try:
                uuid.UUID(str(row.get("attempt_id")))
            except ValueError:
                errors.append(f"{where_th}: attempt_id ไม่ใช่ UUID / {where_en}: bad attempt_id")
            if row.get("username") not in usernames:
                errors.append(
                    f"{where_th}: ไม่รู้จักผู้ใช้ {row.get('username')!r} / "
                    f"{where_en}: unknown user {row.get('username')!r}"
                )
            if row.get("quiz") not in quizzes:
                errors.append(
                    f"{where_th}: ไม่รู้จักแบบทดสอบ {row.get('quiz')!r} / "
                    f"{where_en}: unknown quiz {row.get('quiz')!r}"
                )
            if row.get("state") not in {AttemptState.FINISHED, AttemptState.NEEDS_GRADING}:
                errors.append(
                    f"{where_th}: สถานะ {row.get('state')!r} ส่งขึ้นไม่ได้ / "
                    f"{where_en}: state {row.get('state')!r} cannot go up"
                )
            for slot in row.get("slots") or []:
                if not isinstance(slot, dict) or slot.get("version") not in versions:
                    errors.append(
                        f"{where_th}: ไม่รู้จักฉบับของข้อสอบในคำตอบ / "
                        f"{where_en}: an answer names an unknown question version"
                    )
                    break
        return errors

    def accept(self, rows: list[dict[str, Any]], mirror) -> dict[str, Any]:
        from core.models import User

        errors = self.validate(rows)
        if errors:
            return {"accepted": 0, "duplicates": 0, "errors": errors}
        users = dict(
            User.objects.filter(username__in={r["username"] for r in rows}).values_list(
                "username", "pk"
            )
        )
        accepted = 0
        with transaction.atomic():
            for row in rows:
                user_id = users[row["username"]]
                key = central_start_key(uuid.UUID(str(row["attempt_id"])))
                if Attempt.objects.filter(user_id=user_id, start_key=key).exists():
                    continue
                accepted += 1
                self._store(row, user_id, key)
        return {"accepted": accepted, "duplicates": len(rows) - accepted}

    def _store(self, row: dict[str, Any], user_id: int, key: str) -> None:
        numbers = Attempt.objects.filter(quiz_id=row["quiz"], user_id=user_id)
        last = numbers.order_by("-number").values_list("number", flat=True).first() or 0
        attempt = Attempt.objects.create(
            quiz_id=row["quiz"],
            user_id=user_id,
            number=last + 1,
            state=row["state"],
            start_key=key,
            seed=int(row.get("seed") or 0),
            started_at=_time(row["started_at"]) or timezone.now(),
            deadline=_time(row.get("deadline")),
            submitted_at=_time(row.get("submitted_at")),
            graded_at=_time(row.get("graded_at")),
            closed_by_timer=bool(row.get("closed_by_timer")),
            marks=None if row.get("marks") is None else Decimal(row["marks"]),
            max_marks=Decimal(row.get("max_marks") or 0),
            score=row.get("score"),
            on_paper=bool(row.get("on_paper")),
        )
        AttemptSlot.objects.bulk_create(
            AttemptSlot(
                attempt=attempt,
                position=slot["position"],
                version_id=slot["version"],
                mark=Decimal(slot["mark"]),
                layout=slot.get("layout") or {},
                response=slot.get("response"),
                sequence=int(slot.get("sequence") or 0),
                saved_at=_time(slot.get("saved_at")),
                fraction=slot.get("fraction"),
                needs_manual=bool(slot.get("needs_manual")),
                comment=slot.get("comment") or "",
            )
            for slot in row["slots"]
        )


for _source in (CategorySource(), QuestionSource(), QuizSource()):
    register_source(_source)
register_result_kind(AttemptKind())
