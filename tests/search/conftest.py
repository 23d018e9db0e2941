"""Fixtures for the search tests: the judged corpus in the catalog, eager tasks."""

from __future__ import annotations

import pytest


@pytest.fixture
def relevance_catalog(db):
    from core.models import GradeLevel  # noqa: F401  (curriculum is seeded by migrations)
    from search import relevance

    relevance.load_into_catalog()
    return relevance


@pytest.fixture
def eager_tasks(settings):
    from khlang.celery import app

    settings.CELERY_TASK_ALWAYS_EAGER = True
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = False


def assert_matches_reference() -> None:
    """Every judged query, in all-words and any-word mode, matches exactly what
    reference_match says: run on SQLite and on PostgreSQL, so both agree."""
    from search import relevance
    from search.backends import get_backend
    from search.models import CatalogEntry
    from search.query import Audience
    from search.service import build_query
    from search.thai import query_tokens

    entries = list(CatalogEntry.objects.all())
    backend = get_backend("database")
    for j in relevance.load_queries():
        for any_word in (False, True):
            query = build_query(j.query, audience=Audience(sees_all=True), page_size=100)
            query.match = "any" if any_word else "all"
            query.page_size = len(entries) + 1  # every match on one page
            got = set(backend.search(query).ids)
            assert got == reference_match(entries, query_tokens(j.query), any_word), j.query


def reference_match(entries, tokens: list[str], any_word: bool = False) -> set[int]:
    """What every backend must match, computed in Python: each query word is in
    the entry's words, or all of one of its compound-part alternatives are."""
    from search.thai import query_alternatives

    found = set()
    for entry in entries:
        words = set(entry.title_seg.split()) | set(entry.body_seg.split())
        groups = [
            any(all(w in words for w in alt) for alt in query_alternatives(t)) for t in tokens
        ]
        if groups and (any(groups) if any_word else all(groups)):
            found.add(entry.id)
    return found


@pytest.fixture(autouse=True)
def database_backend(settings):
    """These tests are about the database backend even where ELASTICSEARCH_URL is set
    (the live Elasticsearch test builds its own backend)."""
    settings.KHLANG_SEARCH = {**getattr(settings, "KHLANG_SEARCH", {}), "BACKEND": "database"}
