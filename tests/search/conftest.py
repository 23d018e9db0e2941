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
