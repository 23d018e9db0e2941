"""A search's page, total and facet counts worked out over the in-memory columns.

The database backend finds the matching ids (search.backends.database); this
module applies to them exactly what its SQL used to: the audience's visibility
rules, the facet filters (values of one facet are alternatives, facets are all
required), the three sort orders, the pool score of search.ranking, and facet
counts where each facet is counted over the matches narrowed by the *other*
facets' filters, so choosing a value keeps its siblings' counts (multi-select).
"""

from __future__ import annotations

import numpy as np

from . import ranking
from .columns import VISIBILITIES, Snapshot
from .query import FACETS, Audience, BackendResult, SearchQuery


def visible(snapshot: Snapshot, rows: np.ndarray, audience: Audience) -> np.ndarray:
    """Those ``rows`` the audience may see (query.Audience.visibility_rules)."""
    keep = np.zeros(len(rows), dtype=bool)
    for visibility, extra in audience.visibility_rules():
        if visibility not in VISIBILITIES:
            continue
        test = snapshot.visibility[rows] == VISIBILITIES.index(visibility)
        for column, value in extra.items():
            own = snapshot.school if column == "school_id" else snapshot.owner
            test &= own[rows] == value
        keep |= test
    if audience.held_only:
        keep &= snapshot.held[rows]
    return rows[keep]


def _any_code(matrix: np.ndarray, values: tuple[str, ...], wanted: list[str], rows) -> np.ndarray:
    columns = [values.index(v) for v in wanted if v in values]
    if not columns:
        return np.zeros(len(rows), dtype=bool)
    return matrix[rows][:, columns].any(axis=1)


def facet_masks(snapshot: Snapshot, rows: np.ndarray, query: SearchQuery) -> dict:
    """One boolean mask over ``rows`` per facet the query filters on."""
    masks = {}
    for facet in FACETS:
        wanted = list(dict.fromkeys(str(v) for v in query.filters.get(facet, []) if str(v)))
        if not wanted:
            continue
        if facet == "subject":
            masks[facet] = _any_code(snapshot.subjects, snapshot.subject_values, wanted, rows)
        elif facet == "grade":
            masks[facet] = _any_code(snapshot.grades, snapshot.grade_values, wanted, rows)
        elif facet == "type":
            codes = [snapshot.types.index(v) for v in wanted if v in snapshot.types]
            masks[facet] = np.isin(snapshot.doc_type[rows], codes)
        else:  # school: an id; a value that is not one matches nothing
            ids = [int(v) for v in wanted if v.isdigit()]
            masks[facet] = np.isin(snapshot.school[rows], ids)
    return masks


def _counted(values, counts) -> list[tuple[str, int]]:
    pairs = [(str(v), int(n)) for v, n in zip(values, counts, strict=True) if n and str(v)]
    return sorted(pairs, key=lambda item: (-item[1], item[0]))


def facet_counts(snapshot: Snapshot, rows: np.ndarray, masks: dict) -> dict:
    """Each facet's (value, count) pairs, most frequent first, then by value."""
    out = {}
    everything = np.ones(len(rows), dtype=bool)
    for facet in FACETS:
        narrowed = everything.copy()
        for other, mask in masks.items():
            if other != facet:
                narrowed &= mask
        chosen = rows[narrowed]
        if facet == "subject":
            counts = np.count_nonzero(snapshot.subjects[chosen], axis=0)
            pairs = _counted(snapshot.subject_values, counts)
        elif facet == "grade":
            counts = np.count_nonzero(snapshot.grades[chosen], axis=0)
            pairs = _counted(snapshot.grade_values, counts)
        elif facet == "type":
            counts = np.bincount(snapshot.doc_type[chosen], minlength=len(snapshot.types))
            pairs = _counted(snapshot.types, counts)
        else:
            codes = snapshot.school_code[chosen]
            counts = np.bincount(codes[codes >= 0], minlength=len(snapshot.schools))
            pairs = _counted(snapshot.schools, counts)
        if pairs:
            out[facet] = pairs
    return out


# Names of the title-match id sets the pool score reads (kept apart from any
# word a query may hold).
PHRASE = ("phrase",)


def title_word(token: str) -> tuple[str, str]:
    return ("word", token)


def pool_scores(
    snapshot: Snapshot, rows: np.ndarray, query: SearchQuery, title_matches: dict
) -> np.ndarray:
    """search.ranking's coarse pool score of each row: the phrase in the title,
    each query word in the title, the query's subject group. ``title_matches``
    holds the ids whose title has the phrase (PHRASE) or a word (title_word)."""

    def in_title(ids) -> np.ndarray:
        marked = np.zeros(len(snapshot), dtype=bool)
        marked[snapshot.positions(ids)] = True
        return marked[rows]

    score = np.zeros(len(rows), dtype=np.int64)
    if len(query.phrase_words) >= 2:
        score += ranking.PHRASE_POINTS * in_title(title_matches[PHRASE])
    for group in ranking.query_groups(query.tokens):
        score += group.title_points * in_title(title_matches[title_word(group.token)])
    if query.subjects:
        held = _any_code(snapshot.subjects, snapshot.subject_values, list(query.subjects), rows)
        score += ranking.SUBJECT_POINTS * held
    return score


def _pool_order(ids: np.ndarray, length: np.ndarray, score: np.ndarray, first: int) -> np.ndarray:
    """Indexes of the ``first`` best in the pool order (score down, length up, id
    down), in order. The three keys are packed into one integer (score 16 bits,
    length 20, id 27) so the best are picked without sorting every match; a
    value too wide for its bits falls back to a full sort."""
    if not len(ids) or ids.max() >= 1 << 27 or length.max() >= 1 << 20 or score.max() >= 1 << 16:
        return np.lexsort((-ids, length, -score))[:first]
    key = ((((1 << 16) - 1 - score) << 47) | (length << 27)) | ((1 << 27) - 1 - ids)
    if first < len(key):
        best = np.argpartition(key, first)[:first]
        return best[np.argsort(key[best])]
    return np.argsort(key)


def ordered(snapshot: Snapshot, rows: np.ndarray, sort: str, score, first: int) -> np.ndarray:
    """Indexes into ``rows`` of the ``first`` results in the result order (the
    pool order when ``score`` is given)."""
    ids = snapshot.ids[rows]
    if score is not None:
        return _pool_order(ids, snapshot.length[rows], score, first)
    elif sort == "popularity":
        keys = (-ids, -snapshot.popularity[rows])
    else:  # newest first, undated last
        published = snapshot.published[rows]
        keys = (-ids, np.where(np.isnan(published), np.inf, -published))
    return np.lexsort(keys)[:first]


def answer(
    snapshot: Snapshot, rows: np.ndarray, query: SearchQuery, title_matches: dict | None
) -> BackendResult:
    """The page, total and facets of a query whose text matched snapshot ``rows``."""
    rows = visible(snapshot, rows, query.audience)
    masks = facet_masks(snapshot, rows, query)
    chosen = np.ones(len(rows), dtype=bool)
    for mask in masks.values():
        chosen &= mask
    narrowed = rows[chosen]
    ranked = title_matches is not None
    score = pool_scores(snapshot, narrowed, query, title_matches) if ranked else None
    end = query.offset + query.page_size
    page = ordered(snapshot, narrowed, query.sort, score, end)[query.offset : end]
    ids = snapshot.ids[narrowed[page]].tolist()
    points = score[page].tolist() if ranked else [0] * len(ids)
    return BackendResult(
        ids=ids,
        total=len(narrowed),
        scores={i: float(p) for i, p in zip(ids, points, strict=True)},
        facets=facet_counts(snapshot, rows, masks) if query.with_facets else {},
    )


def shortest_titles(snapshot: Snapshot, rows: np.ndarray, query: SearchQuery) -> list[int]:
    """Ids of the first ``page_size`` visible, filtered ``rows``: shortest first,
    then most popular, then the lower id (autocomplete's order)."""
    rows = visible(snapshot, rows, query.audience)
    chosen = np.ones(len(rows), dtype=bool)
    for mask in facet_masks(snapshot, rows, query).values():
        chosen &= mask
    rows = rows[chosen]
    order = np.lexsort((snapshot.ids[rows], -snapshot.popularity[rows], snapshot.length[rows]))
    return snapshot.ids[rows[order[: query.page_size]]].tolist()
