"""Attempt lifecycle on PostgreSQL: racing starts, retried submits, a real worker."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection

from core import roles
from exambank import actions
from exambank.models import Attempt, AttemptState, ItemAnalysis
from tests.conftest import ensure_base_data
from tests.exambank.helpers import make_quiz
from tests.integration.conftest import wait_until

pytestmark = pytest.mark.django_db(transaction=True)


def _in_threads(n: int, work):
    barrier = threading.Barrier(n)

    def run(i):
        barrier.wait(timeout=30)
        try:
            return work(i)
        finally:
            connection.close()

    with ThreadPoolExecutor(n) as pool:
        return [f.result(timeout=60) for f in [pool.submit(run, i) for i in range(n)]]


def test_racing_starts_make_one_attempt(make_user):
    ensure_base_data()
    quiz = make_quiz(5, attempts_allowed=3)
    student = make_user("race", roles.STUDENT)
    # The same request retried eight times at once, then eight tabs with their own keys.
    same_key = _in_threads(8, lambda i: actions.start_attempt(quiz, student, "one-key").pk)
    other_keys = _in_threads(8, lambda i: actions.start_attempt(quiz, student, f"tab-{i}").pk)
    assert len(set(same_key) | set(other_keys)) == 1
    assert Attempt.objects.filter(quiz=quiz, user=student).count() == 1
    assert Attempt.objects.get().slots.count() == 5


def test_racing_submits_and_saves_lose_nothing(make_user):
    ensure_base_data()
    quiz = make_quiz(6)
    student = make_user("double", roles.STUDENT)
    attempt = actions.start_attempt(quiz, student, "k")

    # Answers and autosaves of the same questions arrive out of order.
    def save(i):
        position = i % 6 + 1
        return actions.save_answer(attempt.pk, position, f"v{i}", i)

    _in_threads(12, save)
    stored = dict(attempt.slots.values_list("position", "response"))
    assert stored == {p: f"v{p + 5}" for p in range(1, 7)}  # the newest sequence won each
    results = _in_threads(6, lambda i: actions.submit_attempt(attempt.pk).state)
    assert set(results) == {AttemptState.FINISHED}
    attempt.refresh_from_db()
    assert attempt.state == AttemptState.FINISHED and attempt.submitted_at is not None
    from core.models import UsageEvent

    assert UsageEvent.objects.filter(service="exambank", object_id=str(quiz.pk)).count() == 1


def test_item_analysis_in_the_worker(make_user, celery_worker_process):
    from exambank.tasks import compute_item_analysis_task

    ensure_base_data()
    quiz = make_quiz(2)
    for n in range(4):
        user = make_user(f"w{n}", roles.STUDENT)
        attempt = actions.start_attempt(quiz, user, f"w{n}")
        for slot in attempt.slots.all():
            right = next(c["id"] for c in slot.version.data["choices"] if c["fraction"] == 1)
            actions.save_answer(attempt.pk, slot.position, right if n < 2 else "d", 1)
        actions.submit_attempt(attempt.pk)
    compute_item_analysis_task.delay(quiz.pk)
    analysis = wait_until(
        lambda: ItemAnalysis.objects.filter(quiz=quiz).first(),
        timeout=60,
        what="the worker to compute the item analysis",
    )
    assert analysis.attempts_used == 4
    assert [round(i["p"], 2) for i in analysis.result["items"]] == [0.5, 0.5]
    assert analysis.result["reliability"]["kr20"] == pytest.approx(1.0)


def test_overdue_attempts_closed_by_the_beat_task(make_user, celery_worker_process):
    import datetime as dt

    from django.utils import timezone

    from exambank.tasks import close_overdue_attempts_task

    ensure_base_data()
    quiz = make_quiz(1, time_limit_seconds=60, grace_seconds=0)
    attempt = actions.start_attempt(
        quiz, make_user("late", roles.STUDENT), "late", now=timezone.now() - dt.timedelta(minutes=5)
    )
    close_overdue_attempts_task.delay()
    wait_until(
        lambda: Attempt.objects.get(pk=attempt.pk).state == AttemptState.FINISHED,
        timeout=60,
        what="the overdue attempt to be closed",
    )
    assert Attempt.objects.get(pk=attempt.pk).closed_by_timer


def test_page_sequence_numbers_fit_on_postgresql(make_user, client):
    """The page numbers its saves with Date.now() (milliseconds): more than 32 bits."""
    ensure_base_data()
    quiz = make_quiz(1)
    student = make_user("ms", roles.STUDENT)
    attempt = actions.start_attempt(quiz, student, "ms")
    client.force_login(student)
    url = f"/exams/attempt/{attempt.pk}/save/"
    first = client.post(url, {"position": 1, "seq": 1_790_000_000_001, "q1": "a"})
    assert first.status_code == 200 and first.json()["saved"] is True
    older = client.post(url, {"position": 1, "seq": 1_790_000_000_000, "q1": "b"})
    assert older.json()["saved"] is False
    assert attempt.slots.get().response == "a"


def test_answers_racing_a_submit_are_graded_or_refused(make_user):
    """An answer lands before the submit grades, or is refused: never stored ungraded."""
    ensure_base_data()
    quiz = make_quiz(8)
    for round_ in range(3):
        student = make_user(f"racer{round_}", roles.STUDENT)
        attempt = actions.start_attempt(quiz, student, f"r{round_}")
        right = {
            s.position: next(c["id"] for c in s.version.data["choices"] if c["fraction"] == 1)
            for s in attempt.slots.select_related("version")
        }

        def work(i, attempt=attempt, student=student, right=right):
            if i == 8:
                return actions.submit_attempt(attempt.pk).state
            try:
                saved = actions.save_answer(attempt.pk, i + 1, right[i + 1], 5, user_id=student.pk)
                return bool(saved)
            except actions.AttemptRefused:
                return "refused"

        outcomes = _in_threads(9, work)
        attempt.refresh_from_db()
        assert outcomes[8] == AttemptState.FINISHED == attempt.state
        for slot in attempt.slots.all():
            outcome = outcomes[slot.position - 1]
            assert outcome in (True, "refused")
            if outcome is True:
                assert slot.response == right[slot.position] and slot.fraction == 1.0
            else:
                assert slot.response is None and slot.fraction == 0.0
        assert float(attempt.marks) == sum(1 for o in outcomes[:8] if o is True)


def test_a_question_edit_reaches_other_processes_through_the_revision(make_user):
    """The snapshot sits in Redis for every worker; the quiz row's revision retires it."""
    from django.conf import settings
    from django.core.cache import cache

    from exambank import snapshot

    ensure_base_data()
    assert settings.CACHES["default"]["BACKEND"].endswith("RedisCache")
    quiz = make_quiz(1, attempts_allowed=0)
    quiz.refresh_from_db()
    first = actions.start_attempt(quiz, make_user("p1", roles.STUDENT), "p1")
    snapshot.drop_memo()  # what follows is read from Redis, as another worker would
    kept = cache.get(snapshot.SNAPSHOT_KEY.format(snapshot._namespace(), quiz.pk, quiz.revision))
    assert kept is not None and len(kept.slots) == 1
    question = quiz.slots.get().question
    question.text = "แก้ไขแล้ว"
    actions.save_question(question)
    quiz.refresh_from_db()
    second = actions.start_attempt(quiz, make_user("p2", roles.STUDENT), "p2")
    assert first.slots.get().version.number == 1
    assert second.slots.get().version.number == 2
