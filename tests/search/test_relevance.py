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
    assert score.recall_at_10 >= 0.9, score.misses
    assert score.ndcg_at_10 >= 0.8, score.misses


def test_matches_are_exactly_the_reference_words(relevance_catalog):
    assert_matches_reference()
