"""Completion and access rules as pure functions (no database, no request).

Watch time is kept as a list of merged ``[start, end]`` second ranges per media
item, so seeking back and watching again never counts twice and skipping ahead
never counts what was skipped: the watched amount is the length of the union.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

Range = tuple[float, float]

# A player reports at most this much new footage per second of wall time (2x
# playback speed), plus a grace for the first report and network delays. Reports
# beyond that are clipped, so a forged "I watched it all" is not credited at once.
MAX_PLAYBACK_RATE = 2.0
GRACE_SECONDS = 20.0


class Rule:
    """How a lesson counts as complete (stored on LessonPage.completion_rule)."""

    VIEWED = "viewed"
    VIDEO = "video"
    QUIZ = "quiz"
    MANUAL = "manual"


def normalise_ranges(
    ranges: Iterable[Sequence[float]], duration: float | None = None
) -> list[Range]:
    """Sorted, merged, clamped ranges; bad pairs (end <= start, NaN) are dropped."""
    cleaned: list[Range] = []
    for pair in ranges:
        if len(pair) != 2:
            continue
        start, end = float(pair[0]), float(pair[1])
        if start != start or end != end:  # NaN
            continue
        start = max(0.0, start)
        if duration:
            end = min(end, float(duration))
        if end > start:
            cleaned.append((start, end))
    cleaned.sort()
    merged: list[Range] = []
    for start, end in cleaned:
        if merged and start <= merged[-1][1] + 0.5:  # half-second gaps are player jitter
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def covered_seconds(ranges: Iterable[Range]) -> float:
    return sum(end - start for start, end in ranges)


def subtract(ranges: Sequence[Range], taken: Sequence[Range]) -> list[Range]:
    """The parts of ``ranges`` not already in ``taken`` (both merged and sorted)."""
    result: list[Range] = []
    for start, end in ranges:
        cursor = start
        for t_start, t_end in taken:
            if t_end <= cursor or t_start >= end:
                continue
            if t_start > cursor:
                result.append((cursor, t_start))
            cursor = max(cursor, t_end)
        if cursor < end:
            result.append((cursor, end))
    return result


def credit_watch(
    existing: Sequence[Sequence[float]],
    reported: Iterable[Sequence[float]],
    duration: float | None,
    budget_seconds: float | None = None,
) -> tuple[list[Range], float]:
    """Merge a player's report into what was already counted.

    Returns the new merged ranges and how many new distinct seconds were
    credited. With ``budget_seconds``, new footage beyond it is not credited
    (earliest first), so the player must report it again later.
    """
    have = normalise_ranges(existing, duration)
    fresh = subtract(normalise_ranges(reported, duration), have)
    if budget_seconds is not None:
        allowed: list[Range] = []
        left = max(0.0, budget_seconds)
        for start, end in fresh:
            if left <= 0:
                break
            take = min(end - start, left)
            allowed.append((start, start + take))
            left -= take
        fresh = allowed
    gained = covered_seconds(fresh)
    return normalise_ranges([*have, *fresh], duration), gained


def watch_budget(seconds_since_last_report: float | None) -> float:
    """New footage a report may add, given the wall time since the previous one."""
    if seconds_since_last_report is None:
        return GRACE_SECONDS
    return max(0.0, seconds_since_last_report) * MAX_PLAYBACK_RATE + GRACE_SECONDS


def watched_fraction(
    watched: dict[str, float], durations: dict[str, float], required: Iterable[str] = ()
) -> float:
    """The least-watched share among the lesson's videos, from 0 to 1.

    Every video of a lesson must reach the threshold, so the weakest one
    decides. A video with no known length yet (never played) counts as unseen,
    so a lesson never completes on a guess.
    """
    keys = [str(k) for k in required] or list(durations)
    if not keys:
        return 0.0
    shares = []
    for key in keys:
        length = durations.get(key) or 0.0
        shares.append(min(1.0, watched.get(key, 0.0) / length) if length > 0 else 0.0)
    return min(shares)


@dataclass(frozen=True)
class LessonState:
    """What is known about one learner and one lesson."""

    viewed: bool = False
    watched_fraction: float = 0.0
    quizzes_passed: frozenset[str] = field(default_factory=frozenset)
    marked_done: bool = False


def lesson_complete(
    rule: str,
    state: LessonState,
    *,
    video_percent: int = 90,
    quizzes_required: Iterable[str] = (),
) -> bool:
    """Whether ``state`` meets the lesson's completion rule."""
    if rule == Rule.VIEWED:
        return state.viewed
    if rule == Rule.VIDEO:
        return state.watched_fraction * 100 >= video_percent - 1e-9
    if rule == Rule.QUIZ:
        required = set(quizzes_required)
        return bool(required) and required <= set(state.quizzes_passed)
    if rule == Rule.MANUAL:
        return state.marked_done
    raise ValueError(f"unknown completion rule {rule!r}")


class Unlock:
    """When a unit opens (stored on UnitPage.unlock_rule)."""

    ALWAYS = "always"
    PREVIOUS = "previous"
    DATE = "date"


def unit_unlocked(
    rule: str,
    *,
    previous_units_complete: bool,
    unlock_at: dt.datetime | None,
    now: dt.datetime,
) -> bool:
    """Whether a unit is open to a learner now.

    ``previous_units_complete`` means every earlier unit of the course is done
    (so a chain of "previous" rules opens one unit at a time).
    """
    if rule == Unlock.ALWAYS:
        return True
    if rule == Unlock.PREVIOUS:
        return previous_units_complete
    if rule == Unlock.DATE:
        return unlock_at is None or now >= unlock_at
    raise ValueError(f"unknown unlock rule {rule!r}")


def course_percent(completed: int, total: int) -> int:
    """Whole-number progress for display; 100 only when everything is done."""
    if total <= 0:
        return 0
    if completed >= total:
        return 100
    return min(99, int(completed * 100 / total))
