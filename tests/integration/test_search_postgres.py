"""Search on PostgreSQL: the judged set, the same matches as SQLite, and index
updates done by a real Celery worker after a page is published."""

import pytest
from django.db import connection

from search import relevance
from search.models import CatalogEntry
from search.query import Audience
from search.service import build_query, search
from search.thai import index_tokens

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
    assert lexemes == expected


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
        assert browse.total == maths and dict(browse.facets["subject"]) == {"ค": maths}
        assert len(browse.hits) == min(maths, 20)
    typo = search(build_query("พีทากอรัส", audience=Audience()))
    assert typo.mode == "corrected" and typo.hits[0].entry.object_key == "ma13"


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
