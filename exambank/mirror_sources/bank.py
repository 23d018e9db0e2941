"""Down to mirrors: categories, and questions with every frozen version."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.utils import timezone

from core.models import GradeLevel, Indicator, School, SubjectGroup
from mirror.sources import Record, SyncSource, delete_unless_used, reset_sequences

from ..models import Category, Question, QuestionVersion
from .common import iso, parse_time, school_only
from .quizzes import quiz_scopes

QUESTION_FIELDS = ["qtype", "name", "text", "general_feedback", "data", "status", "difficulty"]
VERSION_FIELDS = ["number", "status", "qtype", "name", "text", "general_feedback", "data"]


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
            yield Record(str(category.pk), payload, scope={"schools": school_only(category)})

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
                    "created_at": iso(question.created_at),
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
                            "created_at": iso(version.created_at),
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
                "schools": school_only(question.category),
            }
            yield Record(str(question.pk), payload, scope=scope)

    def apply(self, key, payload, files, store) -> None:
        question, _ = Question.objects.update_or_create(
            pk=int(key),
            defaults={
                **{f: payload[f] for f in QUESTION_FIELDS},
                "category_id": payload["category"],
                "default_mark": Decimal(payload["default_mark"]),
                "created_at": parse_time(payload["created_at"]) or timezone.now(),
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
                    "created_at": parse_time(version["created_at"]) or timezone.now(),
                },
            )

    def delete(self, key: str) -> None:
        # Attempts taken here keep the versions they showed: then the row stays.
        delete_unless_used(Question.objects.filter(pk=key))
