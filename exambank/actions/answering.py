"""Taking answers: one UPDATE per answer, applied only when newer (exambank.sql)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from django.utils import timezone

from core.i18n import bilingual

from .. import sql
from ..models import Attempt, AttemptState, Quiz
from .refusals import AttemptRefused


def check_open(attempt: Attempt, now) -> None:
    """Refuse an answer to a submitted attempt or one out of time."""
    if attempt.state != AttemptState.IN_PROGRESS:
        raise AttemptRefused(bilingual("this attempt was already submitted"))
    hard = attempt.hard_deadline
    if hard is not None and now > hard:
        raise AttemptRefused(bilingual("the time limit has passed"))


@dataclass(frozen=True)
class Saved:
    """Truthy when the answer was stored (falsy: a newer answer was already there)."""

    stored: bool

    def __bool__(self) -> bool:
        return self.stored


class SlotForAnswer(NamedTuple):
    version_id: int
    layout: dict
    grace: int
    feedback_mode: str


def slot_for_answer(attempt_id: int, position: int, user_id: int) -> SlotForAnswer | None:
    """What parsing one posted answer needs, for this student's attempt only (None if not)."""
    row = sql.slot_for_answer_row(attempt_id, position, user_id)
    return None if row is None else SlotForAnswer(*row)


def _grace_seconds(attempt_id: int) -> int:
    grace = Quiz.objects.filter(attempts=attempt_id).values_list("grace_seconds", flat=True)
    return grace.first() or 0


def save_answer(
    attempt_id: int,
    position: int,
    response,
    sequence: int,
    now=None,
    user_id: int | None = None,
    grace_seconds: int | None = None,
) -> Saved:
    """Store one answer if ``sequence`` is newer than the stored one (falsy if it was older).

    The common case is a single statement (see ``exambank.sql.store_answer``); only when it
    changes nothing do we look at why: not this student's attempt
    (Attempt.DoesNotExist), closed or out of time, no such question
    (AttemptRefused), or an older sequence (falsy result).
    """
    now = now or timezone.now()
    if grace_seconds is None:
        grace_seconds = _grace_seconds(attempt_id)
    open_since = now - timezone.timedelta(seconds=grace_seconds)
    if sql.store_answer(attempt_id, position, response, sequence, now, open_since, user_id):
        return Saved(True)
    attempts = Attempt.objects.select_related("quiz")
    if user_id is not None:
        attempts = attempts.filter(user_id=user_id)
    attempt = attempts.get(pk=attempt_id)  # DoesNotExist: not this student's attempt
    check_open(attempt, now)
    if not attempt.slots.filter(position=position).exists():
        raise AttemptRefused(bilingual("there is no question %(position)s", position=position))
    return Saved(False)
