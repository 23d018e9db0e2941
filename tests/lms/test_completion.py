"""Completion and unlock rules: pure functions, no database."""

import datetime as dt

import pytest

from lms.completion import (
    GRACE_SECONDS,
    LessonState,
    Rule,
    Unlock,
    course_percent,
    covered_seconds,
    credit_watch,
    lesson_complete,
    normalise_ranges,
    subtract,
    unit_unlocked,
    watch_budget,
    watched_fraction,
)


def test_ranges_merge_sort_and_clamp_to_the_duration():
    assert normalise_ranges([[30, 40], [0, 10], [9.8, 20], [50, 70]], duration=60) == [
        (0.0, 20.0),
        (30.0, 40.0),
        (50.0, 60.0),
    ]


def test_nonsense_pairs_are_dropped():
    assert normalise_ranges([[5, 5], [10, 2], [float("nan"), 3], [1], [-4, 2]]) == [(0.0, 2.0)]


def test_seeking_back_and_rewatching_counts_once():
    have, gained = credit_watch([], [[0, 30]], duration=100)
    assert gained == 30
    have, gained = credit_watch(have, [[0, 30], [10, 20]], duration=100)
    assert gained == 0 and covered_seconds(have) == 30


def test_skipping_ahead_counts_only_what_was_played():
    have, gained = credit_watch([], [[0, 5], [90, 100]], duration=100)
    assert gained == 15
    assert covered_seconds(have) == 15


def test_budget_clips_a_forged_report_earliest_first():
    have, gained = credit_watch([], [[0, 600]], duration=600, budget_seconds=50)
    assert gained == 50 and have == [(0.0, 50.0)]
    # The rest is credited later, when wall time allows it.
    have, gained = credit_watch(have, [[0, 600]], duration=600, budget_seconds=50)
    assert have == [(0.0, 100.0)] and gained == 50


def test_budget_grows_with_wall_time():
    assert watch_budget(None) == GRACE_SECONDS
    assert watch_budget(15) == 15 * 2 + GRACE_SECONDS
    assert watch_budget(-3) == GRACE_SECONDS


def test_subtract_leaves_only_new_parts():
    assert subtract([(0.0, 10.0), (20.0, 30.0)], [(5.0, 25.0)]) == [(0.0, 5.0), (25.0, 30.0)]


def test_watched_fraction_is_the_least_watched_video():
    durations = {"1": 100.0, "2": 50.0}
    assert watched_fraction({"1": 100, "2": 25}, durations) == 0.5
    assert watched_fraction({"1": 100}, {"1": 100.0}, required=["1", "2"]) == 0.0
    assert watched_fraction({}, {}) == 0.0


@pytest.mark.parametrize(
    ("rule", "state", "expected"),
    [
        (Rule.VIEWED, LessonState(viewed=True), True),
        (Rule.VIEWED, LessonState(), False),
        (Rule.VIDEO, LessonState(viewed=True, watched_fraction=0.9), True),
        (Rule.VIDEO, LessonState(viewed=True, watched_fraction=0.89), False),
        (Rule.MANUAL, LessonState(viewed=True), False),
        (Rule.MANUAL, LessonState(viewed=True, marked_done=True), True),
    ],
)
def test_lesson_rules(rule, state, expected):
    assert lesson_complete(rule, state, video_percent=90) is expected


def test_quiz_rule_needs_every_required_quiz_and_at_least_one():
    passed = LessonState(quizzes_passed=frozenset({"exambank.quiz:1"}))
    assert lesson_complete(Rule.QUIZ, passed, quizzes_required=["exambank.quiz:1"])
    assert not lesson_complete(
        Rule.QUIZ, passed, quizzes_required=["exambank.quiz:1", "exambank.quiz:2"]
    )
    assert not lesson_complete(Rule.QUIZ, passed, quizzes_required=[])


def test_unknown_rule_is_an_error():
    with pytest.raises(ValueError):
        lesson_complete("sometimes", LessonState())


def test_unlock_rules():
    now = dt.datetime(2026, 11, 21, 12, tzinfo=dt.UTC)
    assert unit_unlocked(Unlock.ALWAYS, previous_units_complete=False, unlock_at=None, now=now)
    assert not unit_unlocked(
        Unlock.PREVIOUS, previous_units_complete=False, unlock_at=None, now=now
    )
    assert unit_unlocked(Unlock.PREVIOUS, previous_units_complete=True, unlock_at=None, now=now)
    later = now + dt.timedelta(days=1)
    assert not unit_unlocked(Unlock.DATE, previous_units_complete=True, unlock_at=later, now=now)
    assert unit_unlocked(Unlock.DATE, previous_units_complete=False, unlock_at=now, now=now)


def test_course_percent_reaches_100_only_when_all_done():
    assert course_percent(0, 0) == 0
    assert course_percent(199, 200) == 99
    assert course_percent(200, 200) == 100
    assert course_percent(1, 3) == 33
