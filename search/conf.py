"""Search settings, read from settings.KHLANG_SEARCH with defaults (as DRF does).

from search.conf import search_settings
search_settings.BACKEND
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

from core.conf import AppSettings

DEFAULTS: dict[str, Any] = {
    # "database" (SQLite FTS5 / PostgreSQL full text) or "elasticsearch";
    # "auto" picks Elasticsearch when ELASTICSEARCH_URL is set.
    "BACKEND": "auto",
    # PyThaiNLP engine; newmm measured best on tests/search/relevance (see README).
    "SEGMENTER": "newmm",
    # The alias searches go through; versioned indices are "<alias>-v<stamp>".
    "ES_ALIAS": "khlang-catalog",
    "ES_URL": "",
    "PAGE_SIZE": 20,
    # How much a title match counts against a body match.
    "TITLE_WEIGHT": 5.0,
    # How much more an item counts when its subject group is the one the
    # query's curriculum words belong to (search.thai.query_subjects).
    "SUBJECT_BOOST": 2.0,
    # How many of the best pool matches the shared rerank orders (search.ranking).
    "RERANK_DEPTH": 100,
    # Facet values returned per facet: enough for every school of an area (~120).
    "FACET_SIZE": 200,
    # Rows per batch for reindexing and bulk indexing.
    "BATCH_SIZE": 200,
}


class SearchSettings(AppSettings):
    """Search's settings; ES_URL falls back to Django's ELASTICSEARCH_URL."""

    def _load(self) -> dict[str, Any]:
        values = super()._load()
        values["ES_URL"] = values["ES_URL"] or getattr(settings, "ELASTICSEARCH_URL", "")
        return values

    @property
    def backend_name(self) -> str:
        if self.BACKEND == "auto":
            return "elasticsearch" if self.ES_URL else "database"
        return self.BACKEND


search_settings = SearchSettings("KHLANG_SEARCH", DEFAULTS, also_reload_on=["ELASTICSEARCH_URL"])
