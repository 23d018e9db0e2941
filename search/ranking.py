"""One relevance model for every backend.

Ranking happens in two stages, so that SQLite, PostgreSQL and Elasticsearch
give the same top results for the same query and items:

1. **Pool** (inside the backend): every match gets a coarse score that each
   backend computes exactly alike from its own index: the query's words found
   as a phrase in the title (FTS5 phrase, PostgreSQL ``<->``, Elasticsearch
   ``match_phrase``), each query word found in the title, and the query's
   subject group. Only title words are read for every match, so the cost stays
   low however many items match. Ties go to the shorter item, then the higher id. The top
   ``RERANK_DEPTH`` matches are the pool; the same rule on the same items gives
   the same pool everywhere, whatever each engine's own scoring would say.
2. **Rerank** (here, in Python, over the pool's stored words): an item holding
   the query as typed (after normalisation, spaces ignored) ranks above one
   holding its words apart; within that, a BM25-style score over title and
   body words (title words count ``TITLE_WEIGHT`` times, function words a tenth
   of a content word), raised by how close the words stand, and multiplied by
   ``SUBJECT_BOOST`` for items of the query's subject group.

Function words (data/function_words.txt) are never dropped from the index or
the query; they only weigh less here.

The pool weights are integers so the three engines add them up exactly alike.
"""

from __future__ import annotations

from dataclasses import dataclass

from .thai import function_words, query_alternatives, text_words

# Pool (coarse) weights: a phrase beats any number of title words; a content
# word in the title beats the subject; a function word counts a tenth.
PHRASE_POINTS = 1000
TITLE_WORD_POINTS = 100
TITLE_FUNCTION_WORD_POINTS = 10
SUBJECT_POINTS = 50

# BM25 constants and the typical field lengths (in words) they normalise by;
# constants rather than catalog averages, so no engine needs statistics.
K1 = 1.2
B = 0.75
TITLE_AVERAGE = 8.0
BODY_AVERAGE = 80.0
FUNCTION_WORD_WEIGHT = 0.1
PROXIMITY_WEIGHT = 0.5


@dataclass(frozen=True)
class Group:
    """One query word: it matches itself, or all the words of one alternative."""

    token: str
    alternatives: tuple[tuple[str, ...], ...]
    is_function_word: bool

    @property
    def title_points(self) -> int:
        return TITLE_FUNCTION_WORD_POINTS if self.is_function_word else TITLE_WORD_POINTS

    @property
    def weight(self) -> float:
        return FUNCTION_WORD_WEIGHT if self.is_function_word else 1.0


def query_groups(tokens: list[str]) -> list[Group]:
    stop = function_words()
    return [Group(t, tuple(query_alternatives(t)), t in stop) for t in tokens]


@dataclass
class Candidate:
    """What the rerank reads of a pooled item (all from the catalog row)."""

    id: int
    title_seg: str
    body_seg: str
    subject_codes: str
    popularity: float = 0.0


def _saturated(tf: int, length: int, average: float) -> float:
    if not tf:
        return 0.0
    return tf * (K1 + 1) / (tf + K1 * (1 - B + B * length / average))


def _frequency(counts: dict[str, int], group: Group) -> int:
    return max(min(counts[w] for w in alt) for alt in group.alternatives)


def _window(words: list[str], groups: list[Group]) -> int | None:
    """Fewest consecutive words holding every group's word (itself), or None."""
    wanted = {g.token for g in groups}
    if len(wanted) < 2:
        return None
    # One pass with a count of the wanted words inside the window (``held``), so
    # each step costs the same however long the text: the rerank reads a
    # hundred bodies per query.
    best, seen, held, left = None, dict.fromkeys(wanted, 0), 0, 0
    for right, word in enumerate(words):
        if word not in seen:
            continue
        seen[word] += 1
        held += seen[word] == 1
        while held == len(wanted):
            size = right - left + 1
            best = size if best is None or size < best else best
            dropped = words[left]
            if dropped in seen:
                seen[dropped] -= 1
                held -= seen[dropped] == 0
            left += 1
    return best


def score(
    candidate: Candidate,
    groups: list[Group],
    phrase: str,
    subjects: tuple[str, ...],
    title_weight: float,
    subject_boost: float,
) -> tuple[int, float]:
    """(phrase tier, score) of one candidate: higher is better."""
    title_words = text_words(candidate.title_seg)
    body_words = text_words(candidate.body_seg)
    title_all = [w for w in candidate.title_seg.split() if w != "~"]
    body_all = [w for w in candidate.body_seg.split() if w != "~"]
    # Only the query's words are ever looked up: count those (a C loop each)
    # rather than every word of a hundred bodies per query.
    wanted = {w for group in groups for alternative in group.alternatives for w in alternative}
    title_counts = {w: title_all.count(w) for w in wanted}
    body_counts = {w: body_all.count(w) for w in wanted}
    total = 0.0
    for group in groups:
        in_title = _saturated(_frequency(title_counts, group), len(title_all), TITLE_AVERAGE)
        in_body = _saturated(_frequency(body_counts, group), len(body_all), BODY_AVERAGE)
        total += group.weight * (title_weight * in_title + in_body)
    tier = int(bool(phrase) and (phrase in "".join(title_words) or phrase in "".join(body_words)))
    if not tier:
        windows = [w for w in (_window(title_words, groups), _window(body_words, groups)) if w]
        if windows:
            total *= 1 + PROXIMITY_WEIGHT * len(groups) / min(windows)
    if subjects and set(candidate.subject_codes.split("|")) & set(subjects):
        total *= subject_boost
    return tier, total


def rerank(
    candidates: list[Candidate],
    tokens: list[str],
    phrase: str,
    subjects: tuple[str, ...],
    title_weight: float,
    subject_boost: float,
) -> list[tuple[int, float]]:
    """(id, score) of the candidates, best first; ties to popularity, then id."""
    groups = query_groups(tokens)
    keyed = []
    for c in candidates:
        tier, value = score(c, groups, phrase, subjects, title_weight, subject_boost)
        keyed.append(((-tier, -round(value, 9), -c.popularity, -c.id), c.id, value + tier * 1000))
    keyed.sort()
    return [(entry_id, value) for _, entry_id, value in keyed]
