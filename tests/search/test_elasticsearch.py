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
    assert analyzer == {"type": "custom", "tokenizer": "whitespace", "filter": ["lowercase"]}
    props = body["mappings"]["properties"]
    assert props["title_seg"] == {"type": "text", "analyzer": "khlang_presegmented"}
    assert props["body_seg"] == {"type": "text", "analyzer": "khlang_presegmented"}
    assert props["title"] == {"type": "text", "analyzer": "thai"}
    for field in ("subjects", "grades", "doc_type", "school", "visibility"):
        assert props[field] == {"type": "keyword"}
    assert props["published_at"] == {"type": "date"}
    assert props["popularity"] == {"type": "float"}


def test_query_words_filters_facets_sort_highlight_and_page():
    query = build_query(
        "สังเคราะห์แสง พืช",
        audience=Audience(authenticated=True, user_id=5, school_id=9),
        filters={"subject": ["ว"], "grade": ["ป.5", "ป.6"]},
        page=3,
        page_size=10,
    )
    body = build_search(query, "khlang-catalog").to_dict()
    words = body["query"]["bool"]["must"]
    compound = words[0]["bool"]
    assert compound["minimum_should_match"] == 1
    assert compound["should"][0] == {
        "multi_match": {"query": "สังเคราะห์แสง", "fields": ["title_seg^5.0", "body_seg"]}
    }
    assert [m["multi_match"]["query"] for m in compound["should"][1]["bool"]["must"]] == [
        "สังเคราะห์", "แสง"
    ]  # fmt: skip
    assert words[1] == {"multi_match": {"query": "พืช", "fields": ["title_seg^5.0", "body_seg"]}}
    filters = body["query"]["bool"]["filter"][0]["bool"]["filter"]
    visibility = filters[0]["bool"]["should"]
    assert {"term": {"visibility": "public"}} in visibility
    assert {
        "bool": {"filter": [{"term": {"visibility": "school"}}, {"term": {"school_id": 9}}]}
    } in visibility
    assert {
        "bool": {"filter": [{"term": {"visibility": "private"}}, {"term": {"owner_id": 5}}]}
    } in visibility
    assert {"term": {"visibility": "teachers"}} not in visibility
    assert {"terms": {"subjects": ["ว"]}} in filters
    assert {"terms": {"grades": ["ป.5", "ป.6"]}} in filters
    assert body["aggs"]["subject"] == {"terms": {"field": "subjects", "size": 50}}
    assert set(body["aggs"]) == {"subject", "grade", "type", "school"}
    assert body["sort"][0] == "_score"
    assert body["from"] == 20 and body["size"] == 10
    assert body["highlight"]["pre_tags"] == ["<mark>"]
    assert set(body["highlight"]["fields"]) == {"title", "description"}


def test_subject_words_boost_their_group_as_on_the_database():
    """ "ดาวเคราะห์" is a science word in the curriculum dictionary: science items'
    scores are doubled, as the database backend multiplies bm25/ts_rank."""
    body = build_search(build_query("ดาวเคราะห์"), "a").to_dict()
    (boosted,) = body["query"]["bool"]["must"]
    assert boosted["function_score"]["functions"] == [
        {"filter": {"terms": {"subjects": ["ว"]}}, "weight": 2.0}
    ]
    assert boosted["function_score"]["boost_mode"] == "multiply"
    (word_or_parts,) = boosted["function_score"]["query"]["bool"]["must"]
    word = word_or_parts["bool"]["should"][0]
    assert word == {"multi_match": {"query": "ดาวเคราะห์", "fields": ["title_seg^5.0", "body_seg"]}}
    # Sorted by date the score does not matter: no boost.
    dated = build_search(build_query("ดาวเคราะห์", sort="date"), "a").to_dict()
    assert "function_score" not in dated["query"]["bool"]["must"][0]


def test_any_word_date_sort_and_mirror():
    query = build_query("แสง พืช", audience=Audience(held_only=True), sort="date")
    query.match = "any"
    body = build_search(query, "a").to_dict()
    assert body["query"]["bool"]["minimum_should_match"] == 1
    assert len(body["query"]["bool"]["should"]) == 2
    assert body["sort"][0] == {"published_at": {"order": "desc", "missing": "_last"}}
    assert {"term": {"held": True}} in body["query"]["bool"]["filter"][0]["bool"]["filter"]


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
    from search.backends.elastic import ElasticsearchBackend

    alias = "khlang-test-catalog"
    backend = ElasticsearchBackend(alias=alias)
    relevance.load_into_catalog()
    target = backend.begin_rebuild()
    backend.index_into(target, CatalogEntry.objects.values_list("id", flat=True))
    backend.finish_rebuild(target)
    try:
        score = relevance.evaluate(relevance.catalog_run(backend), relevance.load_queries())
        assert score.recall_at_10 >= 0.9, score.misses
        second = backend.begin_rebuild()
        backend.index_into(second, CatalogEntry.objects.values_list("id", flat=True))
        backend.finish_rebuild(second)
        assert list(backend.client.indices.get_alias(name=alias)) == [second]
    finally:
        backend.client.indices.delete(index=f"{alias}-v*", ignore_unavailable=True)
