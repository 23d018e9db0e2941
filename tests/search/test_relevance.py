"""The judged relevance set on the embedded backend (SQLite FTS5).

tests/integration/test_search_postgres.py scores the same set on PostgreSQL.
"""

import pytest

from search import relevance

from .conftest import assert_matches_reference

pytestmark = pytest.mark.django_db


def test_metrics_are_right_on_small_cases():
    assert relevance.recall_at(["a", "b"], ("a", "c")) == 0.5
    assert relevance.recall_at(["x"] * 10 + ["a"], ("a",)) == 0.0
    assert relevance.ndcg_at(["a", "b"], ("a", "b")) == pytest.approx(1.0)
    assert relevance.ndcg_at(["b", "a"], ("a", "b")) < 1.0
    assert relevance.ndcg_at([], ("a",)) == 0.0


def test_the_set_is_big_enough_and_consistent():
    corpus = dict(relevance.load_corpus())
    judgements = relevance.load_queries()
    assert len(judgements) >= 50
    assert sum(1 for j in judgements if j.query.isascii()) >= 5  # some English queries
    assert {d.subject_codes[0] for d in corpus.values()} == set("ทควสพศงอ")
    for j in judgements:
        assert set(j.relevant) <= set(corpus), j.query


def test_recall_and_ndcg_on_sqlite(relevance_catalog):
    score = relevance.evaluate(relevance.catalog_run(), relevance.load_queries())
    print("sqlite", score.as_dict(), score.misses)
    assert score.recall_at_10 >= 0.97, score.misses
    assert score.ndcg_at_10 >= 0.95, score.misses


def test_matches_are_exactly_the_reference_words(relevance_catalog):
    assert_matches_reference()


def test_common_words_and_variants_on_the_judged_items(relevance_catalog):
    """Every content word of PyThaiNLP's stop list that the judged items hold finds
    something; every variant spelling gives the same top ten as its folded form."""
    common = relevance.common_word_queries()
    assert len(common) >= 40
    assert [w for w in common if not relevance.top_ids(w, k=1)] == []
    pairs = relevance.variant_pairs()
    assert len(pairs) >= 20
    assert [p for p in pairs if relevance.top_ids(p[0]) != relevance.top_ids(p[1])] == []
