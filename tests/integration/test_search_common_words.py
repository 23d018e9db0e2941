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


def catalog_words(source, share: str) -> list[str]:
    """Every word of ``source`` (table, vector column) in the catalog ("all"),
    or every other one ("half": query words then mix held and unheld words)."""
    table, column = source
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT DISTINCT unnest(tsvector_to_array({column})) AS w FROM {table} ORDER BY w"
        )
        words = [row[0] for row in cursor.fetchall()]
    return words if share == "all" else words[::2]


@pytest.fixture
def held(monkeypatch):
    """Hold the catalog's words in the text and in titles (as if each were
    common), loaded in line; ``held.share`` picks which."""

    class Held:
        share = "all"

    monkeypatch.setattr(common_words, "BACKGROUND", False)
    monkeypatch.setattr(common_words, "COMMON_MATCHES", 1)
    monkeypatch.setattr(
        common_words, "commonest", lambda cursor, source, limit: catalog_words(source, Held.share)
    )
    columns.forget()
    yield Held
    columns.forget()


def without_bits(monkeypatch):
    monkeypatch.setattr(common_words, "commonest", lambda cursor, source, limit: [])
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
    text = "การเรียนรู้ภาษาไทย"
    by_date = backend.search(build_query(text, audience=audience, sort="date"))
    assert by_date.total and sent == []  # no text, no title sets: no statement at all
    ranked = backend.search(build_query(text, audience=audience))
    assert ranked.total == by_date.total
    # Only the title phrase (it needs word positions) goes to SQL.
    (sql, params) = sent[-1]
    assert "search_catalog_facts" not in sql and sql.count("SELECT") == 1
    assert params == [0, "'การเรียนรู้' <-> 'ภาษาไทย'"]


def test_writes_reach_the_bits(db, held):
    """The columns' own write checks, run with every word held as soon as it
    is in the catalog at the first search."""
    column_checks.test_every_write_reaches_the_columns()
    assert columns.current().words is not None
    columns.forget()
    column_checks.test_a_rolled_back_savepoint_is_forgotten()
    assert columns.current().words is not None


def test_the_commonest_words_are_counted_and_kept_within_memory(db, monkeypatch):
    """Words in at least COMMON_MATCHES entries, commonest first, in the text
    and in titles; no more than MAX_BYTES of bits, text words first."""
    relevance.load_into_catalog()
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*), max(id) FROM search_catalog_facts")
        entries, top = cursor.fetchone()
        cursor.execute(
            "SELECT w, count(*) FROM search_catalog_facts, "
            "unnest(tsvector_to_array(search_vector)) AS w GROUP BY w"
        )
        counts = dict(cursor.fetchall())
        threshold = entries // 10
        monkeypatch.setattr(common_words, "COMMON_MATCHES", threshold)
        words = common_words.commonest(cursor, common_words.TEXT_SOURCE, 1000)
        assert words and "การ" in words
        assert set(words) == {w for w, n in counts.items() if n >= threshold}
        assert [counts[w] for w in words] == sorted((counts[w] for w in words), reverse=True)
        assert common_words.commonest(cursor, common_words.TEXT_SOURCE, 3) == words[:3]

        bits = common_words.load(cursor)
        assert set(bits.text.index) == set(words)
        assert bits.text.size > top and bits.titles.size > top
        # Room for two words' bits: the two commonest text words, no title word.
        monkeypatch.setattr(common_words, "MAX_BYTES", 2 * bits.text.row_bytes)
        small = common_words.load(cursor)
        assert list(small.text.index) == words[:2] and not small.titles.index
        monkeypatch.setattr(common_words, "COMMON_MATCHES", entries + 1)
        assert common_words.load(cursor) is None


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

    def slow_load(cursor):
        bits = real_load(cursor)
        loaded.set()
        if not release.wait(30):
            raise TimeoutError("never released")
        return bits

    monkeypatch.setattr(common_words, "load", slow_load)
    monkeypatch.setattr(common_words, "BACKGROUND", True)
    monkeypatch.setattr(common_words, "COMMON_MATCHES", 1)
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
        assert snapshot.words is not None and snapshot.words.text.holds("ภูเขาไฟ")
        assert snapshot.words.titles.holds("ภูเขาไฟ")
        assert found("ภูเขาไฟ")[0] == ["ภูเขาไฟ ระเบิด", "ภูเขาไฟ ระเบิด ครั้งใหม่"]
        assert found("ระเบิด")[0] == ["ภูเขาไฟ ระเบิด", "ภูเขาไฟ ระเบิด ครั้งใหม่"]
        assert found("ทะเล")[0] == []
    finally:
        release.set()
        columns.forget()
