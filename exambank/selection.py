"""Which questions an attempt gets, and in what order: pure functions.

The caller passes the pools and the questions this student already saw; the
random generator is seeded per attempt, so an attempt's layout can be rebuilt
and checked, and two students get independent draws.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from core.i18n import bilingual


class BlueprintShortage(Exception):
    """A blueprint row asks for more questions than its pool holds."""

    def __init__(self, rule_index: int, wanted: int, available: int):
        self.rule_index, self.wanted, self.available = rule_index, wanted, available
        super().__init__(
            bilingual(
                "blueprint row %(row)s wants %(wanted)s questions but only %(available)s"
                " are available",
                row=rule_index + 1,
                wanted=wanted,
                available=available,
            )
        )


@dataclass(frozen=True)
class Rule:
    pool: tuple[int, ...]  # question ids matching the row (indicator × difficulty)
    count: int


def draw_blueprint(rules: list[Rule], seen: set[int], rng: random.Random) -> list[tuple[int, int]]:
    """Pick ``count`` questions per rule, unseen ones first; returns (rule index, question id).

    A question already drawn for an earlier row is not drawn again. When the
    unseen questions run out, seen ones fill the gap (as Moodle does) rather
    than failing a student on their fifth attempt.
    """
    taken: set[int] = set()
    picked: list[tuple[int, int]] = []
    for index, rule in enumerate(rules):
        free = [q for q in rule.pool if q not in taken]
        fresh = [q for q in free if q not in seen]
        stale = [q for q in free if q in seen]
        if len(free) < rule.count:
            raise BlueprintShortage(index, rule.count, len(free))
        rng.shuffle(fresh)
        rng.shuffle(stale)
        chosen = (fresh + stale)[: rule.count]
        taken.update(chosen)
        picked.extend((index, q) for q in chosen)
    return picked


def shuffled(items: list, rng: random.Random, enabled: bool = True) -> list:
    items = list(items)
    if enabled:
        rng.shuffle(items)
    return items
