"""The cached quiz snapshot and the lean attempt path keep every guarantee.

Cards and snapshots are kept only once what they were read from is committed,
so these tests run the commit callbacks (django_capture_on_commit_callbacks)
to fill the caches the way a request outside a transaction does.
"""

import datetime as dt

import pytest
from django.urls import reverse

from core import roles
from core.models import UsageEvent
from exambank import actions, snapshot
from exambank.models import Attempt, AttemptState, Category, Question, QuizSlot
from tests.exambank.helpers import make_quiz, mc_question


@pytest.fixture
def student(make_user, school):
    return make_user("nong", roles.STUDENT, school=school)


def _start(quiz, user, key, capture):
    quiz.refresh_from_db()  # a request reads the quiz row, and with it the revision
    with capture(execute=True):
        return actions.start_attempt(quiz, user, key)


def test_a_new_question_version_reaches_the_next_attempt_not_the_open_one(
    db, student, make_user, school, django_capture_on_commit_callbacks
):
    quiz = make_quiz(2, attempts_allowed=0)
    question = quiz.slots.get(order=0).question
    first = _start(quiz, student, "a", django_capture_on_commit_callbacks)
    cached = snapshot.quiz_snapshot(quiz)
    assert cached is snapshot.quiz_snapshot(quiz)  # from the memo, no query
    revision = quiz.revision

    question.text = "ข้อที่ 1 (แก้ไขแล้ว)"
    actions.save_question(question)  # version 2 becomes the latest ready one
    quiz.refresh_from_db()
    assert quiz.revision > revision
    other = make_user("other", roles.STUDENT, school=school)
    second = _start(quiz, other, "b", django_capture_on_commit_callbacks)
    versions = {s.version.question_id: s.version.number for s in second.slots.all()}
    assert versions[question.pk] == 2
    # The attempt already open keeps the version it was given.
    assert first.slots.get(version__question=question).version.number == 1

    # A draft is not ready: new attempts keep getting version 2.
    question.text, question.status = "ร่าง", "draft"
    actions.save_question(question)
    third = _start(quiz, make_user("third", roles.STUDENT), "c", django_capture_on_commit_callbacks)
    assert third.slots.get(version__question=question).version.number == 2
    question.status = "ready"
    actions.save_question(question)
    fourth = _start(
        quiz, make_user("fourth", roles.STUDENT), "d", django_capture_on_commit_callbacks
    )
    assert fourth.slots.get(version__question=question).version.number == 4


def test_slot_edits_move_the_revision_and_a_loaded_quiz_never_moves_it_back(
    db, student, django_capture_on_commit_callbacks
):
    quiz = make_quiz(1)
    stale = type(quiz).objects.get(pk=quiz.pk)
    extra = mc_question(Category.objects.get(name="ทดสอบ"), "ข้อเพิ่ม")
    QuizSlot.objects.create(quiz=quiz, order=5, question=extra)
    quiz.refresh_from_db()
    bumped = quiz.revision
    assert bumped > stale.revision
    stale.title = "ชื่อใหม่"
    stale.save()  # an admin form holding the quiz from before the slot was added
    quiz.refresh_from_db()
    assert quiz.revision == bumped and quiz.title == "ชื่อใหม่"
    attempt = _start(quiz, student, "k", django_capture_on_commit_callbacks)
    assert attempt.slots.count() == 2
    QuizSlot.objects.filter(question=extra).get().delete()
    quiz.refresh_from_db()
    assert quiz.revision > bumped


def test_a_pinned_version_stays_whatever_the_cache_holds(
    db, student, make_user, django_capture_on_commit_callbacks
):
    quiz = make_quiz(1, attempts_allowed=0)
    slot = quiz.slots.get()
    _start(quiz, student, "a", django_capture_on_commit_callbacks)
    slot.version = slot.question.versions.get(number=1)
    slot.save()
    question = Question.objects.get(pk=slot.question_id)
    question.text = "แก้ไข"
    actions.save_question(question)
    attempt = _start(quiz, make_user("b", roles.STUDENT), "b", django_capture_on_commit_callbacks)
    assert attempt.slots.get().version.number == 1


def test_a_card_is_the_versions_rendered_payload(db, django_capture_on_commit_callbacks):
    category = Category.objects.create(name="หมวด")
    question = mc_question(category, "<p>โจทย์ <b>หนา</b></p>")
    version = question.versions.get()
    with django_capture_on_commit_callbacks(execute=True):
        card = snapshot.card(version.pk)
    assert card.qtype == "multichoice" and card.data == version.data
    assert "<b>หนา</b>" in card.html
    assert snapshot.card(version.pk) is card  # kept once committed


def test_nothing_read_inside_an_uncommitted_transaction_is_kept(db):
    category = Category.objects.create(name="หมวด")
    version = mc_question(category, "ข้อ").versions.get()
    first = snapshot.card(version.pk)
    assert snapshot.card(version.pk) is not first  # the test transaction never commits


def test_start_and_submit_stay_idempotent_on_the_cached_path(
    db, student, client, django_capture_on_commit_callbacks
):
    quiz = make_quiz(3)
    client.force_login(student)
    start = reverse("exambank:start", args=[quiz.pk])
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(start, {"start_key": "same"})
        retried = client.post(start, {"start_key": "same"})
        other_tab = client.post(start, {"start_key": "another"})
    assert first.url == retried.url == other_tab.url
    attempt = Attempt.objects.get()
    submit = reverse("exambank:submit", args=[attempt.pk])
    with django_capture_on_commit_callbacks(execute=True):
        clicks = [client.post(submit, {}) for _ in range(2)]  # a double click
    assert [c.status_code for c in clicks] == [302, 302]
    attempt.refresh_from_db()
    assert attempt.state == AttemptState.FINISHED
    assert UsageEvent.objects.filter(service="exambank", action="attempt").count() == 1
    again = client.post(start, {"start_key": "third"})  # one attempt allowed
    assert Attempt.objects.count() == 1 and again.status_code == 302


def test_only_its_student_submits_an_attempt(db, student, make_user, school, client):
    quiz = make_quiz(1)
    attempt = actions.start_attempt(quiz, student, "mine")
    client.force_login(make_user("other", roles.STUDENT, school=school))
    assert client.post(reverse("exambank:submit", args=[attempt.pk]), {}).status_code == 404
    assert client.post(reverse("exambank:submit", args=[attempt.pk + 99]), {}).status_code == 404
    attempt.refresh_from_db()
    assert attempt.state == AttemptState.IN_PROGRESS


def test_the_save_guard(db, student, client):
    quiz = make_quiz(2, time_limit_seconds=600)
    attempt = actions.start_attempt(quiz, student, "g")
    client.force_login(student)
    url = reverse("exambank:save", args=[attempt.pk])

    def save(position, seq, answer):
        return client.post(url, {"position": position, "seq": seq, f"q{position}": answer})

    assert save(1, 10, "b").json()["saved"] is True
    assert save(1, 9, "c").json()["saved"] is False  # an older autosave arriving late
    assert save(1, 10, "d").json()["saved"] is False  # the same request retried
    assert save(1, 11, "a").json()["saved"] is True
    assert save(3, 1, "a").status_code == 404
    bad = client.post(url, {"position": "x", "seq": 1})
    assert bad.status_code == 400 and "position" in bad.json()["error"]
    assert attempt.slots.get(position=1).response == "a"
    past = attempt.started_at - dt.timedelta(hours=1)
    Attempt.objects.filter(pk=attempt.pk).update(deadline=past)  # time and grace ran out
    late = save(2, 1, "a")
    assert late.status_code == 409 and "time limit" in late.json()["error"]
    assert attempt.slots.get(position=2).response is None


def test_the_take_page_shows_each_questions_saved_answer(db, student, client):
    quiz = make_quiz(2, shuffle_choices=False)
    attempt = actions.start_attempt(quiz, student, "p")
    actions.save_answer(attempt.pk, 2, "c", 1)
    client.force_login(student)
    page = client.get(reverse("exambank:attempt", args=[attempt.pk])).content.decode()
    assert page.count('class="question"') == 2
    assert 'name="q2" value="c" checked' in page and 'name="q1" value="a" checked' not in page
    assert "ข้อที่ 2: 2 + 1 = ?" in page


def test_the_quiz_page_has_the_snapshot_ready_before_the_class_starts(
    db, student, client, django_capture_on_commit_callbacks, django_assert_num_queries
):
    quiz = make_quiz(3)
    client.force_login(student)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.get(reverse("exambank:quiz", args=[quiz.pk])).status_code == 200
    quiz.refresh_from_db()
    with django_assert_num_queries(0):
        slots = snapshot.quiz_snapshot(quiz).slots
        snapshot.cards(version_id for version_id, _ in slots)
    assert len(slots) == 3
