"""The embedded default: full text in the database that holds the catalog.

SQLite uses an FTS5 table over CatalogEntry.title_seg/body_seg, kept in step by
triggers (migration 0002); PostgreSQL uses a GIN-indexed tsvector of the same
columns with the ``simple`` configuration. Both see the words search.thai
produced, and both match a word exactly (or as a prefix, for autocomplete), so
a query finds the same entries on either.

The database finds: one statement gives the matching ids (and, for the
relevance order, the ids whose title holds the phrase or each word), each set
as one aggregated value. Visibility, filters, order and facet counts are then
worked out over the facts columns each process holds in memory
(search.columns, search.column_search), and only the page's rows are loaded.
On PostgreSQL the table the GIN index points into is kept narrow (migration
0006): the index hands back heap addresses, so every match costs a visit to
its row, and a common word has tens of thousands: the commonest words are
answered from bit sets each process holds instead (search.common_words), and
only the query's other words are matched in SQL.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
from django.db import connection, transaction

from .. import column_search, columns
from ..common_words import WordBits
from ..query import BackendResult, SearchQuery
from ..thai import query_alternatives
from .base import SearchBackend

ENTRY = "search_catalogentry"
FACTS = "search_catalog_facts"
FTS = "search_catalog_fts"
TITLES = "search_catalog_titles"
# Tables a bulk write changes, whose statistics and index state then need a refresh.
CATALOG_TABLES = (ENTRY, FACTS, TITLES, "search_catalogfacet", "search_catalogterm")


def _fts5_word(word: str) -> str:
    return '"' + word.replace('"', "") + '"'


def _pg_word(word: str) -> str:
    return "'" + word.replace("\\", "").replace("'", "''") + "'"


def _expression(tokens, quote, and_, or_, any_word: bool, prefix: str, prefix_last: bool) -> str:
    """Each query word matches itself or all its compound parts (search.thai)."""
    groups = []
    for i, token in enumerate(tokens):
        if prefix_last and i == len(tokens) - 1:
            groups.append(quote(token) + prefix)
            continue
        alternatives = [
            quote(words[0]) if len(words) == 1 else "(" + and_.join(map(quote, words)) + ")"
            for words in query_alternatives(token)
        ]
        groups.append(
            alternatives[0] if len(alternatives) == 1 else "(" + or_.join(alternatives) + ")"
        )
    return (or_ if any_word else and_).join(groups)


def fts5_match(tokens: list[str], *, any_word: bool = False, prefix_last: bool = False) -> str:
    """An FTS5 MATCH expression: every word quoted, so none is read as syntax."""
    return _expression(tokens, _fts5_word, " AND ", " OR ", any_word, "*", prefix_last)


def pg_tsquery(tokens: list[str], *, any_word: bool = False, prefix_last: bool = False) -> str:
    """A tsquery literal of exactly these lexemes (cast with ::tsquery, no parser)."""
    return _expression(tokens, _pg_word, " & ", " | ", any_word, ":*", prefix_last)


def pg_title_tsquery(tokens: list[str]) -> str:
    """Exactly these lexemes, the last one as a prefix (for the title vector)."""
    parts = [_pg_word(t) for t in tokens]
    return " & ".join(p + (":*" if i == len(parts) - 1 else "") for i, p in enumerate(parts))


def _fts5_phrase(words: tuple[str, ...]) -> str:
    return '"' + " ".join(w.replace('"', "") for w in words) + '"'


def _pg_phrase(words: tuple[str, ...]) -> str:
    return " <-> ".join(_pg_word(w) for w in words)


TEXT = ("text",)  # the name of the set of ids whose text matches


REST = ("rest",)  # ids matching the query words none of whose parts are held


def part(token: int, alternative: int) -> tuple[str, int, int]:
    """The name of the ids holding the words not held of one alternative of one query word."""
    return ("part", token, alternative)


def split_text(query: SearchQuery, held: WordBits) -> tuple[list[str], list[list[tuple]]]:
    """The query words whose every alternative's words are all not held (matched
    together in SQL, as before), and for each other query word its alternatives
    as (held words, tsquery of the words not held, or None)."""
    plain, mixed = [], []
    for token in query.tokens:
        alternatives = query_alternatives(token)
        if not any(held.holds(w) for words in alternatives for w in words):
            plain.append(token)
            continue
        mixed.append(
            [
                (
                    [w for w in words if held.holds(w)],
                    " & ".join(_pg_word(w) for w in words if not held.holds(w)) or None,
                )
                for words in alternatives
            ]
        )
    return plain, mixed


def match_sets_sql(
    query: SearchQuery, vendor: str, ranked: bool, held: WordBits | None = None
) -> tuple[str, list, list]:
    """One statement giving, each as one comma list, the ids whose text
    matches the query and, for a relevance order, the ids whose title holds the
    phrase and each query word (what search.ranking's pool score reads).
    On PostgreSQL with common words ``held`` in memory and among the query's,
    the text match is split (split_text): SQL matches only what is not held
    (REST and each ``part``) and the caller combines those sets with the held
    words' bits. Returns the SQL, its parameters and the name of each set in order."""
    if vendor == "postgresql":
        # A comma list, as SQLite's group_concat: parsed by numpy in one call,
        # faster than an int8[] turned into Python ints (18 against 20 ms for
        # 28,000 ids, of which the heap visits are 14).
        ids = "string_agg(CAST(id AS text), ',')"
        text = f"SELECT %s, {ids} FROM {FACTS} WHERE search_vector @@ CAST(%s AS tsquery)"
        title = f"SELECT %s, {ids} FROM {TITLES} WHERE title_vector @@ CAST(%s AS tsquery)"
        plain, mixed = split_text(query, held) if held is not None else (query.tokens, [])
        any_word = query.match == "any"
        if not mixed:
            sets = [(TEXT, text, pg_tsquery(query.tokens, any_word=any_word))]
        else:
            sets = [(REST, text, pg_tsquery(plain, any_word=any_word))] if plain else []
            for i, alternatives in enumerate(mixed):
                for j, (_, rest) in enumerate(alternatives):
                    if rest is not None:
                        sets.append((part(i, j), text, rest))
        phrase, word = _pg_phrase, lambda token: pg_tsquery([token])  # noqa: E731
    else:
        text = title = f"SELECT %s, group_concat(rowid) FROM {FTS} WHERE {FTS} MATCH %s"
        sets = [(TEXT, text, fts5_match(query.tokens, any_word=query.match == "any"))]
        phrase = lambda words: "title_seg : " + _fts5_phrase(words)  # noqa: E731
        word = lambda token: "title_seg : (" + fts5_match([token]) + ")"  # noqa: E731
    if ranked:
        if len(query.phrase_words) >= 2:
            sets.append((column_search.PHRASE, title, phrase(query.phrase_words)))
        for token in dict.fromkeys(query.tokens):
            sets.append((column_search.title_word(token), title, word(token)))
    sql = " UNION ALL ".join(statement for _, statement, _ in sets)
    params = [value for i, (_, _, expr) in enumerate(sets) for value in (i, expr)]
    return sql, params, [name for name, _, _ in sets]


# Planner settings for a text match (DatabaseBackend._fetch says why).
PLANNED = {"enable_seqscan": "off", "max_parallel_workers_per_gather": "0"}


def _select(call: str, names: list[str]) -> str:
    return "SELECT " + ", ".join([call] * len(names))


def _pairs(settings: dict) -> list[str]:
    return [value for pair in settings.items() for value in pair]


def _ids(value: str | None) -> np.ndarray:
    """An aggregated id set (a comma list) as an array."""
    if not value:
        return np.zeros(0, dtype=np.int64)
    return np.fromstring(value, dtype=np.int64, sep=",")


def rows_from_words(snapshot: columns.Snapshot, query: SearchQuery, found: dict) -> np.ndarray:
    """Snapshot rows whose text matches the query, the tsquery of _expression
    worked out with the held words' bits (split_text): an alternative needs
    its held words and its ``part`` from SQL; a query word needs one of its
    alternatives; the query needs every query word (or, ``match == "any"``,
    one), those matched in SQL together as REST."""
    held = snapshot.words

    def from_sql(name) -> np.ndarray:
        ids = found.get(name, np.zeros(0, dtype=np.int64))
        marked = np.zeros(held.size, dtype=bool)
        marked[ids[ids < held.size]] = True
        return marked

    plain, mixed = split_text(query, held)
    combined = from_sql(REST) if plain else None
    for i, alternatives in enumerate(mixed):
        either = np.zeros(held.size, dtype=bool)
        for j, (words, rest) in enumerate(alternatives):
            every = from_sql(part(i, j)) if rest is not None else held.mask(words[0]).copy()
            for word in words:
                every &= held.mask(word)
            either |= every
        if combined is None:
            combined = either
        elif query.match == "any":
            combined |= either
        else:
            combined &= either
    return snapshot.positions(np.flatnonzero(combined))


class DatabaseBackend(SearchBackend):
    name = "database"

    @property
    def vendor(self) -> str:
        return connection.vendor

    # Triggers keep the full-text index and the facts table in step (migrations 0002, 0003).
    def index_entries(self, entry_ids: Iterable[int]) -> None:
        return None

    def remove_entries(self, entry_ids: Iterable[int]) -> None:
        return None

    def search(self, query: SearchQuery) -> BackendResult:
        """The page, the total and the facet counts.

        The database finds the matching ids (FTS5 or the GIN index), with the
        title matches the pool score reads, in one statement; visibility,
        filters, order and facet counts are worked out over the facts held in
        memory (search.columns says why, search.column_search how).
        """
        snapshot = columns.current()
        ranked = bool(query.tokens) and query.sort == "relevance"
        if not query.tokens:
            return column_search.answer(snapshot, np.arange(len(snapshot)), query, None)
        sql, params, names = match_sets_sql(query, self.vendor, ranked, snapshot.words)
        fetched = self._fetch(sql, params, text=True) if names else []
        found = {names[tag]: _ids(value) for tag, value in fetched}
        if TEXT in found:
            rows = snapshot.positions(found.pop(TEXT))
        else:
            rows = rows_from_words(snapshot, query, found)
        titles = {k: v for k, v in found.items() if k != REST and k[0] != "part"}
        return column_search.answer(snapshot, rows, query, titles if ranked else None)

    def _fetch(self, sql: str, params: list, *, text: bool) -> list[tuple]:
        """Rows of one statement; on PostgreSQL a text match is planned on its
        GIN index, in this process alone (PLANNED).

        The planner charges a sequential scan nothing for reading each row's
        vector out of TOAST, so for a word in more than about a fifth of the
        catalog it prefers reading every vector (1.6 s at 100,000 entries) to
        the index (10-20 ms). And once a statement holds several sets it offers
        a parallel plan, whose worker processes take longer to start (5-30 ms
        on two cores) than the statement takes (about 5 ms). Both are set for
        this one statement only: SET LOCAL lasts to the end of the transaction,
        and inside a caller's transaction the previous values are put back.
        """
        with connection.cursor() as cursor:
            if not (text and self.vendor == "postgresql"):
                cursor.execute(sql, params)
                return cursor.fetchall()
            enclosed = connection.in_atomic_block
            names = list(PLANNED)
            with transaction.atomic():
                if enclosed:
                    cursor.execute(_select("current_setting(%s)", names), names)
                    previous = cursor.fetchone()
                cursor.execute(_select("set_config(%s, %s, true)", names), _pairs(PLANNED))
                cursor.execute(sql, params)
                rows = cursor.fetchall()
                if enclosed:
                    restore = dict(zip(names, previous, strict=True))
                    cursor.execute(_select("set_config(%s, %s, true)", names), _pairs(restore))
            return rows

    def after_bulk_write(self) -> None:
        """Fresh planner statistics and a tidy index after many catalog rows changed.

        PostgreSQL: VACUUM (ANALYZE) merges the GIN pending lists (entries
        written since the last vacuum, which every query scans linearly; a
        manual ANALYZE alone leaves them), sets the visibility map (a bitmap
        scan then skips per-row visibility checks) and refreshes the lexeme
        statistics the planner estimates matches from. VACUUM cannot run
        inside a transaction: there, ANALYZE alone. SQLite: ANALYZE, and FTS5
        merges its segments into one b-tree per term.
        """
        columns.prune_changes()
        with connection.cursor() as cursor:
            if self.vendor == "postgresql":
                command = "ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)"
                cursor.execute(f"{command} {', '.join(CATALOG_TABLES)}")
            elif self.vendor == "sqlite":
                cursor.execute(f"INSERT INTO {FTS}({FTS}) VALUES ('optimize')")
                cursor.execute("ANALYZE")

    def autocomplete(self, prefix_tokens: list[str], query: SearchQuery) -> list[int]:
        """Titles holding every word, the last as a prefix (FTS5 column filter, or
        the title vector on PostgreSQL); visibility, filters and the order
        (shortest, then most popular) over the in-memory columns, as search does."""
        if not prefix_tokens:
            return []
        if self.vendor == "postgresql":
            sql = (
                f"SELECT string_agg(CAST(id AS text), ',') FROM {TITLES} "
                "WHERE title_vector @@ CAST(%s AS tsquery)"
            )
            expr = pg_title_tsquery(prefix_tokens)
        else:
            sql = f"SELECT group_concat(rowid) FROM {FTS} WHERE {FTS} MATCH %s"
            expr = "title_seg : (" + fts5_match(prefix_tokens, prefix_last=True) + ")"
        ((value,),) = self._fetch(sql, [expr], text=True)
        snapshot = columns.current()
        return column_search.shortest_titles(snapshot, snapshot.positions(_ids(value)), query)
