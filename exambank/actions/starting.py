"""Starting an attempt: which questions, in which order, stored in one round trip."""

from __future__ import annotations

import random
from decimal import Decimal

from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone

from core.i18n import bilingual

from .. import snapshot, sql
from ..models import (
    Attempt,
    AttemptSlot,
    AttemptState,
    Question,
    QuestionVersion,
    Quiz,
    QuizMode,
    VersionStatus,
    visible_to_school,
)
from ..selection import BlueprintShortage, Rule, draw_blueprint, shuffled
from ..snapshot import VersionCard
from .questions import latest_ready_versions, version_for_slot
from .refusals import AttemptRefused


def _layout(version: QuestionVersion | VersionCard, rng: random.Random, shuffle: bool) -> dict:
    data = version.data
    if version.qtype == "multichoice":
        ids = [c["id"] for c in data.get("choices", [])]
        return {"choices": shuffled(ids, rng, shuffle and data.get("shuffle", True))}
    if version.qtype == "matching":
        rights = [p["right"] for p in data.get("pairs", [])] + list(data.get("extra_rights", []))
        return {"rights": shuffled(sorted(set(rights)), rng)}
    if version.qtype == "ordering":
        items = list(data.get("items", []))
        order = shuffled(items, rng)
        if len(items) > 1 and order == items:
            order = items[1:] + items[:1]  # never show the answer as the starting order
        return {"items": order}
    if version.qtype == "cloze":
        gaps = {}
        for index, gap in enumerate(data.get("gaps", [])):
            if gap["type"] == "multichoice":
                ids = [c["id"] for c in gap.get("choices", [])]
                gaps[str(index)] = shuffled(ids, rng, shuffle)
        return {"gaps": gaps}
    return {}


def seen_questions(quiz: Quiz, user) -> set[int]:
    return set(
        AttemptSlot.objects.filter(attempt__quiz=quiz, attempt__user=user).values_list(
            "version__question_id", flat=True
        )
    )


def plan_slots(
    quiz: Quiz, user, rng: random.Random, shuffle: bool = True
) -> list[tuple[QuestionVersion, Decimal]]:
    """The versions (and marks) of a new attempt, in the order the student sees them."""
    if quiz.mode == QuizMode.BLUEPRINT:
        rules = list(quiz.blueprint.all())
        pools = []
        for rule in rules:
            questions = rule.narrow(
                Question.objects.filter(
                    visible_to_school(quiz.school_id, "category__"),
                    versions__status=VersionStatus.READY,
                )
            )
            pools.append(
                Rule(tuple(sorted(set(questions.values_list("pk", flat=True)))), rule.count)
            )
        try:
            drawn = draw_blueprint(pools, seen_questions(quiz, user), rng)
        except BlueprintShortage as exc:
            raise AttemptRefused(str(exc)) from exc
        by_id = {q.pk: q for q in Question.objects.filter(pk__in=[q for _, q in drawn])}
        latest = latest_ready_versions(by_id)
        planned = [(latest[q], rules[i].mark) for i, q in drawn]
    else:
        slots = list(quiz.slots.select_related("question", "version"))
        latest = latest_ready_versions(s.question_id for s in slots if not s.version_id)
        planned = [(version_for_slot(s, latest), s.mark) for s in slots]
    return shuffled(planned, rng, shuffle and quiz.shuffle_questions)


def _prior_attempts(quiz: Quiz, user, key: str) -> list[Attempt]:
    """In one query: the student's attempts at this quiz, and any attempt made with this key."""
    return list(Attempt.objects.filter(Q(quiz=quiz) | Q(start_key=key), user=user))


def _already_started(attempts: list[Attempt], quiz: Quiz, key: str) -> Attempt | None:
    by_key = next((a for a in attempts if a.start_key == key), None)
    if by_key is not None:
        return by_key
    return next(
        (a for a in attempts if a.quiz_id == quiz.pk and a.state == AttemptState.IN_PROGRESS),
        None,
    )


def _plan(quiz: Quiz, user, rng: random.Random, shuffle: bool) -> list[tuple[VersionCard, Decimal]]:
    """The new attempt's questions: a fixed quiz from its cached snapshot, a blueprint drawn."""
    if quiz.mode == QuizMode.BLUEPRINT:
        planned = plan_slots(quiz, user, rng, shuffle)
        by_id = snapshot.cards(v.pk for v, _ in planned)
        return [(by_id[v.pk], mark) for v, mark in planned]
    try:
        snap = snapshot.quiz_snapshot(quiz)
    except snapshot.AttemptRefusedNoVersion as exc:
        raise AttemptRefused(str(exc)) from exc
    by_id = snapshot.cards(vid for vid, _ in snap.slots)
    planned = [(by_id[vid], mark) for vid, mark in snap.slots]
    return shuffled(planned, rng, shuffle and quiz.shuffle_questions)


def start_attempt(quiz: Quiz, user, key: str, now=None, on_paper: bool = False) -> Attempt:
    """Start (or return the already started) attempt; safe to call twice with the same key.

    A class starts at once, so this is two round trips when nothing was started
    yet: one query for the student's earlier attempts, then one statement that
    inserts the attempt and its slots (on PostgreSQL; a short transaction
    elsewhere). The questions come from the quiz's cached snapshot and the
    shuffles are made in memory. The database's unique constraints (one open
    attempt per student and quiz, one attempt per start key) settle races.

    ``on_paper`` lays the questions out in the printed order (no shuffles) for a
    paper test's answer sheet, which is graded whenever the teacher uploads it.
    """
    prior = _prior_attempts(quiz, user, key)
    existing = _already_started(prior, quiz, key)
    if existing is not None:
        return existing
    now = now or timezone.now()
    if not on_paper and not quiz.is_open(now):
        raise AttemptRefused(bilingual("this quiz is not open"))
    done = sum(1 for a in prior if a.quiz_id == quiz.pk)
    if not on_paper and quiz.attempts_allowed and done >= quiz.attempts_allowed:
        raise AttemptRefused(bilingual("all %(count)s attempts used", count=quiz.attempts_allowed))
    seed = random.SystemRandom().getrandbits(48)
    rng = random.Random(seed)
    planned = _plan(quiz, user, rng, shuffle=not on_paper)
    deadline = None
    if quiz.time_limit_seconds and not on_paper:
        deadline = now + timezone.timedelta(seconds=quiz.time_limit_seconds)
    if quiz.close_at and not on_paper and (deadline is None or deadline > quiz.close_at):
        deadline = quiz.close_at
    shuffle_choices = quiz.shuffle_choices and not on_paper
    attempt = Attempt(
        quiz=quiz,
        user=user,
        number=done + 1,
        start_key=key,
        seed=seed,
        started_at=now,
        deadline=deadline,
        on_paper=on_paper,
        max_marks=sum((mark for _, mark in planned), Decimal(0)),
    )
    slots = [
        AttemptSlot(
            position=position,
            version_id=card.id,
            mark=mark,
            layout=_layout(card, rng, shuffle_choices),
        )
        for position, (card, mark) in enumerate(planned, start=1)
    ]
    if connection.vendor == "postgresql":
        stored = sql.insert_attempt_postgresql(attempt, slots)
    else:
        stored = _insert_attempt(attempt, slots)
    if stored:
        return attempt
    # A concurrent request with this key (or another tab) won the race.
    existing = _already_started(_prior_attempts(quiz, user, key), quiz, key)
    if existing is None:
        raise AttemptRefused(bilingual("the attempt could not be started, try again"))
    return existing


def _insert_attempt(attempt: Attempt, slots: list[AttemptSlot]) -> bool:
    """The attempt and its slots in one transaction; False when a unique constraint refused it."""
    try:
        with transaction.atomic():
            attempt.save(force_insert=True)
            for slot in slots:
                slot.attempt_id = attempt.pk
            AttemptSlot.objects.bulk_create(slots)
    except IntegrityError:
        return False
    return True
