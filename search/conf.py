"""Search settings, read from settings.KHLANG_SEARCH with defaults (as DRF does).

from search.conf import search_settings
search_settings.BACKEND
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.signals import setting_changed

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


class SearchSettings:
    def __init__(self, defaults: dict[str, Any]):
        self._defaults = defaults
        self._cache: dict[str, Any] = {}

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_") or name not in self._defaults:
            raise AttributeError(f"Unknown search setting: {name!r}")
        if name not in self._cache:
            user = getattr(settings, "KHLANG_SEARCH", {}) or {}
            value = user.get(name, self._defaults[name])
            if name == "ES_URL" and not value:
                value = getattr(settings, "ELASTICSEARCH_URL", "")
            self._cache[name] = value
        return self._cache[name]

    @property
    def backend_name(self) -> str:
        if self.BACKEND == "auto":
            return "elasticsearch" if self.ES_URL else "database"
        return self.BACKEND

    def reload(self) -> None:
        self._cache.clear()


search_settings = SearchSettings(DEFAULTS)


def _reload(*, setting: str, **kwargs) -> None:
    if setting in {"KHLANG_SEARCH", "ELASTICSEARCH_URL"}:
        search_settings.reload()


setting_changed.connect(_reload)
