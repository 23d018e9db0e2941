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

from .. import change_log, column_search, columns
from ..common_words import CommonWords, WordBits
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


def part(kind: str, token: int | str, alternative: int) -> tuple[str, int | str, int]:
    """The name of the ids holding the words not held of one alternative of
    one query word, in the text (``kind`` "part", the word's place in the
    query) or in titles ("title part", the word)."""
    return (kind, token, alternative)


SPLIT_KINDS = ("part", "title part")


def split_token(token: str, held: WordBits) -> list[tuple[list[str], str | None]] | None:
    """A query word's alternatives as (held words, tsquery of the words not
    held, or None), or None when no alternative has a held word (matched in
    SQL whole, as without bits)."""
    alternatives = query_alternatives(token)
    if not any(held.holds(w) for words in alternatives for w in words):
        return None
    return [
        (
            [w for w in words if held.holds(w)],
            " & ".join(_pg_word(w) for w in words if not held.holds(w)) or None,
        )
        for words in alternatives
    ]


def split_text(query: SearchQuery, held: WordBits) -> tuple[list[str], list[list[tuple]]]:
    """The query words with no held word (matched together in SQL as REST),
    and the others' alternatives (split_token)."""
    plain, mixed = [], []
    for token in query.tokens:
        alternatives = split_token(token, held)
        if alternatives is None:
            plain.append(token)
        else:
            mixed.append(alternatives)
    return plain, mixed


def match_sets_sql(
    query: SearchQuery, vendor: str, ranked: bool, held: CommonWords | None = None
) -> tuple[str, list, list]:
    """One statement giving, each as one comma list, the ids whose text
    matches the query and, for a relevance order, the ids whose title holds the
    phrase and each query word (what search.ranking's pool score reads).
    On PostgreSQL with common words ``held`` in memory and among the query's,
    a match is split (split_token): SQL matches only what is not held (REST
    and each ``part``) and the caller combines those sets with the held
    words' bits (combine_held). Returns the SQL, its parameters and the name
    of each set in order."""
    if vendor == "postgresql":
        # A comma list, as SQLite's group_concat: parsed by numpy in one call,
        # faster than an int8[] turned into Python ints (18 against 20 ms for
        # 28,000 ids, of which the heap visits are 14).
        ids = "string_agg(CAST(id AS text), ',')"
        text = f"SELECT %s, {ids} FROM {FACTS} WHERE search_vector @@ CAST(%s AS tsquery)"
        title = f"SELECT %s, {ids} FROM {TITLES} WHERE title_vector @@ CAST(%s AS tsquery)"
        plain, mixed = split_text(query, held.text) if held else (query.tokens, [])
        any_word = query.match == "any"
        if not mixed:
            sets = [(TEXT, text, pg_tsquery(query.tokens, any_word=any_word))]
        else:
            sets = [(REST, text, pg_tsquery(plain, any_word=any_word))] if plain else []
            for i, alternatives in enumerate(mixed):
                for j, (_, rest) in enumerate(alternatives):
                    if rest is not None:
                        sets.append((part("part", i, j), text, rest))

        def title_word(token: str) -> list[tuple]:
            alternatives = split_token(token, held.titles) if held else None
            if alternatives is None:
                return [(column_search.title_word(token), title, pg_tsquery([token]))]
            return [
                (part("title part", token, j), title, rest)
                for j, (_, rest) in enumerate(alternatives)
                if rest is not None
            ]

        phrase = _pg_phrase
    else:
        text = title = f"SELECT %s, group_concat(rowid) FROM {FTS} WHERE {FTS} MATCH %s"
        sets = [(TEXT, text, fts5_match(query.tokens, any_word=query.match == "any"))]
        phrase = lambda words: "title_seg : " + _fts5_phrase(words)  # noqa: E731

        def title_word(token: str) -> list[tuple]:
            match = "title_seg : (" + fts5_match([token]) + ")"
            return [(column_search.title_word(token), title, match)]

    if ranked:
        if len(query.phrase_words) >= 2:
            sets.append((column_search.PHRASE, title, phrase(query.phrase_words)))
        for token in dict.fromkeys(query.tokens):
            sets.extend(title_word(token))
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


def combine_held(
    snapshot: columns.Snapshot, query: SearchQuery, found: dict, ranked: bool
) -> tuple[np.ndarray, dict]:
    """The snapshot rows whose text matches the query, and the title sets the
    pool score reads, from the SQL sets of a split statement (match_sets_sql)
    and the held words' bits: an alternative needs its held words and its
    ``part``; a query word needs one of its alternatives; the query needs
    every query word (or, ``match == "any"``, one), those with no held word
    matched in SQL together as REST."""
    held = snapshot.words
    # Long enough for every id SQL gave and every id the bits cover.
    reached = [int(ids.max()) + 1 for ids in found.values() if len(ids)]
    count = max([held.text.size, held.titles.size, *reached])

    def marked(name) -> np.ndarray:
        out = np.zeros(count, dtype=bool)
        out[found.get(name, np.zeros(0, dtype=np.int64))] = True
        return out

    def token_mask(bits, alternatives, name_of) -> np.ndarray:
        either = np.zeros(count, dtype=bool)
        for j, (words, rest) in enumerate(alternatives):
            every = marked(name_of(j)) if rest is not None else np.ones(count, dtype=bool)
            for word in words:
                every &= bits.mask(word, count)
            either |= every
        return either

    if TEXT in found:
        rows = snapshot.positions(found[TEXT])
    else:
        plain, mixed = split_text(query, held.text)
        combined = marked(REST) if plain else None
        for i, alternatives in enumerate(mixed):
            either = token_mask(held.text, alternatives, lambda j, i=i: part("part", i, j))
            if combined is None:
                combined = either
            elif query.match == "any":
                combined |= either
            else:
                combined &= either
        rows = snapshot.positions(np.flatnonzero(combined))
    titles = {}
    if ranked:
        sql_only = (TEXT, REST)
        titles = {k: v for k, v in found.items() if k not in sql_only and k[0] not in SPLIT_KINDS}
        for token in dict.fromkeys(query.tokens):
            alternatives = split_token(token, held.titles)
            if alternatives is not None:
                name_of = lambda j, token=token: part("title part", token, j)  # noqa: E731
                titles[column_search.title_word(token)] = np.flatnonzero(
                    token_mask(held.titles, alternatives, name_of)
                )
    return rows, titles


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
        if snapshot.words is None:
            rows = snapshot.positions(found.pop(TEXT))
            return column_search.answer(snapshot, rows, query, found if ranked else None)
        rows, titles = combine_held(snapshot, query, found, ranked)
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
        change_log.prune_changes()
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
