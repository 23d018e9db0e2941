"""The embedded default: full text in the database that holds the catalog.

SQLite uses an FTS5 table over CatalogEntry.title_seg/body_seg, kept in step by
triggers (migration 0002); PostgreSQL uses a GIN-indexed tsvector of the same
columns with the ``simple`` configuration. Both see the words search.thai
produced, and both match a word exactly (or as a prefix, for autocomplete), so
a query finds the same entries on either.

A query never reads the wide catalog rows of its matches: visibility, filters,
facets and sort keys come from the narrow facts table (migration 0003), and
only the page's rows are loaded afterwards. On PostgreSQL that table is kept
narrow (migration 0006): the GIN index hands back heap addresses, so every
match costs a visit to its row, and a common word has tens of thousands.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection, transaction

from .. import ranking
from ..query import FACETS, BackendResult, SearchQuery
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


def _has_code(column: str, codes: list[str]) -> tuple[str, list]:
    """SQL true when the "|"-joined ``column`` of row ``e`` holds any of ``codes``."""
    test = f"('|' || e.{column} || '|') LIKE %s ESCAPE '\\'"
    patterns = []
    for code in codes:
        escaped = code.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        patterns.append(f"%|{escaped}|%")
    return "(" + " OR ".join([test] * len(codes)) + ")", patterns


def visibility_sql(query: SearchQuery) -> tuple[list[str], list]:
    """WHERE clauses (on the facts row ``e``) for what the audience may see, with params."""
    clauses: list[str] = []
    params: list = []
    ors = []
    for visibility, extra in query.audience.visibility_rules():
        if not extra:
            ors.append("e.visibility = %s")
            params.append(visibility)
        else:
            ((column, value),) = extra.items()
            ors.append(f"(e.visibility = %s AND e.{column} = %s)")
            params += [visibility, value]
    clauses.append("(" + " OR ".join(ors) + ")")
    if query.audience.held_only:
        clauses.append("e.held = %s")
        params.append(True)
    return clauses, params


def facet_sql(query: SearchQuery) -> dict[str, tuple[str, list]]:
    """One WHERE clause (with params) per facet the query filters on; values of
    one facet are alternatives (multi-select), facets are all required."""
    out: dict[str, tuple[str, list]] = {}
    for facet in FACETS:
        values = list(dict.fromkeys(str(v) for v in query.filters.get(facet, []) if str(v)))
        if not values:
            continue
        if facet in MULTI_VALUED:
            # Codes are stored "|"-joined on the row: one pass, no join per value.
            out[facet] = _has_code(MULTI_VALUED[facet], values)
        elif facet == "type":
            out[facet] = (f"e.doc_type IN ({', '.join(['%s'] * len(values))})", values)
        else:  # school: an id; a value that is not one matches nothing
            ids = [int(v) for v in values if v.isdigit()]
            placeholders = ", ".join(["%s"] * len(ids))
            out[facet] = (f"e.school_id IN ({placeholders})", ids) if ids else ("1 = 0", [])
    return out


def filter_sql(query: SearchQuery) -> tuple[list[str], list]:
    """WHERE clauses (on the facts row ``e``) for visibility and facet filters, with params."""
    clauses, params = visibility_sql(query)
    for clause, values in facet_sql(query).values():
        clauses.append(clause)
        params += values
    return clauses, params


# Facets whose values are "|"-joined codes on the row (the others hold one value).
MULTI_VALUED = {"subject": "subject_codes", "grade": "grade_codes"}
FACET_COLUMNS = {
    "subject": "subject_codes",
    "grade": "grade_codes",
    "type": "doc_type",
    "school": "school_id",
}


def order_sql(sort: str, has_text: bool) -> str:
    if sort == "date" or (sort != "popularity" and not has_text):
        return "e.published_at DESC NULLS LAST, e.id DESC"
    if sort == "popularity":
        return "e.popularity DESC, e.id DESC"
    # The pool order of search.ranking: coarse score, then shorter items, then id.
    return "e.score DESC, e.length ASC, e.id DESC"


def count_facets(rows) -> dict[str, list[tuple[str, int]]]:
    """Facet counts from (facet, stored value, count) groups.

    A multi-valued group ("ป.4|ป.5") counts once for each code it holds; every
    facet's values come most frequent first, then by value.
    """
    counts: dict[str, dict[str, int]] = {}
    for facet, stored, n in rows:
        if stored is None or stored == "":
            continue
        codes = set(stored.split("|")) if facet in MULTI_VALUED else {str(stored)}
        bucket = counts.setdefault(facet, {})
        for code in codes:
            if code:
                bucket[code] = bucket.get(code, 0) + n
    return {
        facet: sorted(bucket.items(), key=lambda item: (-item[1], item[0]))
        for facet, bucket in counts.items()
    }


def _fts5_phrase(words: tuple[str, ...]) -> str:
    return '"' + " ".join(w.replace('"', "") for w in words) + '"'


def _pg_phrase(words: tuple[str, ...]) -> str:
    return " <-> ".join(_pg_word(w) for w in words)


def _points(test: str, points: int) -> str:
    return f"(CASE WHEN {test} THEN {points} ELSE 0 END)"


def pool_score(query: SearchQuery, vendor: str) -> tuple[str, list]:
    """The coarse pool score of search.ranking as SQL over the facts row ``e``,
    with its parameters: integer points for the phrase in the title, each query
    word in the title and the subject group, alike on SQLite and PostgreSQL.
    Only title words are read for every match (a phrase in the body counts in
    the rerank, over the pool alone)."""
    terms: list[str] = []
    params: list = []
    if vendor == "postgresql":
        # The ids whose title holds the words, from the title table's GIN index
        # (hashed once, then probed per match), as FTS5 does below: no vector is
        # read per match, and the title-match set is small even for common words.
        in_title = f"e.id IN (SELECT id FROM {TITLES} WHERE title_vector @@ CAST(%s AS tsquery))"
        group = lambda token: pg_tsquery([token])  # noqa: E731
        phrase = _pg_phrase
    else:
        in_title = f"e.id IN (SELECT rowid FROM {FTS} WHERE {FTS} MATCH %s)"
        phrase = lambda words: "title_seg : " + _fts5_phrase(words)  # noqa: E731

        group = lambda token: "title_seg : (" + fts5_match([token]) + ")"  # noqa: E731
    if len(query.phrase_words) >= 2:
        terms.append(_points(in_title, ranking.PHRASE_POINTS))
        params.append(phrase(query.phrase_words))
    for g in ranking.query_groups(query.tokens):
        terms.append(_points(in_title, g.title_points))
        params.append(group(g.token))
    if query.subjects:
        test, patterns = _has_code("subject_codes", list(query.subjects))
        terms.append(_points(test, ranking.SUBJECT_POINTS))
        params += patterns
    return "(" + " + ".join(terms or ["0"]) + ")", params


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

    def _text(self, tokens: list[str], any_word: bool) -> dict:
        """SQL pieces of a text match over the facts table (alias ``e``):
        ``source`` and ``where``, each with its parameters (FTS5 drives and its
        matches are looked up in the facts table by rowid; PostgreSQL uses the
        GIN index)."""
        if self.vendor == "postgresql":
            expr = pg_tsquery(tokens, any_word=any_word)
            return {
                "source": (f"{FACTS} e", []),
                "where": ("e.search_vector @@ CAST(%s AS tsquery)", [expr]),
            }
        return {
            "source": (f"{FTS} JOIN {FACTS} e ON e.id = {FTS}.rowid", []),
            "where": (f"{FTS} MATCH %s", [fts5_match(tokens, any_word=any_word)]),
        }

    def search(self, query: SearchQuery) -> BackendResult:
        """The page, the total and the facet counts in one statement.

        The matches the audience may see, with their pool score, facet and sort
        values, are computed once as a materialised common table expression
        ``m``, reading only the narrow facts table; ``f`` is ``m`` narrowed by
        the facet filters. The page is the top of ``f`` (sorted with LIMIT
        inside the database, so no match travels to Python) and the total its
        size. Each facet is counted over ``m`` narrowed by the *other* facets'
        filters, so choosing a value keeps its siblings' counts (multi-select).
        Multi-valued codes are grouped by their stored "|"-joined form, which
        has few distinct values, and split in count_facets.
        """
        clauses, params = visibility_sql(query)
        facet_filters = facet_sql(query)
        ranked = bool(query.tokens) and query.sort == "relevance"
        source, head, score = (FACTS + " e", [], "NULL")
        if query.tokens:
            text = self._text(query.tokens, query.match == "any")
            source, source_params = text["source"]
            where, where_params = text["where"]
            clauses.insert(0, where)
            params = source_params + where_params + params
            if ranked:
                score, head = pool_score(query, self.vendor)
        order = order_sql(query.sort, ranked)
        columns = ", ".join(
            ["e.id", "e.popularity", "e.published_at", "e.length", *FACET_COLUMNS.values()]
        )
        sql_params = [*head, *params]
        narrowed = "m"
        if facet_filters:
            where_all = " AND ".join(c for c, _ in facet_filters.values())
            narrowed = f"(SELECT * FROM m e WHERE {where_all})"
            narrowed_params = [v for _, values in facet_filters.values() for v in values]
        # Every branch of the UNION gives (kind, value as text, score, number).
        parts = [
            "SELECT 'hit', CAST(p.id AS TEXT), p.score, p.n FROM "
            f"(SELECT e.id, e.score, ROW_NUMBER() OVER (ORDER BY {order}) AS n "
            f"FROM (SELECT * FROM {narrowed} e ORDER BY {order} LIMIT %s OFFSET %s) e) p",
            f"SELECT 'total', NULL, NULL, COUNT(*) FROM {narrowed} e",
        ]
        if facet_filters:
            sql_params += narrowed_params
        sql_params += [query.page_size, query.offset]
        if facet_filters:
            sql_params += narrowed_params
        for name in FACETS if query.with_facets else ():
            column = FACET_COLUMNS[name]
            others = [(c, v) for f, (c, v) in facet_filters.items() if f != name]
            where_others = " AND ".join(c for c, _ in others) or "1 = 1"
            parts.append(
                f"SELECT '{name}', CAST({column} AS TEXT), NULL, COUNT(*) FROM m e "
                f"WHERE {where_others} GROUP BY {column}"
            )
            sql_params += [v for _, values in others for v in values]
        sql = (
            f"WITH m AS MATERIALIZED (SELECT {columns}, {score} AS score "
            f"FROM {source} WHERE {' AND '.join(clauses)}) " + " UNION ALL ".join(parts)
        )
        rows = self._fetch(sql, sql_params, text=bool(query.tokens))
        hits = sorted((r for r in rows if r[0] == "hit"), key=lambda r: r[3])
        total = next((r[3] for r in rows if r[0] == "total"), 0)
        groups = [(r[0], r[1], r[3]) for r in rows if r[0] in FACETS]
        return BackendResult(
            ids=[int(r[1]) for r in hits],
            total=total,
            scores={int(r[1]): float(r[2] or 0) for r in hits},
            facets=count_facets(groups),
        )

    def _fetch(self, sql: str, params: list, *, text: bool) -> list[tuple]:
        """Rows of one statement; on PostgreSQL a text match is planned on its GIN index.

        The planner charges a sequential scan nothing for reading each row's
        vector out of TOAST, so for a word in more than about a fifth of the
        catalog it prefers reading every vector (1.6 s at 100,000 entries) to
        the index (10-20 ms). Sequential scans are turned off for this one
        statement only: SET LOCAL lasts to the end of the transaction, and
        inside a caller's transaction the previous value is put back. Nothing
        else in these statements wants a sequential scan.
        """
        with connection.cursor() as cursor:
            if not (text and self.vendor == "postgresql"):
                cursor.execute(sql, params)
                return cursor.fetchall()
            enclosed = connection.in_atomic_block
            with transaction.atomic():
                if enclosed:
                    cursor.execute("SHOW enable_seqscan")
                    previous = cursor.fetchone()[0]
                cursor.execute("SET LOCAL enable_seqscan = off")
                cursor.execute(sql, params)
                rows = cursor.fetchall()
                if enclosed:
                    cursor.execute("SELECT set_config('enable_seqscan', %s, true)", [previous])
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
        with connection.cursor() as cursor:
            if self.vendor == "postgresql":
                command = "ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)"
                cursor.execute(f"{command} {', '.join(CATALOG_TABLES)}")
            elif self.vendor == "sqlite":
                cursor.execute(f"INSERT INTO {FTS}({FTS}) VALUES ('optimize')")
                cursor.execute("ANALYZE")

    def autocomplete(self, prefix_tokens: list[str], query: SearchQuery) -> list[int]:
        if not prefix_tokens:
            return []
        # Titles only: FTS5 column filter, or the title-weighted lexemes in PostgreSQL.
        if self.vendor == "postgresql":
            source, match, head = (
                f"{TITLES} t JOIN {FACTS} e ON e.id = t.id",
                "t.title_vector @@ CAST(%s AS tsquery)",
                [pg_title_tsquery(prefix_tokens)],
            )
            order = "e.length"
        else:
            expr = "title_seg : (" + fts5_match(prefix_tokens, prefix_last=True) + ")"
            source = f"{FTS} JOIN {FACTS} e ON e.id = {FTS}.rowid"
            match, head = f"{FTS} MATCH %s", [expr]
            order = "e.length"
        clauses, params = filter_sql(query)
        sql = (
            f"SELECT e.id FROM {source} WHERE {match} AND {' AND '.join(clauses)} "
            f"ORDER BY {order}, e.popularity DESC, e.id LIMIT %s"
        )
        rows = self._fetch(sql, head + params + [query.page_size], text=True)
        return [r[0] for r in rows]
