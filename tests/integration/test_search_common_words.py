"""Search on PostgreSQL with the commonest words held as bits in memory
(search.common_words): the same matches and the same order as through the GIN
index alone, held words never sent to SQL, and every write (including one
made while the bits load) reaching the bits."""

import threading
from dataclasses import replace

import pytest
from django.db import connection

from search import columns, common_words, relevance
from search.backends import get_backend
from search.indexing import save_documents
from search.models import CatalogEntry
from search.query import Audience
from search.service import build_query

from ..search import test_columns as column_checks  # a module: its tests not collected twice
from ..search.conftest import assert_matches_reference
from ..search.test_columns import found
from ..search.test_service import doc

pytestmark = pytest.mark.integration


def catalog_words(share: str) -> list[str]:
    """Every word the catalog holds ("all"), or every other one ("half": query
    words then mix held and unheld words)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT DISTINCT unnest(tsvector_to_array(search_vector)) AS w "
            "FROM search_catalog_facts ORDER BY w"
        )
        words = [row[0] for row in cursor.fetchall()]
    return words if share == "all" else words[::2]


@pytest.fixture
def held(monkeypatch):
    """Hold the catalog's words (as the statistics would name the commonest),
    loaded in line; ``held.share`` picks which."""

    class Held:
        share = "all"

    monkeypatch.setattr(common_words, "BACKGROUND", False)
    monkeypatch.setattr(common_words, "commonest", lambda cursor: catalog_words(Held.share))
    columns.forget()
    yield Held
    columns.forget()


def without_bits(monkeypatch):
    monkeypatch.setattr(common_words, "commonest", lambda cursor: [])
    columns.forget()


def every_judged_query():
    for j in relevance.load_queries():
        for match in ("all", "any"):
            query = build_query(j.query, audience=Audience(sees_all=True), page_size=100)
            yield replace(query, match=match)


@pytest.mark.parametrize("share", ["all", "half"])
def test_the_same_answers_with_and_without_the_bits(db, held, monkeypatch, share):
    """Each judged query in both match modes: the same ids in the same order,
    the same total and facet counts, whether its words come from the bits,
    from SQL or from both."""
    held.share = share
    relevance.load_into_catalog()
    backend = get_backend("database")
    with_bits = [backend.search(q) for q in every_judged_query()]
    assert columns.current().words is not None
    assert_matches_reference()
    without_bits(monkeypatch)
    plain = [backend.search(q) for q in every_judged_query()]
    assert columns.current().words is None
    for query, a, b in zip(every_judged_query(), with_bits, plain, strict=True):
        assert (a.ids, a.total, a.facets) == (b.ids, b.total, b.facets), (query.text, query.match)


def test_held_words_are_not_sent_to_sql(db, held):
    relevance.load_into_catalog()
    backend = get_backend("database")
    sent = []
    original = backend._fetch

    def spy(sql, params, *, text):
        sent.append((sql, params))
        return original(sql, params, text=text)

    backend._fetch = spy
    audience = Audience(sees_all=True)
    by_date = backend.search(build_query("การเรียนรู้", audience=audience, sort="date"))
    assert by_date.total and sent == []  # no text, no title sets: no statement at all
    ranked = backend.search(build_query("การเรียนรู้", audience=audience))
    assert ranked.total == by_date.total
    (sql, _params) = sent[-1]
    assert "search_catalog_facts" not in sql  # only the title sets the ranking reads


def test_writes_reach_the_bits(db, held):
    """The columns' own write checks, run with every word held as soon as it
    is in the catalog at the first search."""
    column_checks.test_every_write_reaches_the_columns()
    assert columns.current().words is not None
    columns.forget()
    column_checks.test_a_rolled_back_savepoint_is_forgotten()
    assert columns.current().words is not None


def test_the_commonest_words_come_from_the_statistics(db, monkeypatch):
    """After ANALYZE the planner's element statistics name the words in many
    entries; a word below the threshold is left to the GIN index."""
    relevance.load_into_catalog()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE search_catalog_facts")
        cursor.execute("SELECT count(*) FROM search_catalog_facts")
        (entries,) = cursor.fetchone()
        cursor.execute(
            "SELECT w, count(*) FROM search_catalog_facts, "
            "unnest(tsvector_to_array(search_vector)) AS w GROUP BY w"
        )
        counts = dict(cursor.fetchall())
        monkeypatch.setattr(common_words, "COMMON_MATCHES", entries // 10)
        words = common_words.commonest(cursor)
    assert words and "การ" in words
    # Every table row was sampled (it is small), so the counts are exact.
    assert all(counts[w] >= entries // 10 for w in words)
    assert [counts[w] for w in words] == sorted((counts[w] for w in words), reverse=True)
    assert not any(counts[w] < entries // 10 for w in words)
    rare = [w for w, n in counts.items() if n == 1]
    assert rare and not set(rare) & set(words)


@pytest.mark.django_db(transaction=True)
def test_a_write_committed_while_the_bits_load_is_replayed(monkeypatch):
    """The bits load in a thread of their own, on their own connection. An
    entry saved and one deleted meanwhile are read again before the bits are
    used, so searches see them exactly as the GIN index would."""
    save_documents(
        [
            ("t", "old", doc("ภูเขาไฟ ระเบิด")),
            ("t", "gone", doc("ภูเขาไฟ ใต้ทะเล")),
        ]
    )
    loaded, release = threading.Event(), threading.Event()
    real_load = common_words.load

    def slow_load(cursor, words):
        bits = real_load(cursor, words)
        loaded.set()
        if not release.wait(30):
            raise TimeoutError("never released")
        return bits

    monkeypatch.setattr(common_words, "load", slow_load)
    monkeypatch.setattr(common_words, "BACKGROUND", True)
    monkeypatch.setattr(common_words, "commonest", lambda cursor: catalog_words("all"))
    columns.forget()
    try:
        assert found("ภูเขาไฟ")[0] == ["ภูเขาไฟ ระเบิด", "ภูเขาไฟ ใต้ทะเล"]  # starts the load
        assert loaded.wait(30)
        save_documents([("t", "new", doc("ภูเขาไฟ ระเบิด ครั้งใหม่"))])
        CatalogEntry.objects.filter(object_key="gone").delete()
        # Still loading: the GIN index answers, with both changes.
        assert found("ภูเขาไฟ")[0] == ["ภูเขาไฟ ระเบิด", "ภูเขาไฟ ระเบิด ครั้งใหม่"]
        release.set()
        snapshot = columns.warm()
        assert snapshot.words is not None and snapshot.words.holds("ภูเขาไฟ")
        assert found("ภูเขาไฟ")[0] == ["ภูเขาไฟ ระเบิด", "ภูเขาไฟ ระเบิด ครั้งใหม่"]
        assert found("ระเบิด")[0] == ["ภูเขาไฟ ระเบิด", "ภูเขาไฟ ระเบิด ครั้งใหม่"]
        assert found("ทะเล")[0] == []
    finally:
        release.set()
        columns.forget()
