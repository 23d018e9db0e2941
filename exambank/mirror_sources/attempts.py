"""Up from mirrors: submitted attempts, append-only, keyed by a deterministic id."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from core.i18n import bilingual
from mirror.results import SnapshotResultKind

from ..models import Attempt, AttemptSlot, AttemptState, QuestionVersion, Quiz
from .common import iso, parse_time

ATTEMPT_NAMESPACE = uuid.UUID("6f1d1c52-8d0e-4a38-9d55-4b3c2a7e0c11")


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
                "started_at": iso(attempt.started_at),
                "deadline": iso(attempt.deadline),
                "submitted_at": iso(attempt.submitted_at),
                "graded_at": iso(attempt.graded_at),
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
                        "saved_at": iso(slot.saved_at),
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
            if not isinstance(row, dict):
                errors.append(bilingual("row %(row)s: not an object", row=index))
                continue
            try:
                uuid.UUID(str(row.get("attempt_id")))
            except ValueError:
                errors.append(bilingual("row %(row)s: bad attempt_id", row=index))
            if row.get("username") not in usernames:
                errors.append(
                    bilingual(
                        "row %(row)s: unknown user %(user)r", row=index, user=row.get("username")
                    )
                )
            if row.get("quiz") not in quizzes:
                errors.append(
                    bilingual("row %(row)s: unknown quiz %(quiz)r", row=index, quiz=row.get("quiz"))
                )
            if row.get("state") not in {AttemptState.FINISHED, AttemptState.NEEDS_GRADING}:
                errors.append(
                    bilingual(
                        "row %(row)s: state %(state)r cannot go up",
                        row=index,
                        state=row.get("state"),
                    )
                )
            for slot in row.get("slots") or []:
                if not isinstance(slot, dict) or slot.get("version") not in versions:
                    errors.append(
                        bilingual(
                            "row %(row)s: an answer names an unknown question version", row=index
                        )
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
            started_at=parse_time(row["started_at"]) or timezone.now(),
            deadline=parse_time(row.get("deadline")),
            submitted_at=parse_time(row.get("submitted_at")),
            graded_at=parse_time(row.get("graded_at")),
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
                saved_at=parse_time(slot.get("saved_at")),
                fraction=slot.get("fraction"),
                needs_manual=bool(slot.get("needs_manual")),
                comment=slot.get("comment") or "",
            )
            for slot in row["slots"]
        )
