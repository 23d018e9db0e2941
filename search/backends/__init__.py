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
    from django.utils.translation import gettext_noop

    from core.i18n import bilingual

    raise ValueError(
        bilingual(
            gettext_noop("Unknown search backend %(name)s (use database or elasticsearch)"),
            name=repr(name),
        )
    )


__all__ = ["SearchBackend", "get_backend"]
