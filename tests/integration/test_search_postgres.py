"""Search on PostgreSQL: the judged set, the same matches as SQLite, and index
updates done by a real Celery worker after a page is published."""

import pytest
from django.db import connection

from search import relevance
from search.models import CatalogEntry
from search.query import Audience
from search.service import build_query, search
from search.thai import PARTS_MARK, index_tokens

from ..search.conftest import assert_matches_reference
from .conftest import wait_until

pytestmark = pytest.mark.integration


@pytest.fixture
def relevance_catalog(db):
    relevance.load_into_catalog()


def test_postgres_lexemes_are_exactly_our_words(relevance_catalog):
    """The tsvector the trigger keeps in the facts table holds the words search.thai
    produced, unchanged."""
    entry = CatalogEntry.objects.get(object_key="sc05")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT array(SELECT unnest(tsvector_to_array(search_vector)) ORDER BY 1) "
            "FROM search_catalog_facts WHERE id = %s",
            [entry.id],
        )
        lexemes = set(cursor.fetchone()[0])
    expected = set(index_tokens(entry.title)) | set(entry.body_seg.split())
    assert lexemes == expected - {PARTS_MARK}


def test_recall_and_ndcg_on_postgres(relevance_catalog):
    score = relevance.evaluate(relevance.catalog_run(), relevance.load_queries())
    print("postgres", score.as_dict(), score.misses)
    assert score.recall_at_10 >= 0.9, score.misses
    assert score.ndcg_at_10 >= 0.8, score.misses


def test_same_matches_as_the_reference_and_so_as_sqlite(relevance_catalog):
    assert_matches_reference()


def test_facets_filters_and_autocomplete_on_postgres(relevance_catalog):
    from search.service import autocomplete

    results = search(build_query("เศษส่วน", audience=Audience(), filters={"grade": ["ป.5"]}))
    assert results.hits[0].entry.object_key == "ma07"
    assert all("ป.5" in h.entry.grade_codes.split("|") for h in results.hits)
    assert dict(results.facets["grade"])["ป.5"] == results.total
    assert [i["url"] for i in autocomplete("ระบบย่อ")] == ["/relevance/sc11/"]
    maths = sum(1 for _, d in relevance.load_corpus() if d.subject_codes == ["ค"])
    for sort in ("relevance", "date", "popularity"):  # no words: browsing, unranked
        browse = search(build_query("", audience=Audience(), filters={"subject": ["ค"]}, sort=sort))
        # Multi-select: the chosen subject's count, and the others' counts kept.
        counts = dict(browse.facets["subject"])
        assert browse.total == maths and counts["ค"] == maths and len(counts) == 8
        assert len(browse.hits) == min(maths, 20)
    typo = search(build_query("พีทาโกรสั", audience=Audience()))
    assert typo.mode == "corrected" and typo.hits[0].entry.object_key == "ma13"


def test_same_top_ten_as_sqlite_rules(relevance_catalog):
    """The pool is the same integer score on both databases and the rerank is
    shared: recomputing the pool in Python from the catalog rows gives the
    order PostgreSQL returned (its ties broken alike)."""
    from dataclasses import replace

    from search import ranking
    from search.backends import get_backend

    backend = get_backend("database")
    entries = {e.id: e for e in CatalogEntry.objects.all()}
    for j in relevance.load_queries():
        query = replace(build_query(j.query, audience=Audience(sees_all=True)), page_size=100)
        result = backend.search(query)
        expected = []
        for entry_id in result.ids:
            e = entries[entry_id]
            title = set(e.title_seg.split())
            # The phrase in the title, parts included ("~" takes no position).
            words = " ".join(w for w in e.title_seg.split() if w != "~")
            phrase = " " + " ".join(query.phrase_words) + " "
            points = 0
            if len(query.phrase_words) >= 2 and phrase in f" {words} ":
                points += ranking.PHRASE_POINTS
            for g in ranking.query_groups(query.tokens):
                if any(all(w in title for w in alt) for alt in g.alternatives):
                    points += g.title_points
            if set(e.subject_codes.split("|")) & set(query.subjects):
                points += ranking.SUBJECT_POINTS
            length = len(e.title_seg.split(" ")) * bool(e.title_seg) + len(
                e.body_seg.split(" ")
            ) * bool(e.body_seg)
            expected.append((-points, length, -entry_id))
        assert expected == sorted(expected), j.query


@pytest.mark.django_db(transaction=True)
def test_publishing_a_page_reaches_search_through_the_worker(celery_worker_process, demo_site):
    from core.models import SectionPage

    section = SectionPage(title="คลังสื่อดาราศาสตร์ ระบบสุริยะ", slug="astro", section="media")
    demo_site.add_child(instance=section)
    section.save_revision().publish()
    wait_until(
        lambda: search(build_query("ดาราศาสตร์")).total == 1,
        what="the worker to index the published page",
    )
    section.unpublish()
    wait_until(
        lambda: search(build_query("ดาราศาสตร์")).total == 0,
        what="the worker to drop the unpublished page",
    )
