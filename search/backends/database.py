"""The embedded default: full text in the database that holds the catalog.

SQLite uses an FTS5 table over CatalogEntry.title_seg/body_seg, kept in step by
triggers (migration 0002); PostgreSQL uses a stored, GIN-indexed tsvector
generated from the same columns with the ``simple`` configuration. Both see the
words search.thai produced, and both match a word exactly (or as a prefix, for
autocomplete), so a query finds the same entries on either.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection

from ..conf import search_settings
from ..query import FACETS, BackendResult, SearchQuery
from ..thai import query_alternatives
from .base import SearchBackend

ENTRY = "search_catalogentry"
FACET = "search_catalogfacet"
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


def filter_sql(query: SearchQuery) -> tuple[list[str], list]:
    """WHERE clauses (on alias e) for visibility and facet filters, with params."""
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
        values = [str(v) for v in query.filters.get(facet, []) if str(v)]
        if values:
            marks = ", ".join(["%s"] * len(values))
            clauses.append(
                f"e.id IN (SELECT entry_id FROM {FACET} WHERE facet = %s AND value IN ({marks}))"
            )
            params += [facet, *values]
    return clauses, params


def order_sql(sort: str, has_text: bool) -> str:
    if sort == "date":
        return "e.published_at DESC NULLS LAST, e.id DESC"
    if sort == "popularity":
        return "e.popularity DESC, e.id DESC"
    if has_text:
        return "score DESC, e.popularity DESC, e.id DESC"
    return "e.published_at DESC NULLS LAST, e.id DESC"


class DatabaseBackend(SearchBackend):
    name = "database"

    @property
    def vendor(self) -> str:
        return connection.vendor

    # Triggers (SQLite) and a generated column (PostgreSQL) follow the table.
    def index_entries(self, entry_ids: Iterable[int]) -> None:
        return None

    def remove_entries(self, entry_ids: Iterable[int]) -> None:
        return None

    def _match(self, tokens: list[str], any_word: bool, prefix_last: bool = False):
        """(FROM extra, WHERE clause, score expression, params) for a text match."""
        if self.vendor == "postgresql":
            expr = pg_tsquery(tokens, any_word=any_word, prefix_last=prefix_last)
            return (
                ", CAST(%s AS tsquery) q",
                "e.search_vector @@ q",
                "ts_rank(e.search_vector, q, 1)",
                [expr],
            )
        weight = float(search_settings.TITLE_WEIGHT)
        expr = fts5_match(tokens, any_word=any_word, prefix_last=prefix_last)
        return (
            f" JOIN {FTS} ON {FTS}.rowid = e.id",
            f"{FTS} MATCH %s",
            f"-bm25({FTS}, {weight}, 1.0)",
            [expr],
        )

    def _where(self, query: SearchQuery, prefix_last: bool = False):
        clauses, params = filter_sql(query)
        join, score, match_params = "", "0", []
        if query.tokens:
            join, match_clause, score, match_params = self._match(
                query.tokens, query.match == "any", prefix_last
            )
            clauses.insert(0, match_clause)
        where = " AND ".join(clauses)
        # Parameters in text order: the FROM part (PostgreSQL's tsquery) comes first.
        return join, where, score, match_params, params

    def search(self, query: SearchQuery) -> BackendResult:
        join, where, score, match_params, params = self._where(query)
        pg = self.vendor == "postgresql"
        head = match_params if pg else []
        tail = [] if pg else match_params
        base = f"FROM {ENTRY} e{join} WHERE {where}"
        all_params = head + tail + params
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT e.id, {score} AS score {base} "
                f"ORDER BY {order_sql(query.sort, bool(query.tokens))} LIMIT %s OFFSET %s",
                all_params + [query.page_size, query.offset],
            )
            rows = cursor.fetchall()
            facets: dict[str, list[tuple[str, int]]] = {}
            if not rows and not query.offset:
                total = 0  # nothing matched: no counts to make
            elif query.with_facets:
                cursor.execute(
                    f"SELECT f.facet, f.value, COUNT(*) FROM {FACET} f "
                    f"WHERE f.entry_id IN (SELECT e.id {base}) "
                    "GROUP BY f.facet, f.value ORDER BY COUNT(*) DESC, f.value",
                    all_params,
                )
                for facet, value, count in cursor.fetchall():
                    facets.setdefault(facet, []).append((value, count))
                # Every entry has exactly one type, so the type counts add up to the total.
                total = sum(count for _, count in facets.get("type", []))
            else:
                cursor.execute(f"SELECT COUNT(*) {base}", all_params)
                total = cursor.fetchone()[0]
        return BackendResult(
            ids=[r[0] for r in rows],
            total=total,
            scores={r[0]: float(r[1] or 0) for r in rows},
            facets=facets,
        )

    def autocomplete(self, prefix_tokens: list[str], query: SearchQuery) -> list[int]:
        if not prefix_tokens:
            return []
        # Titles only: FTS5 column filter, or the title-weighted lexemes in PostgreSQL.
        if self.vendor == "postgresql":
            join, match, head = (
                ", CAST(%s AS tsquery) q",
                "e.search_vector @@ q",
                [pg_title_tsquery(prefix_tokens)],
            )
            order = "ts_rank(e.search_vector, q, 1) DESC"
        else:
            expr = "title_seg : (" + fts5_match(prefix_tokens, prefix_last=True) + ")"
            join, match, head = f" JOIN {FTS} ON {FTS}.rowid = e.id", f"{FTS} MATCH %s", [expr]
            order = f"bm25({FTS}, 1.0, 0.0)"
        clauses, params = filter_sql(query)
        sql = (
            f"SELECT e.id FROM {ENTRY} e{join} WHERE {match} AND {' AND '.join(clauses)} "
            f"ORDER BY {order}, e.popularity DESC, e.id LIMIT %s"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, head + params + [query.page_size])
            return [r[0] for r in cursor.fetchall()]
