"""Which entries hold each of the catalog's commonest words, held by every process (PostgreSQL).

Why: PostgreSQL's GIN index hands back row addresses, not ids, so every match
of a word costs a visit to its heap row. A word in a fifth of a 100,000-entry
catalog visits nearly every page of the match table: 15-30 ms, twice that
once other work has pushed those pages out of shared buffers. The commonest
words are few and are the ones searched most (a Zipf curve). FTS5 hands back
ids from its index itself, so SQLite has no such cost and does not use this.

What: the words the planner's statistics list as matching at least
``COMMON_MATCHES`` entries (at most ``MAX_WORDS``; the default statistics
target lists up to 1,000), each as one bit per entry id: 12.5 kB a word at
100,000 entries, about 9 MB for the 700 such words of the benchmark's catalog.
The bits ride on the columns' snapshot (search.columns), which keeps them in
step with every write through the same change log: a changed entry's words are
read again with its facts. A query word held here is unpacked in
microseconds; the others still go to the GIN index, each on its own, and the
query's ANDs and ORs are worked out over the bits (search.backends.database).
Lucene's and Elasticsearch's filter caches keep the same kind of bit sets.

Loading reads every vector once (about 6 s at 100,000 entries, mostly in the
database), so a process does it in a thread after reading the whole facts
table; searches use the GIN index until it is done, and changes seen meanwhile
are replayed onto the bits before they are used.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass

import numpy as np

FACTS = "search_catalog_facts"
# A word with fewer matches than this costs the GIN path a few milliseconds.
COMMON_MATCHES = 5000
MAX_WORDS = 1000
# Load in a thread (a worker keeps serving meanwhile); tests load in line.
BACKGROUND = True

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class WordBits:
    """For each held word (``index``: its row), a bit per entry id, set where
    the entry holds the word. Never changed once built: ``updated`` returns a
    new one, so a search holding this one is not disturbed."""

    index: dict[str, int]
    matrix: np.ndarray  # uint8, words × bytes; bit order as np.packbits

    @property
    def size(self) -> int:
        """Ids 0 .. size-1 are covered."""
        return self.matrix.shape[1] * 8

    def holds(self, word: str) -> bool:
        return word in self.index

    def mask(self, word: str) -> np.ndarray:
        """One boolean per id (``size`` of them): True where the entry holds ``word``."""
        return np.unpackbits(self.matrix[self.index[word]]).view(bool)

    @classmethod
    def from_ids(cls, word_ids: dict[str, np.ndarray]) -> WordBits:
        top = max((int(ids.max()) for ids in word_ids.values() if len(ids)), default=0)
        matrix = np.zeros((len(word_ids), _width(top)), dtype=np.uint8)
        for row, ids in enumerate(word_ids.values()):
            marked = np.zeros(matrix.shape[1] * 8, dtype=bool)
            marked[ids] = True
            matrix[row] = np.packbits(marked)
        return cls(index={w: i for i, w in enumerate(word_ids)}, matrix=matrix)

    def updated(self, changed: set[int], holding: dict[int, set[str]]) -> WordBits:
        """These bits once the ``changed`` entries hold exactly the words in
        ``holding`` (an entry absent there was deleted or holds none)."""
        ids = np.array(sorted(i for i in changed if i is not None and i >= 0), dtype=np.int64)
        if not len(ids):
            return self
        matrix = self.matrix
        if int(ids[-1]) >= self.size:  # new ids past the end: widen, with room to grow
            matrix = np.zeros((len(self.index), _width(int(ids[-1]))), dtype=np.uint8)
            matrix[:, : self.matrix.shape[1]] = self.matrix
        want = np.zeros((len(self.index), len(ids)), dtype=bool)
        for column, entry in enumerate(ids.tolist()):
            for word in holding.get(entry, ()):
                row = self.index.get(word)
                if row is not None:
                    want[row, column] = True
        byte, bit = ids >> 3, (np.uint8(128) >> (ids & 7).astype(np.uint8))
        if matrix is self.matrix and np.array_equal((matrix[:, byte] & bit) != 0, want):
            return self
        if matrix is self.matrix:
            matrix = matrix.copy()
        for column in range(len(ids)):  # one id at a time: two ids may share a byte
            b, m = byte[column], bit[column]
            matrix[:, b] = (matrix[:, b] & ~m) | np.where(want[:, column], m, np.uint8(0))
        return WordBits(index=self.index, matrix=matrix)


def _width(top: int) -> int:
    """Bytes for ids up to ``top``, with an eighth to spare so that new entries
    do not widen every word's bits one by one."""
    return (top + 1 + (top + 1) // 8 + 64 + 7) // 8


def commonest(cursor) -> list[str]:
    """Words the planner's statistics say match at least ``COMMON_MATCHES``
    entries, commonest first (none before the table was first analysed)."""
    cursor.execute(
        "SELECT s.most_common_elems::text::text[], s.most_common_elem_freqs, c.reltuples "
        "FROM pg_stats s JOIN pg_class c ON c.oid = CAST(%s AS regclass) "
        "WHERE s.schemaname = current_schema() AND s.tablename = %s "
        "AND s.attname = 'search_vector'",
        [FACTS, FACTS],
    )
    row = cursor.fetchone()
    if not row or not row[0] or not row[1] or row[2] <= 0:
        return []
    words, frequencies, entries = row
    # The frequencies carry three summary values after the words' own.
    ranked = sorted(zip(words, frequencies, strict=False), key=lambda wf: -wf[1])
    return [w for w, f in ranked if f * entries >= COMMON_MATCHES][:MAX_WORDS]


def load(cursor, words: list[str]) -> WordBits | None:
    """The bits of ``words``, read in one pass over every vector (the list is a
    constant array, which PostgreSQL looks words up in by hash)."""
    if not words:
        return None
    cursor.execute(
        "SELECT u.word, string_agg(CAST(f.id AS text), ',') "
        f"FROM {FACTS} f, unnest(tsvector_to_array(f.search_vector)) AS u(word) "
        "WHERE u.word = ANY(CAST(%s AS text[])) GROUP BY u.word",
        [words],
    )
    found = {w: np.fromstring(ids, dtype=np.int64, sep=",") for w, ids in cursor.fetchall()}
    return WordBits.from_ids({w: found.get(w, np.zeros(0, dtype=np.int64)) for w in words})


def holding(cursor, ids: set[int], bits: WordBits) -> dict[int, set[str]]:
    """The held words each of these entries now holds."""
    wanted = sorted(i for i in ids if i is not None)
    if not wanted:
        return {}
    cursor.execute(
        f"SELECT id, tsvector_to_array(search_vector) FROM {FACTS} WHERE id = ANY(%s)", [wanted]
    )
    return {entry: {w for w in words if w in bits.index} for entry, words in cursor.fetchall()}


class Loading:
    """One load of the bits, in a thread of its own (with its own connection)
    or in line. Entries that change while it runs are collected in ``changed``
    and read again before the bits are used (search.columns)."""

    def __init__(self, words: list[str], changed: set[int]) -> None:
        self.words = words
        self.changed = changed
        self.bits: WordBits | None = None
        self.finished = threading.Event()
        if BACKGROUND:
            threading.Thread(target=self._run, name="search-common-words", daemon=True).start()
        else:
            self._run(in_line=True)

    def _run(self, in_line: bool = False) -> None:
        from django.db import connection

        try:
            with connection.cursor() as cursor:
                self.bits = load(cursor, self.words)
        except Exception:  # searches keep using the GIN index; the next whole read tries again
            if in_line:
                raise
            log.warning("common words not loaded", exc_info=True)
        finally:
            if not in_line:
                connection.close()
            self.finished.set()
