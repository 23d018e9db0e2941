"""Elasticsearch 8 backend, through elasticsearch-dsl.

The index gets the same pre-segmented words as the database backend
(``title_seg``/``body_seg``, split on whitespace only), so a query matches the
same words everywhere; the original title and description are kept too,
analysed with Elasticsearch's ``thai`` analyzer, for highlighting.

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
)

from ..conf import search_settings
from ..models import CatalogEntry
from ..query import BackendResult, SearchQuery
from ..thai import query_alternatives
from .base import SearchBackend

# Words were cut by search.thai already: split on spaces, nothing else.
presegmented = analyzer("khlang_presegmented", tokenizer="whitespace", filter=["lowercase"])
FACET_FIELDS = {"subject": "subjects", "grade": "grades", "type": "doc_type", "school": "school"}


class CatalogDoc(Document):
    """One catalog entry in Elasticsearch; _id is the CatalogEntry id."""

    entry_id = Long()
    title = Text(analyzer="thai")
    description = Text(analyzer="thai")
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


def bulk_actions(entries: Iterable[CatalogEntry], index: str) -> list[dict]:
    return [
        {"_op_type": "index", "_index": index, "_id": e.id, "_source": entry_source(e)}
        for e in entries
    ]


def _word(word: str) -> Q:
    weight = search_settings.TITLE_WEIGHT
    return Q("multi_match", query=word, fields=[f"title_seg^{weight}", "body_seg"])


def text_query(tokens: list[str], any_word: bool) -> Q:
    """Each word matches itself or all its compound parts, as in the database backend."""
    groups = []
    for token in tokens:
        alternatives = [
            _word(words[0]) if len(words) == 1 else Q("bool", must=[_word(w) for w in words])
            for words in query_alternatives(token)
        ]
        groups.append(
            alternatives[0]
            if len(alternatives) == 1
            else Q("bool", should=alternatives, minimum_should_match=1)
        )
    if any_word:
        return Q("bool", should=groups, minimum_should_match=1)
    return Q("bool", must=groups)


def subject_boosted(text: Q, subjects: tuple[str, ...]) -> Q:
    """The text score times SUBJECT_BOOST for items of the query's subject groups,
    as the database backend multiplies bm25/ts_rank."""
    return Q(
        "function_score",
        query=text,
        functions=[
            {
                "filter": {"terms": {"subjects": list(subjects)}},
                "weight": float(search_settings.SUBJECT_BOOST),
            }
        ],
        score_mode="multiply",
        boost_mode="multiply",
    )


def visibility_filter(query: SearchQuery) -> list[Q]:
    ors = []
    for visibility, extra in query.audience.visibility_rules():
        must = [Q("term", visibility=visibility)]
        must += [Q("term", **{column: value}) for column, value in extra.items()]
        ors.append(must[0] if len(must) == 1 else Q("bool", filter=must))
    filters = [Q("bool", should=ors, minimum_should_match=1)]
    if query.audience.held_only:
        filters.append(Q("term", held=True))
    for facet, field in FACET_FIELDS.items():
        values = [str(v) for v in query.filters.get(facet, []) if str(v)]
        if values:
            filters.append(Q("terms", **{field: values}))
    return filters


def build_search(query: SearchQuery, index: str) -> Search:
    """The whole request for one search: query, filters, facets, sort, highlight, page."""
    search = Search(index=index)
    if query.tokens:
        text = text_query(query.tokens, query.match == "any")
        if query.subjects and query.sort == "relevance":
            text = subject_boosted(text, query.subjects)
        search = search.query(text)
    search = search.filter(Q("bool", filter=visibility_filter(query)))
    if query.sort == "date" or (query.sort == "relevance" and not query.tokens):
        search = search.sort({"published_at": {"order": "desc", "missing": "_last"}}, "-entry_id")
    elif query.sort == "popularity":
        search = search.sort("-popularity", "-entry_id")
    else:
        search = search.sort("_score", "-popularity", "-entry_id")
    if query.with_facets:
        for facet, field in FACET_FIELDS.items():
            search.aggs.bucket(facet, "terms", field=field, size=50)
    if query.text:
        search = search.highlight("title", "description", fragment_size=160, number_of_fragments=1)
        search = search.highlight_options(
            pre_tags=["<mark>"],
            post_tags=["</mark>"],
            encoder="html",
            highlight_query=Q(
                "multi_match", query=query.text, fields=["title", "description"]
            ).to_dict(),
        )
    search = search.extra(track_total_hits=True)
    return search[query.offset : query.offset + query.page_size]


def build_autocomplete(tokens: list[str], query: SearchQuery, index: str) -> Search:
    search = Search(index=index).query(
        Q("match_bool_prefix", title_seg={"query": " ".join(tokens)})
    )
    search = search.filter(Q("bool", filter=visibility_filter(query)))
    return search.sort("_score", "-popularity").source(False)[: query.page_size]


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
        response = build_search(query, self.alias).using(self.client).execute()
        ids, scores, highlights = [], {}, {}
        for hit in response.hits:
            entry_id = int(hit.meta.id)
            ids.append(entry_id)
            scores[entry_id] = float(hit.meta.score or 0)
            marked = getattr(hit.meta, "highlight", None)
            if marked:
                highlights[entry_id] = {
                    "title": " ".join(getattr(marked, "title", [])),
                    "body": " ".join(getattr(marked, "description", [])),
                }
        facets = {}
        if query.with_facets and hasattr(response, "aggregations"):
            for facet in FACET_FIELDS:
                buckets = getattr(response.aggregations, facet, None)
                if buckets is not None:
                    facets[facet] = [(b.key, b.doc_count) for b in buckets.buckets]
        return BackendResult(
            ids=ids,
            total=response.hits.total.value,
            scores=scores,
            facets=facets,
            highlights=highlights,
        )

    def autocomplete(self, prefix_tokens: list[str], query: SearchQuery) -> list[int]:
        response = build_autocomplete(prefix_tokens, query, self.alias).using(self.client).execute()
        return [int(hit.meta.id) for hit in response.hits]
