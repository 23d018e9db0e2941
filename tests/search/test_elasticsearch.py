"""The Elasticsearch backend: mapping, queries and index actions tested as data,
and a live round trip when ELASTICSEARCH_URL points at a server."""

import datetime
import os

import pytest

from search.backends.elastic import (
    alias_actions,
    build_autocomplete,
    build_search,
    bulk_actions,
    mapping_body,
    new_index_name,
)
from search.models import CatalogEntry
from search.query import Audience
from search.service import build_query


def test_mapping_has_presegmented_text_and_keyword_facets():
    body = mapping_body("khlang-catalog-v1")
    analyzer = body["settings"]["analysis"]["analyzer"]["khlang_presegmented"]
    assert analyzer == {
        "type": "custom",
        "tokenizer": "whitespace",
        "filter": ["lowercase"],
        "char_filter": ["khlang_parts_mark"],
    }
    assert body["settings"]["analysis"]["char_filter"]["khlang_parts_mark"] == {
        "type": "pattern_replace",
        "pattern": "~",
        "replacement": " ",
    }
    props = body["mappings"]["properties"]
    assert props["title_seg"] == {"type": "text", "analyzer": "khlang_presegmented"}
    assert props["body_seg"] == {"type": "text", "analyzer": "khlang_presegmented"}
    assert props["title"] == {"type": "text", "index": False}
    assert props["length"] == {"type": "long"}
    for field in ("subjects", "grades", "doc_type", "school", "visibility"):
        assert props[field] == {"type": "keyword"}
    assert props["published_at"] == {"type": "date"}
    assert props["popularity"] == {"type": "float"}


def _const(clause):
    return clause["constant_score"]["boost"], clause["constant_score"]["filter"]


def test_query_is_the_shared_pool_score_filters_and_page():
    """Matching is a filter; the score is the integer pool score of search.ranking
    (phrase 1000, each title word 100 or 10 for a function word, subject 50), so
    the pool is the database backend's, sorted alike (score, shorter, higher id)."""
    query = build_query(
        "สังเคราะห์แสง ของพืช",
        audience=Audience(authenticated=True, user_id=5, school_id=9),
        filters={"subject": ["ว"], "grade": ["ป.5", "ป.6"]},
        page=3,
        page_size=10,
    )
    query.subjects = ("ว",)
    body = build_search(query, "khlang-catalog").to_dict()
    match = body["query"]["bool"]["filter"][0]["bool"]["filter"]
    compound = match[0]["bool"]
    assert compound["minimum_should_match"] == 1
    assert {"term": {"title_seg": "สังเคราะห์แสง"}} in compound["should"]
    assert {
        "bool": {"filter": [{"term": {"body_seg": "สังเคราะห์"}}, {"term": {"body_seg": "แสง"}}]}
    } in compound["should"]
    should = body["query"]["bool"]["should"]
    phrase_points, phrase = _const(should[0])
    assert phrase_points == 1000
    assert phrase == {"match_phrase": {"title_seg": "สังเคราะห์แสง ของ พืช"}}
    assert [_const(c)[0] for c in should[1:]] == [100, 10, 100, 50]
    visibility = body["query"]["bool"]["filter"][1]["bool"]["should"]
    assert {"term": {"visibility": "public"}} in visibility
    assert {
        "bool": {"filter": [{"term": {"visibility": "school"}}, {"term": {"school_id": 9}}]}
    } in visibility
    assert {
        "bool": {"filter": [{"term": {"visibility": "private"}}, {"term": {"owner_id": 5}}]}
    } in visibility
    assert {"term": {"visibility": "teachers"}} not in visibility
    chosen = body["post_filter"]["bool"]["filter"]
    assert {"terms": {"subjects": ["ว"]}} in chosen
    assert {"terms": {"grades": ["ป.5", "ป.6"]}} in chosen
    assert body["sort"] == [{"_score": "desc"}, {"length": "asc"}, {"entry_id": "desc"}]
    assert body["from"] == 20 and body["size"] == 10
    assert "highlight" not in body  # the service highlights the stored text


def test_facets_fit_an_area_and_keep_other_values_counts():
    query = build_query("แสง", filters={"subject": ["ว"], "school": ["7"]})
    aggs = build_search(query, "a").to_dict()["aggs"]
    assert set(aggs) == {"subject", "grade", "type", "school"}
    assert aggs["subject"]["aggs"]["values"]["terms"] == {"field": "subjects", "size": 200}
    # A facet is counted under the other facets' choices, never its own.
    assert aggs["subject"]["filter"] == {"bool": {"filter": [{"terms": {"school": ["7"]}}]}}
    assert aggs["grade"]["filter"]["bool"]["filter"] == [
        {"terms": {"subjects": ["ว"]}},
        {"terms": {"school": ["7"]}},
    ]


def test_dated_and_any_word_searches_have_no_pool_score():
    dated = build_search(build_query("ดาวเคราะห์", sort="date"), "a").to_dict()
    assert dated["query"]["bool"].get("should", []) == []
    assert dated["sort"][0] == {"published_at": {"order": "desc", "missing": "_last"}}
    query = build_query("แสง พืช", audience=Audience(held_only=True), sort="date")
    query.match = "any"
    body = build_search(query, "a").to_dict()
    words = body["query"]["bool"]["filter"][0]["bool"]
    assert words["minimum_should_match"] == 1 and len(words["should"]) == 2
    assert {"term": {"held": True}} in body["query"]["bool"]["filter"]


class FakePitClient:
    """Stands in for an Elasticsearch server (none runs here): answers
    search_after steps from a sorted list of ids."""

    def __init__(self, total: int):
        self.ids = list(range(total, 0, -1))
        self.requests: list[dict] = []
        self.closed = False

    def open_point_in_time(self, index, keep_alive):
        return {"id": "pit-1"}

    def close_point_in_time(self, id):
        self.closed = True

    def search(self, body):
        self.requests.append(body)
        start = 0
        if "search_after" in body:
            start = self.ids.index(body["search_after"][-1]) + 1
        page = self.ids[start : start + body["size"]]
        hits = [{"_id": str(i), "_score": None, "sort": [1.0, 5, i]} for i in page]
        return {"hits": {"total": {"value": len(self.ids)}, "hits": hits}}


def test_deep_pages_walk_with_search_after_over_a_point_in_time():
    from search.backends.elastic import MAX_WINDOW, deep_page

    query = build_query("แสง", page=1000, page_size=20)
    search = build_search(query, "a")
    assert "from" not in search.to_dict() and search.to_dict()["size"] == 20
    client = FakePitClient(25_000)
    response = deep_page(client, search.index(), "a", query.offset, 20)
    ids = [int(h["_id"]) for h in response["hits"]["hits"]]
    assert ids == list(range(25_000 - 19_980, 25_000 - 20_000, -1))
    assert all(r["size"] <= MAX_WINDOW and r["pit"]["id"] == "pit-1" for r in client.requests)
    assert "aggs" in client.requests[-1] and "aggs" not in client.requests[0]
    assert client.closed


def test_autocomplete_query():
    body = build_autocomplete(["การ", "สังเค"], build_query("", page_size=5), "a").to_dict()
    assert body["query"]["bool"]["must"][0] == {
        "match_bool_prefix": {"title_seg": {"query": "การ สังเค"}}
    }
    assert body["size"] == 5 and body["_source"] is False


def test_versioned_indices_and_atomic_alias_move():
    name = new_index_name("khlang-catalog", datetime.datetime(2026, 1, 2, 3, 4, 5, 6))
    assert name == "khlang-catalog-v20260102030405000006"
    assert alias_actions("khlang-catalog", ["khlang-catalog-v1"], "khlang-catalog-v2") == [
        {"remove": {"index": "khlang-catalog-v1", "alias": "khlang-catalog"}},
        {"add": {"index": "khlang-catalog-v2", "alias": "khlang-catalog"}},
    ]


@pytest.mark.django_db
def test_bulk_actions_carry_facets_as_lists():
    entry = CatalogEntry.objects.create(
        source="t", object_key="1", title="แสง", title_seg="แสง", url="/a/", doc_type="video",
        subject_codes="ว|ศ", grade_codes="ป.5", visibility="public", school_id=3,
    )  # fmt: skip
    (action,) = bulk_actions([entry], "idx")
    assert action["_index"] == "idx" and action["_id"] == entry.id
    assert action["_source"]["subjects"] == ["ว", "ศ"]
    assert action["_source"]["school"] == "3" and action["_source"]["title_seg"] == "แสง"


@pytest.mark.skipif(
    not os.environ.get("ELASTICSEARCH_URL"),
    reason="ELASTICSEARCH_URL is not set: no Elasticsearch server to test against",
)
@pytest.mark.django_db
def test_live_round_trip(settings):
    from search import relevance
    from search.backends import get_backend
    from search.backends.elastic import ElasticsearchBackend

    alias = "khlang-test-catalog"
    backend = ElasticsearchBackend(alias=alias)
    relevance.load_into_catalog()
    target = backend.begin_rebuild()
    backend.index_into(target, CatalogEntry.objects.values_list("id", flat=True))
    backend.finish_rebuild(target)
    try:
        judged = relevance.load_queries()
        score = relevance.evaluate(relevance.catalog_run(backend), judged)
        assert score.recall_at_10 >= 0.97, score.misses
        # One relevance model: the same top 10 as the database backend, query by query.
        database = get_backend("database")
        for j in judged:
            assert relevance.top_ids(j.query, backend) == relevance.top_ids(j.query, database), (
                j.query
            )
        second = backend.begin_rebuild()
        backend.index_into(second, CatalogEntry.objects.values_list("id", flat=True))
        backend.finish_rebuild(second)
        assert list(backend.client.indices.get_alias(name=alias)) == [second]
    finally:
        backend.client.indices.delete(index=f"{alias}-v*", ignore_unavailable=True)
