"""The interface every search backend implements.

The catalog table (search.models.CatalogEntry) is always written first; a
backend then indexes those rows and answers queries with entry ids.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..query import BackendResult, SearchQuery


class SearchBackend:
    name = "base"

    def index_entries(self, entry_ids: Iterable[int]) -> None:
        """Bring the index up to date with these catalog rows (already saved)."""

    def remove_entries(self, entry_ids: Iterable[int]) -> None:
        """Forget these entries (called before their rows are deleted)."""

    def search(self, query: SearchQuery) -> BackendResult:
        raise NotImplementedError

    def autocomplete(self, prefix_tokens: list[str], query: SearchQuery) -> list[int]:
        """Entry ids whose titles contain every token, the last one as a prefix."""
        raise NotImplementedError

    # A full rebuild: begin → index batches into the target → finish swaps it in.
    def begin_rebuild(self) -> str:
        return ""

    def index_into(self, target: str, entry_ids: Iterable[int]) -> None:
        self.index_entries(entry_ids)

    def finish_rebuild(self, target: str) -> None:
        """Make the rebuilt index the live one."""

    def after_bulk_write(self) -> None:
        """Refresh statistics and index state after many catalog rows were written."""
