"""Which entries hold each of the catalog's commonest words, held by every process (PostgreSQL).

Why: PostgreSQL's GIN index hands back row addresses, not ids, so every match
of a word costs a visit to its heap row: 5-20 ms for a word in 1,500-4,000
entries once other work (a report, a naive scan) has pushed those pages and
the CPU caches out, 15-30 ms for a word in a fifth of a 100,000-entry catalog.
The commonest words are the ones searched most (a Zipf curve). FTS5 hands back
ids from its index itself, so SQLite has no such cost and does not use this.

What: every word in at least ``COMMON_MATCHES`` entries' text, and every word
in at least as many titles (for the title sets the ranking reads), each as one
bit per entry id: 13 kB a word at 100,000 entries, about 38 MB for the
2,900 such words of the benchmark's catalog. At most ``MAX_BYTES`` a process,
commonest first, so a larger catalog holds fewer words rather than more
memory. The bits ride on the columns' snapshot (search.columns), which keeps
them in step with every write through the same change log: a changed entry's
words are read again with its facts. A query word held here is unpacked in
microseconds; the others still go to the GIN index, and the query's ANDs and
ORs are worked out over the bits (search.backends.database). Lucene's and
Elasticsearch's filter caches keep the same kind of bit sets.

Loading counts every word (``ts_stat``) and reads every vector once: about
15 s at 100,000 entries, mostly in the database. A process does it in a
thread after reading the whole facts table; searches use the GIN index until
it is done, and entries changed meanwhile are read again before the bits are
used.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass

import numpy as np

FACTS = "search_catalog_facts"
TITLES = "search_catalog_titles"
# Where each kind of bits is read from: table and vector column.
TEXT_SOURCE = (FACTS, "search_vector")
TITLE_SOURCE = (TITLES, "title_vector")
# A word with fewer matches than this costs the GIN path a millisecond or two.
COMMON_MATCHES = 1000
# The bits' memory in each process, text and titles together.
MAX_BYTES = 48 * 1024 * 1024
# Load in a thread (a worker keeps serving meanwhile); tests load in line.
BACKGROUND = True

log = logging.getLogger(__name__)


# Ids per block of bits. A write replaces only the blocks holding its entries
# (2,555 words × 1 kB each, not the whole 38 MB), and new ids add blocks
# without copying the old ones.
BLOCK_BYTES = 1024
BLOCK_IDS = BLOCK_BYTES * 8


@dataclass(frozen=True)
class WordBits:
    """For each held word (``index``: its row), a bit per entry id, set where
    the entry holds the word, in blocks of ``BLOCK_IDS`` ids. Never changed
    once built: ``updated`` returns a new one sharing the blocks it did not
    touch, so a search holding this one is not disturbed."""

    index: dict[str, int]
    blocks: tuple[np.ndarray, ...]  # uint8, words × BLOCK_BYTES; bit order as np.packbits

    @property
    def row_bytes(self) -> int:
        """One word's bits, in bytes."""
        return len(self.blocks) * BLOCK_BYTES

    @property
    def size(self) -> int:
        """Ids 0 .. size-1 are covered."""
        return self.row_bytes * 8

    def holds(self, word: str) -> bool:
        return word in self.index

    def mask(self, word: str, count: int | None = None) -> np.ndarray:
        """One boolean per id (``count`` of them, or ``size``; ids past ``size``
        hold no held word): True where the entry holds ``word``."""
        row = self.index[word]
        packed = np.concatenate([block[row] for block in self.blocks])
        return np.unpackbits(packed, count=count or self.size).view(bool)

    @classmethod
    def from_ids(cls, word_ids: dict[str, np.ndarray], top: int = 0) -> WordBits:
        """The bits of these words' ids, covering at least ids up to ``top``."""
        top = max([top] + [int(ids.max()) for ids in word_ids.values() if len(ids)])
        count = _blocks(top)
        matrix = np.zeros((len(word_ids), count * BLOCK_BYTES), dtype=np.uint8)
        for row, ids in enumerate(word_ids.values()):
            marked = np.zeros(matrix.shape[1] * 8, dtype=bool)
            marked[ids] = True
            matrix[row] = np.packbits(marked)
        blocks = tuple(np.split(matrix, count, axis=1))
        return cls(index={w: i for i, w in enumerate(word_ids)}, blocks=blocks)

    def updated(self, changed: set[int], holding: dict[int, set[str]]) -> WordBits:
        """These bits once the ``changed`` entries hold exactly the words in
        ``holding`` (an entry absent there was deleted or holds none)."""
        ids = np.array(sorted(i for i in changed if i is not None and i >= 0), dtype=np.int64)
        if not len(ids):
            return self
        words = len(self.index)
        blocks = list(self.blocks)
        while len(blocks) < _blocks(int(ids[-1])):  # new ids past the end
            blocks.append(np.zeros((words, BLOCK_BYTES), dtype=np.uint8))
        want = np.zeros((words, len(ids)), dtype=bool)
        for column, entry in enumerate(ids.tolist()):
            for word in holding.get(entry, ()):
                row = self.index.get(word)
                if row is not None:
                    want[row, column] = True
        block_of = ids // BLOCK_IDS
        byte = (ids % BLOCK_IDS) >> 3
        bit = np.uint8(128) >> (ids & 7).astype(np.uint8)
        touched = False
        for number in np.unique(block_of).tolist():
            columns = np.flatnonzero(block_of == number)
            block = blocks[number]
            if np.array_equal((block[:, byte[columns]] & bit[columns]) != 0, want[:, columns]):
                continue
            block = block.copy()
            for column in columns.tolist():  # one id at a time: two ids may share a byte
                b, m = byte[column], bit[column]
                block[:, b] = (block[:, b] & ~m) | np.where(want[:, column], m, np.uint8(0))
            blocks[number], touched = block, True
        if not touched and len(blocks) == len(self.blocks):
            return self
        return WordBits(index=self.index, blocks=tuple(blocks))


def _blocks(top: int) -> int:
    """Blocks for ids up to ``top``."""
    return top // BLOCK_IDS + 1


@dataclass(frozen=True)
class CommonWords:
    """The bits of the text's commonest words and of the titles' (both over
    the same entry ids)."""

    text: WordBits
    titles: WordBits

    def refreshed(self, cursor, changed: set[int]) -> CommonWords:
        """These bits once the ``changed`` entries are read again."""
        wanted = sorted(i for i in changed if i is not None)
        if not wanted:
            return self
        cursor.execute(
            "SELECT f.id, tsvector_to_array(f.search_vector), tsvector_to_array(t.title_vector) "
            f"FROM {FACTS} f LEFT JOIN {TITLES} t ON t.id = f.id WHERE f.id = ANY(%s)",
            [wanted],
        )
        text, titles = {}, {}
        for entry, text_words, title_words in cursor.fetchall():
            text[entry] = {w for w in text_words if w in self.text.index}
            titles[entry] = {w for w in title_words or () if w in self.titles.index}
        return CommonWords(
            text=self.text.updated(changed, text), titles=self.titles.updated(changed, titles)
        )


def commonest(cursor, source: tuple[str, str], limit: int) -> list[str]:
    """The words of ``source`` (table, vector column) in at least
    ``COMMON_MATCHES`` of its rows, commonest first, at most ``limit``.
    Counted exactly (``ts_stat``, one pass over the vectors): the planner's
    statistics list only the thousand commonest, and only after an ANALYZE."""
    table, column = source
    cursor.execute(
        "SELECT word FROM ts_stat(%s) WHERE ndoc >= %s ORDER BY ndoc DESC, word LIMIT %s",
        [f"SELECT {column} FROM {table}", COMMON_MATCHES, limit],
    )
    return [row[0] for row in cursor.fetchall()]


def load_words(cursor, source: tuple[str, str], words: list[str], top: int) -> WordBits:
    """The bits of ``words`` in ``source``, read in one pass over every vector
    (the list is a constant array, which PostgreSQL looks words up in by hash)."""
    table, column = source
    found = {}
    if words:
        cursor.execute(
            "SELECT u.word, string_agg(CAST(f.id AS text), ',') "
            f"FROM {table} f, unnest(tsvector_to_array(f.{column})) AS u(word) "
            "WHERE u.word = ANY(CAST(%s AS text[])) GROUP BY u.word",
            [words],
        )
        found = {w: np.fromstring(ids, dtype=np.int64, sep=",") for w, ids in cursor.fetchall()}
    return WordBits.from_ids({w: found.get(w, np.zeros(0, dtype=np.int64)) for w in words}, top=top)


def load(cursor) -> CommonWords | None:
    """The commonest words' bits, text words first within ``MAX_BYTES``
    (None: the catalog has no such word)."""
    cursor.execute(f"SELECT max(id) FROM {FACTS}")
    top = cursor.fetchone()[0] or 0
    per_word = _blocks(top) * BLOCK_BYTES
    text = commonest(cursor, TEXT_SOURCE, MAX_BYTES // per_word)
    titles = commonest(cursor, TITLE_SOURCE, max(0, MAX_BYTES // per_word - len(text)))
    if not text and not titles:
        return None
    return CommonWords(
        text=load_words(cursor, TEXT_SOURCE, text, top),
        titles=load_words(cursor, TITLE_SOURCE, titles, top),
    )


class Loading:
    """One load of the bits, in a thread of its own (with its own connection)
    or in line. Entries that change while it runs are collected in ``changed``
    and read again before the bits are used (search.columns)."""

    def __init__(self, changed: set[int]) -> None:
        self.changed = changed
        self.bits: CommonWords | None = None
        self.finished = threading.Event()
        if BACKGROUND:
            threading.Thread(target=self._run, name="search-common-words", daemon=True).start()
        else:
            self._run(in_line=True)

    def _run(self, in_line: bool = False) -> None:
        from django.db import connection

        try:
            with connection.cursor() as cursor:
                self.bits = load(cursor)
        except Exception:  # searches keep using the GIN index; tried again later (search.columns)
            if in_line:
                raise
            log.warning("common words not loaded", exc_info=True)
        finally:
            if not in_line:
                connection.close()
            self.finished.set()
