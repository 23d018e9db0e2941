"""Search backends behind one interface; ``get_backend()`` picks the configured one."""

from __future__ import annotations

from .base import SearchBackend


def get_backend(name: str | None = None) -> SearchBackend:
    from ..conf import search_settings

    name = name or search_settings.backend_name
    if name == "database":
        from .database import DatabaseBackend

        return DatabaseBackend()
    if name == "elasticsearch":
        from .elastic import ElasticsearchBackend

        return ElasticsearchBackend()
    raise ValueError(
        f"ไม่รู้จักระบบค้นหา {name!r} / unknown search backend {name!r} "
        "(use 'database' or 'elasticsearch')"
    )


__all__ = ["SearchBackend", "get_backend"]
