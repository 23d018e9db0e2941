"""Demo content for search: index what the demo created, so search works at once."""

from __future__ import annotations


def load_demo_catalog() -> int:
    """Index every registered source now (the demo's pages are created without the
    publish signal that would otherwise queue them). Returns the entries written."""
    from .models import CatalogEntry
    from .reindex import reindex

    reindex()
    return CatalogEntry.objects.count()


# Found by core.demo.load_demo: this app's place among the apps, then its loader.
DEMO_ORDER = 40
load_demo_content = load_demo_catalog
