"""Elasticsearch 8 backend, through elasticsearch-dsl.

The index gets the same pre-segmented words as the database backend
(``title_seg``/``body_seg``, split on whitespace only), so a query matches the
same words everywhere. Relevance follows search.ranking: the query's score is
the same integer pool score as the database backend's (constant scores for the
phrase, title words and subject), ties go to the shorter item then the higher
id, and the service reranks the pool in Python, so the top results are the
database's. Highlighting is the service's too, on the stored original text.

Pages past the result window (``index.max_result_window``, 10,000) are
reached with a point in time and ``search_after``; facets return up to
``FACET_SIZE`` values (an area has ~120 schools), each counted with the other
facets' filters only (``post_filter`` narrows the hits), so choosing a value
keeps its siblings' counts.

Indices are versioned (``<alias>-v<timestamp>``) behind one alias. A rebuild
fills a new index while searches keep using the alias, then moves the alias in
one atomic call; updates that arrive during the rebuild go to both indices.

Everything that shapes a request (mapping, query, bulk actions, alias actions)
is built by pure functions below and tested as data.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.utils import timezone
from elasticsearch_dsl import (
    Boolean,
    Date,
    Document,
    Float,
    Index,
    Keyword,
    Long,
    Q,
    Search,
    Text,
    analyzer,
    char_filter,
)

from .. import ranking
from ..conf import search_settings
from ..models import CatalogEntry
from ..query import BackendResult, SearchQuery
from ..thai import query_alternatives
from .base import SearchBackend

# Words were cut by search.thai already: split on spaces, nothing else. The
# parts mark takes no position, as in FTS5 and PostgreSQL, so phrases agree.
parts_mark = char_filter("khlang_parts_mark", "pattern_replace", pattern="~", replacement=" ")
presegmented = analyzer(
    "khlang_presegmented", tokenizer="whitespace", filter=["lowercase"], char_filter=[parts_mark]
)
FACET_FIELDS = {"subject": "subjects", "grade": "grades", "type": "doc_type", "school": "school"}


class CatalogDoc(Document):
    """One catalog entry in Elasticsearch; _id is the CatalogEntry id."""

    entry_id = Long()
    title = Text(index=False)
    description = Text(index=False)
    length = Long()
    title_seg = Text(analyzer=presegmented)
    body_seg = Text(analyzer=presegmented)
    url = Keyword(index=False)
    doc_type = Keyword()
    subjects = Keyword(multi=True)
    grades = Keyword(multi=True)
    indicators = Keyword(multi=True)
    school = Keyword()
    school_id = Long()
    area_id = Long()
    owner_id = Long()
    visibility = Keyword()
    held = Boolean()
    language = Keyword()
    licence = Keyword()
    published_at = Date()
    popularity = Float()


def index_named(name: str) -> Index:
    index = Index(name)
    index.settings(number_of_shards=1, number_of_replicas=0)
    index.document(CatalogDoc)
    return index


def mapping_body(name: str = "khlang-catalog-v0") -> dict:
    """Settings and mappings as sent when an index is created."""
    return index_named(name).to_dict()


def new_index_name(alias: str, now=None) -> str:
    now = now or timezone.now()
    return f"{alias}-v{now:%Y%m%d%H%M%S%f}"


def alias_actions(alias: str, old_indices: Iterable[str], new_index: str) -> list[dict]:
    """One atomic alias move: off every old index, onto the new one."""
    actions = [
        {"remove": {"index": old, "alias": alias}} for old in old_indices if old != new_index
    ]
    actions.append({"add": {"index": new_index, "alias": alias}})
    return actions


def entry_source(entry: CatalogEntry) -> dict:
    return {
        "entry_id": entry.id,
        "title": entry.title,
        "description": entry.description,
        "title_seg": entry.title_seg,
        "body_seg": entry.body_seg,
        "length": entry_length(entry),
        "url": entry.url,
        "doc_type": entry.doc_type,
        "subjects": CatalogEntry.split_codes(entry.subject_codes),
        "grades": CatalogEntry.split_codes(entry.grade_codes),
        "indicators": CatalogEntry.split_codes(entry.indicator_codes),
        "school": str(entry.school_id) if entry.school_id is not None else None,
        "school_id": entry.school_id,
        "area_id": entry.area_id,
        "owner_id": entry.owner_id,
        "visibility": entry.visibility,
        "held": entry.held,
        "language": entry.language,
        "licence": entry.licence,
        "published_at": entry.published_at.isoformat() if entry.published_at else None,
        "popularity": entry.popularity,
    }


def entry_length(entry: CatalogEntry) -> int:
    """Words of title and body, counted as the database trigger counts them."""
    return sum(len(t.split(" ")) if t else 0 for t in (entry.title_seg, entry.body_seg))


def bulk_actions(entries: Iterable[CatalogEntry], index: str) -> list[dict]:
    return [
        {"_op_type": "index", "_index": index, "_id": e.id, "_source": entry_source(e)}
        for e in entries
    ]


MAX_WINDOW = 10_000


def _in(field: str, words: tuple[str, ...]) -> Q:
    terms = [Q("term", **{field: w}) for w in words]
    return terms[0] if len(terms) == 1 else Q("bool", filter=terms)


def _word(token: str, fields: tuple[str, ...] = ("title_seg", "body_seg")) -> Q:
    """The token itself, or all the words of one of its alternatives, in one field."""
    options = [_in(f, alt) for alt in query_alternatives(token) for f in fields]
    return options[0] if len(options) == 1 else Q("bool", should=options, minimum_should_match=1)


def text_query(tokens: list[str], any_word: bool) -> Q:
    """Which items match: each word, itself or all its compound parts, as in the
    database backend (a filter: the score is the pool score alone)."""
    groups = [_word(token) for token in tokens]
    if any_word:
        return Q("bool", should=groups, minimum_should_match=1)
    return Q("bool", filter=groups)


def pool_clauses(query: SearchQuery) -> list[Q]:
    """The integer pool score of search.ranking as constant-score clauses."""
    clauses = []
    if len(query.phrase_words) >= 2:
        phrase = Q("match_phrase", title_seg=" ".join(query.phrase_words))
        clauses.append(Q("constant_score", filter=phrase, boost=ranking.PHRASE_POINTS))
    for group in ranking.query_groups(query.tokens):
        in_title = _word(group.token, ("title_seg",))
        clauses.append(Q("constant_score", filter=in_title, boost=group.title_points))
    if query.subjects:
        subject = Q("terms", subjects=list(query.subjects))
        clauses.append(Q("constant_score", filter=subject, boost=ranking.SUBJECT_POINTS))
    return clauses


def visibility_filter(query: SearchQuery) -> list[Q]:
    ors = []
    for visibility, extra in query.audience.visibility_rules():
        must = [Q("term", visibility=visibility)]
        must += [Q("term", **{column: value}) for column, value in extra.items()]
        ors.append(must[0] if len(must) == 1 else Q("bool", filter=must))
    filters = [Q("bool", should=ors, minimum_should_match=1)]
    if query.audience.held_only:
        filters.append(Q("term", held=True))
    return filters


def facet_filters(query: SearchQuery) -> dict[str, Q]:
    out = {}
    for facet, field in FACET_FIELDS.items():
        values = [str(v) for v in query.filters.get(facet, []) if str(v)]
        if values:
            out[facet] = Q("terms", **{field: values})
    return out


def sort_keys(query: SearchQuery) -> list:
    if query.sort == "date" or (query.sort == "relevance" and not query.tokens):
        return [{"published_at": {"order": "desc", "missing": "_last"}}, {"entry_id": "desc"}]
    if query.sort == "popularity":
        return [{"popularity": "desc"}, {"entry_id": "desc"}]
    return [{"_score": "desc"}, {"length": "asc"}, {"entry_id": "desc"}]


def build_search(query: SearchQuery, index: str | None) -> Search:
    """The whole request for one search: match, pool score, filters, facets, sort, page."""
    search = Search(index=index) if index else Search()
    must = visibility_filter(query)
    if query.tokens:
        must.insert(0, text_query(query.tokens, query.match == "any"))
    should = pool_clauses(query) if query.tokens and query.sort == "relevance" else []
    search = search.query(Q("bool", filter=must, should=should))
    chosen = facet_filters(query)
    if chosen:
        search = search.post_filter(Q("bool", filter=list(chosen.values())))
    if query.with_facets:
        size = int(search_settings.FACET_SIZE)
        for facet, field in FACET_FIELDS.items():
            others = [q for f, q in chosen.items() if f != facet]
            search.aggs.bucket(facet, "filter", filter=Q("bool", filter=others)).bucket(
                "values", "terms", field=field, size=size
            )
    search = search.sort(*sort_keys(query)).source(False).extra(track_total_hits=True)
    if query.offset + query.page_size <= MAX_WINDOW:
        return search[query.offset : query.offset + query.page_size]
    return search.extra(size=query.page_size)


def build_autocomplete(tokens: list[str], query: SearchQuery, index: str) -> Search:
    search = Search(index=index).query(
        Q("match_bool_prefix", title_seg={"query": " ".join(tokens)})
    )
    search = search.filter(Q("bool", filter=visibility_filter(query)))
    return search.sort("_score", "-popularity").source(False)[: query.page_size]


def deep_page(client, search: Search, alias: str, offset: int, size: int):
    """The hits at ``offset`` of a result list longer than the result window:
    walked in window-sized steps with ``search_after`` over one point in time,
    so the list does not shift between steps. Returns the last response."""
    pit = client.open_point_in_time(index=alias, keep_alive="1m")["id"]
    try:
        after, skipped = None, 0
        body = search.to_dict()
        body.pop("from", None)
        while True:
            step = min(MAX_WINDOW, offset - skipped) if skipped < offset else size
            request = {**body, "size": step, "pit": {"id": pit, "keep_alive": "1m"}}
            if skipped < offset:
                request.pop("aggs", None)  # counted once, with the page
            if after is not None:
                request["search_after"] = after
            response = client.search(body=request)
            hits = response["hits"]["hits"]
            if skipped >= offset or not hits:
                return response
            skipped += len(hits)
            after = hits[-1]["sort"]
    finally:
        client.close_point_in_time(id=pit)


class ElasticsearchBackend(SearchBackend):
    name = "elasticsearch"

    def __init__(self, client=None, alias: str | None = None):
        self._client = client
        self.alias = alias or search_settings.ES_ALIAS

    @property
    def client(self):
        if self._client is None:
            from elasticsearch import Elasticsearch

            self._client = Elasticsearch(search_settings.ES_URL, request_timeout=30)
        return self._client

    # -- index management -------------------------------------------------
    def ensure_index(self) -> None:
        """Create a first versioned index behind the alias if there is none."""
        if not self.client.indices.exists_alias(name=self.alias):
            name = new_index_name(self.alias)
            index_named(name).create(using=self.client)
            self.client.indices.update_aliases(actions=alias_actions(self.alias, [], name))

    def _building(self) -> list[str]:
        from ..models import ReindexRun

        return list(
            ReindexRun.objects.filter(backend=self.name, finished_at__isnull=True)
            .exclude(target="")
            .values_list("target", flat=True)
        )

    def index_into(self, target: str, entry_ids: Iterable[int]) -> None:
        from elasticsearch.helpers import bulk

        entries = CatalogEntry.objects.filter(id__in=list(entry_ids))
        bulk(self.client, bulk_actions(entries, target), refresh=False)

    def index_entries(self, entry_ids: Iterable[int]) -> None:
        ids = list(entry_ids)
        self.ensure_index()
        for target in [self.alias, *self._building()]:
            self.index_into(target, ids)

    def remove_entries(self, entry_ids: Iterable[int]) -> None:
        from elasticsearch.helpers import bulk

        ids = list(entry_ids)
        for target in [self.alias, *self._building()]:
            actions = [{"_op_type": "delete", "_index": target, "_id": i} for i in ids]
            bulk(self.client, actions, raise_on_error=False, refresh=False)

    def begin_rebuild(self) -> str:
        name = new_index_name(self.alias)
        index_named(name).create(using=self.client)
        return name

    def finish_rebuild(self, target: str) -> None:
        self.client.indices.refresh(index=target)
        old = (
            list(self.client.indices.get_alias(name=self.alias).keys())
            if self.client.indices.exists_alias(name=self.alias)
            else []
        )
        self.client.indices.update_aliases(actions=alias_actions(self.alias, old, target))
        for name in old:
            if name != target:
                self.client.indices.delete(index=name, ignore_unavailable=True)

    # -- queries ----------------------------------------------------------
    def search(self, query: SearchQuery) -> BackendResult:
        search = build_search(query, self.alias)
        if query.offset + query.page_size <= MAX_WINDOW:
            response = search.using(self.client).execute().to_dict()
        else:
            response = deep_page(
                self.client, search.index(), self.alias, query.offset, query.page_size
            )
        ids, scores = [], {}
        for hit in response["hits"]["hits"]:
            entry_id = int(hit["_id"])
            ids.append(entry_id)
            scores[entry_id] = float(hit.get("_score") or 0)
        facets = {}
        for facet in FACET_FIELDS if query.with_facets else ():
            agg = response.get("aggregations", {}).get(facet)
            if agg is not None:
                buckets = agg["values"]["buckets"]
                facets[facet] = [(str(b["key"]), b["doc_count"]) for b in buckets]
        return BackendResult(
            ids=ids, total=response["hits"]["total"]["value"], scores=scores, facets=facets
        )

    def autocomplete(self, prefix_tokens: list[str], query: SearchQuery) -> list[int]:
        response = build_autocomplete(prefix_tokens, query, self.alias).using(self.client).execute()
        return [int(hit.meta.id) for hit in response.hits]
