"""Every state change of the exam bank goes through one of these functions.

Start and submit are idempotent by construction: the database refuses a second
in-progress attempt and a reused start key, submit locks the attempt row and
does nothing to an attempt that is no longer in progress, and an answer is
stored only when its client sequence number is newer than the stored one. So a
double click, a retried POST or a reloaded page never makes two attempts and
never loses or rewinds an answer.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple

from django.db import IntegrityError, connection, transaction
from django.db.models import Max, Q
from django.utils import timezone

from core.signals import quiz_attempt_finished
from core.usage import record_event

from . import grading, snapshot
from .models import (
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
from .selection import BlueprintShortage, Rule, draw_blueprint, shuffled
from .snapshot import VersionCard

VERSIONED_FIELDS = ["status", "qtype", "name", "text", "general_feedback", "data", "default_mark"]


class AttemptRefused(Exception):
    """The quiz cannot be started or the answer cannot be taken; message is Thai / English."""


# --- Questions ------------------------------------------------------------------


def snapshot_version(question: Question, user=None) -> QuestionVersion:
    """Freeze the question's current state as a new version (unless nothing changed)."""
    latest = question.versions.order_by("-number").first()
    state = {f: getattr(question, f) for f in VERSIONED_FIELDS}
    if latest is not None and all(
        str(getattr(latest, f)) == str(state[f]) if f != "data" else latest.data == state[f]
        for f in VERSIONED_FIELDS
    ):
        return latest
    for _ in range(3):
        number = (question.versions.aggregate(n=Max("number"))["n"] or 0) + 1
        try:
            with transaction.atomic():
                return QuestionVersion.objects.create(
                    question=question, number=number, created_by=user, **state
                )
        except IntegrityError:
            continue  # someone saved the same question at the same moment
    raise RuntimeError("could not number a new question version")


def save_question(question: Question, user=None) -> QuestionVersion:
    with transaction.atomic():
        question.save()
        return snapshot_version(question, user)


def set_version_status(version: QuestionVersion, status: str, user=None) -> QuestionVersion:
    """Hide or release a question: a new version, so old attempts keep theirs."""
    question = version.question
    question.status = status
    return save_question(question, user)


def latest_ready_versions(question_ids) -> dict[int, QuestionVersion]:
    """The newest ready version of each question, in one query (a class starts at once)."""
    latest: dict[int, QuestionVersion] = {}
    versions = QuestionVersion.objects.filter(
        question_id__in=list(question_ids), status=VersionStatus.READY
    ).order_by("question_id", "-number")
    for version in versions:
        latest.setdefault(version.question_id, version)
    return latest


def version_for_slot(slot, latest: dict[int, QuestionVersion] | None = None) -> QuestionVersion:
    if slot.version_id:
        return slot.version
    if latest is None:
        latest = latest_ready_versions([slot.question_id])
    version = latest.get(slot.question_id)
    if version is None:
        raise AttemptRefused(
            f"ข้อสอบ {slot.question} ยังไม่มีฉบับที่พร้อมใช้ / question {slot.question} has no ready version"
        )
    return version


# --- Attempts -------------------------------------------------------------------


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
        raise AttemptRefused("แบบทดสอบนี้ยังไม่เปิดหรือปิดแล้ว / this quiz is not open")
    done = sum(1 for a in prior if a.quiz_id == quiz.pk)
    if not on_paper and quiz.attempts_allowed and done >= quiz.attempts_allowed:
        raise AttemptRefused(
            f"ทำครบ {quiz.attempts_allowed} ครั้งแล้ว / all {quiz.attempts_allowed} attempts used"
        )
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
        stored = _insert_attempt_postgresql(attempt, slots)
    else:
        stored = _insert_attempt(attempt, slots)
    if stored:
        return attempt
    # A concurrent request with this key (or another tab) won the race.
    existing = _already_started(_prior_attempts(quiz, user, key), quiz, key)
    if existing is None:
        raise AttemptRefused(
            "เริ่มทำแบบทดสอบไม่ได้ ลองอีกครั้ง / the attempt could not be started, try again"
        )
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


def _insert_attempt_postgresql(attempt: Attempt, slots: list[AttemptSlot]) -> bool:
    """The attempt and its slots in one statement, one round trip, no transaction block.

    ON CONFLICT DO NOTHING covers every unique constraint of the attempt (its
    start key, its number, one open attempt per student and quiz): a racing
    duplicate inserts nothing, slots included, and the caller returns the
    winner. Both INSERTs are one statement, so they commit or fail together.
    """
    a, s = Attempt._meta.db_table, AttemptSlot._meta.db_table
    sql = (
        f"WITH new AS (INSERT INTO {a} (quiz_id, user_id, number, state, start_key, seed,"
        " started_at, deadline, closed_by_timer, max_marks, on_paper)"
        " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, false, %s, %s)"
        " ON CONFLICT DO NOTHING RETURNING id),"
        f" slots AS (INSERT INTO {s} (attempt_id, position, version_id, mark, layout,"
        " sequence, needs_manual, comment)"
        " SELECT new.id, p, v, m, l, 0, false, '' FROM new,"
        " jsonb_to_recordset(%s::jsonb) AS t(p integer, v bigint, m numeric, l jsonb))"
        " SELECT id FROM new"
    )
    params = [
        attempt.quiz_id,
        attempt.user_id,
        attempt.number,
        attempt.state,
        attempt.start_key,
        attempt.seed,
        attempt.started_at,
        attempt.deadline,
        attempt.max_marks,
        attempt.on_paper,
        # The slots travel as one JSON document: quoting one string is far
        # cheaper than quoting four arrays element by element.
        json.dumps(
            [{"p": s.position, "v": s.version_id, "m": str(s.mark), "l": s.layout} for s in slots],
            ensure_ascii=False,
        ),
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if row is None:
        return False
    attempt.pk = row[0]
    attempt._state.adding = False
    attempt._state.db = connection.alias
    return True


def _check_open(attempt: Attempt, now) -> None:
    if attempt.state != AttemptState.IN_PROGRESS:
        raise AttemptRefused("ส่งคำตอบชุดนี้แล้ว / this attempt was already submitted")
    hard = attempt.hard_deadline
    if hard is not None and now > hard:
        raise AttemptRefused("หมดเวลาทำแบบทดสอบแล้ว / the time limit has passed")


@dataclass(frozen=True)
class Saved:
    """Truthy when the answer was stored (falsy: a newer answer was already there)."""

    stored: bool

    def __bool__(self) -> bool:
        return self.stored


def _save_sql(with_user: bool) -> str:
    """One UPDATE that stores the answer only while the attempt is open and the sequence newer.

    On PostgreSQL the attempt row is share-locked (FOR KEY SHARE) for the
    statement: a submit holds FOR UPDATE on it while grading, so an answer
    either lands before the submit reads the slots or waits and is refused
    (the lock re-checks the state after the submit commits). Saves of the
    same or other attempts never wait on each other. SQLite runs one writer
    at a time, so the statement alone is atomic there.
    """
    slot_table = AttemptSlot._meta.db_table
    attempt_table = Attempt._meta.db_table
    lock = " FOR KEY SHARE" if connection.vendor == "postgresql" else ""
    user = " AND user_id = %s" if with_user else ""
    return (
        f"UPDATE {slot_table} SET response = %s, sequence = %s, saved_at = %s"
        f" WHERE attempt_id = %s AND position = %s AND sequence < %s AND attempt_id IN ("
        f"SELECT id FROM {attempt_table} WHERE id = %s{user} AND state = %s"
        f" AND (deadline IS NULL OR deadline >= %s){lock})"
    )


class SlotForAnswer(NamedTuple):
    version_id: int
    layout: dict
    grace: int
    feedback_mode: str


def slot_for_answer(attempt_id: int, position: int, user_id: int) -> SlotForAnswer | None:
    """What parsing one posted answer needs, for this student's attempt only (None if not).

    Hand-written because it runs for every answer of a whole class: the ORM
    would compile the same two-join query each time for a tenth of a request.
    """
    s, a, q = AttemptSlot._meta.db_table, Attempt._meta.db_table, Quiz._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT s.version_id, s.layout, q.grace_seconds, q.feedback_mode FROM {s} s"
            f" JOIN {a} a ON a.id = s.attempt_id JOIN {q} q ON q.id = a.quiz_id"
            " WHERE s.attempt_id = %s AND s.position = %s AND a.user_id = %s",
            [attempt_id, position, user_id],
        )
        row = cursor.fetchone()
    if row is None:
        return None
    version_id, layout, grace, mode = row
    if isinstance(layout, str):  # SQLite hands JSON back as text
        layout = json.loads(layout)
    return SlotForAnswer(version_id, layout or {}, grace, mode)


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

    The common case is a single statement (see ``_save_sql``); only when it
    changes nothing do we look at why: not this student's attempt
    (Attempt.DoesNotExist), closed or out of time, no such question
    (AttemptRefused), or an older sequence (falsy result).
    """
    now = now or timezone.now()
    if grace_seconds is None:
        grace_seconds = _grace_seconds(attempt_id)
    ops = connection.ops
    response_field = AttemptSlot._meta.get_field("response")
    params = [
        response_field.get_db_prep_save(response, connection),
        sequence,
        ops.adapt_datetimefield_value(now),
        attempt_id,
        position,
        sequence,
        attempt_id,
        *([user_id] if user_id is not None else []),
        AttemptState.IN_PROGRESS.value,
        ops.adapt_datetimefield_value(now - timezone.timedelta(seconds=grace_seconds)),
    ]
    with connection.cursor() as cursor:
        cursor.execute(_save_sql(user_id is not None), params)
        updated = cursor.rowcount
    if updated:
        return Saved(True)
    attempts = Attempt.objects.select_related("quiz")
    if user_id is not None:
        attempts = attempts.filter(user_id=user_id)
    attempt = attempts.get(pk=attempt_id)  # DoesNotExist: not this student's attempt
    _check_open(attempt, now)
    if not attempt.slots.filter(position=position).exists():
        raise AttemptRefused(f"ไม่มีข้อที่ {position} / there is no question {position}")
    return Saved(False)


RESULT_FIELDS = ["state", "submitted_at", "closed_by_timer", "graded_at", "marks", "score"]


def _write_grades(slots) -> None:
    """Store every slot's fraction and manual flag in one UPDATE ... FROM (VALUES ...).

    Django's bulk_update builds a CASE per field and row, which costs more to
    compile than the grading itself; this statement works on PostgreSQL and
    SQLite alike (both name the VALUES columns column1, column2, ...).
    """
    if not slots:
        return
    table = AttemptSlot._meta.db_table
    first = "(%s, CAST(%s AS double precision), CAST(%s AS boolean))"
    rows = ", ".join([first] + ["(%s, %s, %s)"] * (len(slots) - 1))
    params = []
    for slot in slots:
        params += [slot.pk, slot.fraction, slot.needs_manual]
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET fraction = v.column2, needs_manual = v.column3"
            f" FROM (VALUES {rows}) AS v WHERE {table}.id = v.column1",
            params,
        )


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
    _write_grades(slots)
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
