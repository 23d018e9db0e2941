"""The facts table's columns in each process's memory, kept in step with the database.

Why: a common Thai word matches a quarter of an area's catalog (25,000 of
100,000 items). Filtering those matches by audience, ordering them and
counting four facets (each over the matches narrowed by the other facets'
filters) walks every match through the SQL executor once per pass: 80-110 ms
on SQLite and on PostgreSQL, where searching must answer in 50 ms. Search
engines keep per-document values in columns beside the inverted index (Lucene's
doc values) for exactly this. Here the database still finds the matches (FTS5
or the GIN index) and hands back their ids as one value; numpy arrays of the
facts (about 60 bytes an entry, 6 MB at 100,000) filter, order and count them
in a few milliseconds (search.backends.database).

Coherence: the change log of migration 0007 says which facts rows changed.
Before each search a process reads the log from where it last looked (one
indexed query) and reads those rows again; a gap it cannot account for (its
last row pruned or rolled back, the table emptied, too many changes) makes it
read the whole table again (a third of a second at 100,000 entries).
"""

from __future__ import annotations

import copy
import datetime
import math
import threading
import time
from dataclasses import dataclass, field

import numpy as np
from django.db import connection

from . import common_words
from .change_log import PostgresLog, SqliteLog
from .common_words import CommonWords
from .documents import Visibility

FACTS = "search_catalog_facts"
COLUMNS = (
    "id, visibility, held, school_id, owner_id, doc_type, subject_codes, grade_codes, "
    "popularity, published_at, length"
)
VISIBILITIES = tuple(v.value for v in Visibility)
NONE = -1  # school_id / owner_id absent
# A process without the common words' bits asks again this often (seconds).
WORDS_LOOK_EVERY = 600


def _codes(stored: str) -> list[str]:
    return [c for c in dict.fromkeys((stored or "").split("|")) if c]


def _timestamp(value) -> float:
    """Seconds since the epoch; NaN for no date (SQLite hands back text)."""
    if value is None:
        return math.nan
    if isinstance(value, str):
        value = datetime.datetime.fromisoformat(value)
    if value.tzinfo is None:
        value = value.replace(tzinfo=datetime.UTC)
    return value.timestamp()


def _distinct(values) -> tuple[tuple[str, ...], np.ndarray]:
    """The distinct values, sorted, and each value's index among them."""
    distinct = tuple(sorted(set(values)))
    index = {v: i for i, v in enumerate(distinct)}
    return distinct, np.array([index[v] for v in values], dtype=np.int32)


def _code_matrix(stored) -> tuple[np.ndarray, tuple[str, ...]]:
    """Entries × codes, True where an entry's "|"-joined codes hold the code.
    Built per distinct stored string: an area has a few dozen grade or subject
    combinations, not one per entry."""
    forms, form_of = _distinct(stored)
    values = tuple(sorted({c for form in forms for c in _codes(form)}))
    index = {v: i for i, v in enumerate(values)}
    per_form = np.zeros((len(forms), len(values)), dtype=bool)
    for n, form in enumerate(forms):
        for code in _codes(form):
            per_form[n, index[code]] = True
    return per_form[form_of], values


@dataclass(frozen=True)
class Snapshot:
    """One consistent picture of the facts table, rows sorted by id.

    Codes of the multi-valued facets are a boolean matrix (entries × codes);
    doc types an index into ``types``; absent numbers are ``NONE`` or NaN.
    Never changed once built: a newer picture is a new Snapshot, so a search
    holding this one is not disturbed by a refresh in another thread.
    """

    ids: np.ndarray
    visibility: np.ndarray
    held: np.ndarray
    school: np.ndarray
    owner: np.ndarray
    doc_type: np.ndarray
    types: tuple[str, ...]
    subjects: np.ndarray
    subject_values: tuple[str, ...]
    grades: np.ndarray
    grade_values: tuple[str, ...]
    popularity: np.ndarray
    published: np.ndarray
    length: np.ndarray
    # The commonest words' entries, on PostgreSQL once loaded (search.common_words).
    words: CommonWords | None = None
    # Derived: schools as dense codes (for counting), and each id's row.
    schools: tuple[int, ...] = field(init=False)
    school_code: np.ndarray = field(init=False)
    row_of: np.ndarray | None = field(init=False)

    def __post_init__(self) -> None:
        schools, codes = np.unique(self.school, return_inverse=True)
        if len(schools) and schools[0] == NONE:
            schools, codes = schools[1:], codes - 1
        object.__setattr__(self, "schools", tuple(int(s) for s in schools))
        object.__setattr__(self, "school_code", codes.astype(np.int32))
        # An id's row by direct lookup when ids are dense enough (they come from
        # one sequence), else by binary search over the sorted ids.
        row_of = None
        top = int(self.ids[-1]) if len(self.ids) else 0
        if top <= 4 * len(self.ids) + 1_000_000:
            row_of = np.full(top + 1, -1, dtype=np.int32)
            row_of[self.ids] = np.arange(len(self.ids), dtype=np.int32)
        object.__setattr__(self, "row_of", row_of)

    @classmethod
    def from_rows(cls, rows: list[tuple]) -> Snapshot:
        rows = sorted(rows, key=lambda r: r[0])
        columns = list(zip(*rows, strict=True)) or [()] * 11
        visibility_index = {v: i for i, v in enumerate(VISIBILITIES)}
        types, type_codes = _distinct(columns[5])
        subjects, subject_values = _code_matrix(columns[6])
        grades, grade_values = _code_matrix(columns[7])
        return cls(
            ids=np.array(columns[0], dtype=np.int64),
            visibility=np.array([visibility_index.get(v, -1) for v in columns[1]], dtype=np.int8),
            held=np.array([bool(v) for v in columns[2]], dtype=bool),
            school=np.array([NONE if v is None else v for v in columns[3]], dtype=np.int64),
            owner=np.array([NONE if v is None else v for v in columns[4]], dtype=np.int64),
            doc_type=type_codes,
            types=types,
            subjects=subjects,
            subject_values=subject_values,
            grades=grades,
            grade_values=grade_values,
            popularity=np.array(columns[8], dtype=np.float64),
            published=np.array([_timestamp(v) for v in columns[9]], dtype=np.float64),
            length=np.array(columns[10], dtype=np.int64),
        )

    def __len__(self) -> int:
        return len(self.ids)

    def positions(self, ids: np.ndarray) -> np.ndarray:
        """Row positions of those ``ids`` that are in the snapshot (others dropped)."""
        if not len(self.ids) or not len(ids):
            return np.zeros(0, dtype=np.int64)
        if self.row_of is not None:
            inside = ids[(ids >= 0) & (ids < len(self.row_of))]
            at = self.row_of[inside]
            return at[at >= 0].astype(np.int64)
        at = np.searchsorted(self.ids, ids)
        at[at >= len(self.ids)] = 0
        return at[self.ids[at] == ids]

    def with_words(self, words: CommonWords | None) -> Snapshot:
        """This picture carrying ``words`` (the columns are shared, not copied)."""
        twin = copy.copy(self)
        object.__setattr__(twin, "words", words)
        return twin

    def merged(self, changed: set[int], rows: list[tuple], words: CommonWords | None) -> Snapshot:
        """This picture with the ``changed`` entries replaced by ``rows`` (absent:
        deleted), carrying ``words`` (already brought up to date)."""
        keep = ~np.isin(self.ids, np.fromiter(changed, dtype=np.int64, count=len(changed)))
        fresh = Snapshot.from_rows(rows)
        types = tuple(sorted(set(self.types) | set(fresh.types)))
        subject_values = tuple(sorted(set(self.subject_values) | set(fresh.subject_values)))
        grade_values = tuple(sorted(set(self.grade_values) | set(fresh.grade_values)))

        def recode(part: Snapshot, mask) -> np.ndarray:
            lookup = np.array([types.index(t) for t in part.types] or [0], dtype=np.int32)
            return lookup[part.doc_type[mask]]

        def widen(matrix, values, wanted, mask) -> np.ndarray:
            out = np.zeros((int(np.count_nonzero(mask)), len(wanted)), dtype=bool)
            for i, value in enumerate(values):
                out[:, wanted.index(value)] = matrix[mask, i]
            return out

        everything = np.ones(len(fresh), dtype=bool)
        parts = ((self, keep), (fresh, everything))
        ids = np.concatenate([p.ids[m] for p, m in parts])
        order = np.argsort(ids, kind="stable")

        def join(name: str) -> np.ndarray:
            return np.concatenate([getattr(p, name)[m] for p, m in parts])[order]

        return Snapshot(
            ids=ids[order],
            visibility=join("visibility"),
            held=join("held"),
            school=join("school"),
            owner=join("owner"),
            doc_type=np.concatenate([recode(p, m) for p, m in parts])[order],
            types=types,
            subjects=np.concatenate(
                [widen(p.subjects, p.subject_values, subject_values, m) for p, m in parts]
            )[order],
            subject_values=subject_values,
            grades=np.concatenate(
                [widen(p.grades, p.grade_values, grade_values, m) for p, m in parts]
            )[order],
            grade_values=grade_values,
            popularity=join("popularity"),
            published=join("published"),
            length=join("length"),
            words=words,
        )


def _facts(cursor, ids: set[int] | None) -> list[tuple]:
    """Facts rows: all of them, or those of ``ids`` (in chunks the database accepts)."""
    if ids is None:
        cursor.execute(f"SELECT {COLUMNS} FROM {FACTS}")
        return cursor.fetchall()
    rows: list[tuple] = []
    wanted = sorted(ids)
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        placeholders = ", ".join(["%s"] * len(chunk))
        cursor.execute(f"SELECT {COLUMNS} FROM {FACTS} WHERE id IN ({placeholders})", chunk)
        rows += cursor.fetchall()
    return rows


@dataclass
class _Tracker:
    log: SqliteLog | PostgresLog
    snapshot: Snapshot | None = None
    loading: common_words.Loading | None = None
    next_words_look: float = 0.0


_trackers: dict[tuple[str, str], _Tracker] = {}
_lock = threading.Lock()


def current() -> Snapshot:
    """The facts as this connection sees them now (read again only where they changed)."""
    with _lock:
        tracker = _tracker()
        with connection.cursor() as cursor:
            changed = tracker.log.changed(cursor) if tracker.snapshot is not None else None
            if changed is None or None in changed:
                tracker.log.start(cursor)
                tracker.snapshot = Snapshot.from_rows(_facts(cursor, None))
                tracker.loading, tracker.next_words_look = None, 0.0
            elif changed:
                words = tracker.snapshot.words
                if words is not None:
                    words = words.refreshed(cursor, changed)
                tracker.snapshot = tracker.snapshot.merged(changed, _facts(cursor, changed), words)
                if tracker.loading is not None:
                    tracker.loading.changed |= changed
            if connection.vendor == "postgresql":
                _keep_words(tracker, cursor)
        return tracker.snapshot


def _tracker() -> _Tracker:
    key = (connection.vendor, str(connection.settings_dict["NAME"]))
    tracker = _trackers.get(key)
    if tracker is None:
        log = PostgresLog() if connection.vendor == "postgresql" else SqliteLog()
        tracker = _trackers[key] = _Tracker(log)
    return tracker


def _keep_words(tracker: _Tracker, cursor) -> None:
    """Start loading the common words' bits when the snapshot has none (after a
    whole read, then every ``WORDS_LOOK_EVERY`` seconds while the catalog has
    no common word), and put them on the snapshot once loaded and replayed."""
    if tracker.snapshot.words is not None:
        return
    loading = tracker.loading
    if loading is None:
        # Too few entries for any word to be common: nothing to count.
        if len(tracker.snapshot) < common_words.COMMON_MATCHES:
            return
        if time.monotonic() < tracker.next_words_look:
            return
        tracker.next_words_look = time.monotonic() + WORDS_LOOK_EVERY
        loading = tracker.loading = common_words.Loading(set(tracker.log.unsettled))
    if not loading.finished.is_set():
        return
    tracker.loading = None
    if loading.bits is not None:
        tracker.snapshot = tracker.snapshot.with_words(
            loading.bits.refreshed(cursor, loading.changed)
        )


def warm() -> Snapshot:
    """The facts and, on PostgreSQL, the common words' bits, waiting for them
    (what a worker does as it starts, before its first visitor)."""
    current()
    with _lock:
        loading = _tracker().loading
    if loading is not None:
        loading.finished.wait()
    return current()


def forget() -> None:
    """Drop every process-held picture (the next search reads the table again)."""
    with _lock:
        _trackers.clear()
