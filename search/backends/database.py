"""The embedded default: full text in the database that holds the catalog.

SQLite uses an FTS5 table over CatalogEntry.title_seg/body_seg, kept in step by
triggers (migration 0002); PostgreSQL uses a GIN-indexed tsvector of the same
columns with the ``simple`` configuration. Both see the words search.thai
produced, and both match a word exactly (or as a prefix, for autocomplete), so
a query finds the same entries on either.

A query never reads the wide catalog rows of its matches: visibility, filters,
facets and sort keys come from the narrow facts table (migration 0003), and
only the page's rows are loaded afterwards.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection

from ..conf import search_settings
from ..query import FACETS, BackendResult, SearchQuery
from ..thai import query_alternatives
from .base import SearchBackend

ENTRY = "search_catalogentry"
FACTS = "search_catalog_facts"
FTS = "search_catalog_fts"


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
    """Like pg_tsquery with the last word a prefix, restricted to title lexemes (weight A)."""
    parts = [_pg_word(t) for t in tokens]
    return " & ".join(p + (":*A" if i == len(parts) - 1 else ":A") for i, p in enumerate(parts))


def _has_code(column: str, codes: list[str]) -> tuple[str, list]:
    """SQL true when the "|"-joined ``column`` of row ``e`` holds any of ``codes``."""
    test = f"('|' || e.{column} || '|') LIKE %s ESCAPE '\\'"
    patterns = []
    for code in codes:
        escaped = code.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        patterns.append(f"%|{escaped}|%")
    return "(" + " OR ".join([test] * len(codes)) + ")", patterns


def filter_sql(query: SearchQuery) -> tuple[list[str], list]:
    """WHERE clauses (on the facts row ``e``) for visibility and facet filters, with params."""
    clauses: list[str] = []
    params: list = []
    rules = query.audience.visibility_rules()
    ors = []
    for visibility, extra in rules:
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
    for facet in FACETS:
        values = list(dict.fromkeys(str(v) for v in query.filters.get(facet, []) if str(v)))
        if not values:
            continue
        if facet in MULTI_VALUED:
            # Codes are stored "|"-joined on the row: one pass, no join per value.
            clause, patterns = _has_code(MULTI_VALUED[facet], values)
            clauses.append(clause)
            params += patterns
        elif facet == "type":
            clauses.append(f"e.doc_type IN ({', '.join(['%s'] * len(values))})")
            params += values
        else:  # school: an id; a value that is not one matches nothing
            ids = [int(v) for v in values if v.isdigit()]
            if not ids:
                clauses.append("1 = 0")
                continue
            clauses.append(f"e.school_id IN ({', '.join(['%s'] * len(ids))})")
            params += ids
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
    return "e.score DESC, e.popularity DESC, e.id DESC"


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


def _boosted(score: str, subjects: tuple[str, ...]) -> tuple[str, list]:
    """The score times SUBJECT_BOOST for items of the query's subject groups."""
    if not subjects:
        return score, []
    boost = float(search_settings.SUBJECT_BOOST)
    test, patterns = _has_code("subject_codes", list(subjects))
    return f"({score}) * (CASE WHEN {test} THEN {boost} ELSE 1.0 END)", patterns


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
        ``source``/``where`` the match, each with its parameters (FTS5 drives and
        its matches are looked up in the facts table by rowid; PostgreSQL uses
        the GIN index), and ``score`` its relevance (bm25 with the title
        weighted, or ts_rank with title words weighted A)."""
        if self.vendor == "postgresql":
            expr = pg_tsquery(tokens, any_word=any_word)
            return {
                "source": (f"{FACTS} e, CAST(%s AS tsquery) q", [expr]),
                "where": ("e.search_vector @@ q", []),
                "score": "ts_rank(e.search_vector, q, 1)",
            }
        weight = float(search_settings.TITLE_WEIGHT)
        return {
            "source": (f"{FTS} JOIN {FACTS} e ON e.id = {FTS}.rowid", []),
            "where": (f"{FTS} MATCH %s", [fts5_match(tokens, any_word=any_word)]),
            "score": f"-bm25({FTS}, {weight}, 1.0)",
        }

    def search(self, query: SearchQuery) -> BackendResult:
        """The page, the total and the facet counts in one statement.

        The matches, with their score, facet and sort values, are computed
        once as a materialised common table expression ``m``, reading only
        the narrow facts table; the page is its top rows (sorted with LIMIT
        inside the database, so no match travels to Python), and every facet
        is one GROUP BY over it. Multi-valued codes are grouped by their
        stored "|"-joined form, which has few distinct values, and split in
        count_facets.
        """
        clauses, params = filter_sql(query)
        ranked = bool(query.tokens) and query.sort == "relevance"
        source, head, score = (FACTS + " e", [], "NULL")
        if query.tokens:
            text = self._text(query.tokens, query.match == "any")
            source, head = text["source"]
            where, where_params = text["where"]
            clauses.insert(0, where)
            params = where_params + params
            if ranked:
                score, boost_params = _boosted(text["score"], query.subjects)
                head = boost_params + head  # the select list comes before FROM
        order = order_sql(query.sort, ranked)
        columns = ", ".join(["e.id", "e.popularity", "e.published_at", *FACET_COLUMNS.values()])
        # Every branch of the UNION gives (kind, value as text, score, number).
        parts = [
            "SELECT 'hit', CAST(p.id AS TEXT), p.score, p.n FROM "
            f"(SELECT e.id, e.score, ROW_NUMBER() OVER (ORDER BY {order}) AS n "
            f"FROM (SELECT * FROM m e ORDER BY {order} LIMIT %s OFFSET %s) e) p",
            "SELECT 'total', NULL, NULL, COUNT(*) FROM m",
        ]
        for name in FACETS if query.with_facets else ():
            column = FACET_COLUMNS[name]
            parts.append(
                f"SELECT '{name}', CAST({column} AS TEXT), NULL, COUNT(*) FROM m GROUP BY {column}"
            )
        sql = (
            f"WITH m AS MATERIALIZED (SELECT {columns}, {score} AS score "
            f"FROM {source} WHERE {' AND '.join(clauses)}) " + " UNION ALL ".join(parts)
        )
        # Parameters in text order: the score's, PostgreSQL's tsquery in FROM,
        # SQLite's MATCH and the filters in WHERE, then the page.
        with connection.cursor() as cursor:
            cursor.execute(sql, [*head, *params, query.page_size, query.offset])
            rows = cursor.fetchall()
        hits = sorted((r for r in rows if r[0] == "hit"), key=lambda r: r[3])
        total = next((r[3] for r in rows if r[0] == "total"), 0)
        groups = [(r[0], r[1], r[3]) for r in rows if r[0] in FACETS]
        return BackendResult(
            ids=[int(r[1]) for r in hits],
            total=total,
            scores={int(r[1]): float(r[2] or 0) for r in hits},
            facets=count_facets(groups),
        )

    def autocomplete(self, prefix_tokens: list[str], query: SearchQuery) -> list[int]:
        if not prefix_tokens:
            return []
        # Titles only: FTS5 column filter, or the title-weighted lexemes in PostgreSQL.
        if self.vendor == "postgresql":
            source, match, head = (
                f"{FACTS} e, CAST(%s AS tsquery) q",
                "e.search_vector @@ q",
                [pg_title_tsquery(prefix_tokens)],
            )
            order = "ts_rank(e.search_vector, q, 1) DESC"
        else:
            expr = "title_seg : (" + fts5_match(prefix_tokens, prefix_last=True) + ")"
            source = f"{FTS} JOIN {FACTS} e ON e.id = {FTS}.rowid"
            match, head = f"{FTS} MATCH %s", [expr]
            order = f"bm25({FTS}, 1.0, 0.0)"
        clauses, params = filter_sql(query)
        sql = (
            f"SELECT e.id FROM {source} WHERE {match} AND {' AND '.join(clauses)} "
            f"ORDER BY {order}, e.popularity DESC, e.id LIMIT %s"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, head + params + [query.page_size])
            return [r[0] for r in cursor.fetchall()]
