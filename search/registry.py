"""The registry of catalog sources: how each app's objects become catalog documents.

An app adds its objects to search by declaring a source in ``<app>/search_catalog.py``
(imported by search at start-up, like wagtail_hooks.py)::

    from search.registry import CatalogSource, register
    from search.documents import CatalogDocument, DocType, Visibility

    class MediaItemSource(CatalogSource):
        name = "media_center.mediaitem"
        model = "media_center.MediaItem"

        def get_queryset(self):
            return super().get_queryset().select_related("school")

        def to_document(self, obj):
            if not obj.is_published:
                return None            # not in the catalog: removed if present
            return CatalogDocument(title=obj.title, url=obj.get_absolute_url(), ...)

    register(MediaItemSource())

and, whenever such an object is published, changed, withdrawn or deleted, sends
``core.signals.catalog_changed(sender=type(obj), instance=obj, action=...)``.
Search enqueues the update after the transaction commits. Wagtail pages need no
signal: their publish, unpublish and delete are followed already.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from django.apps import apps
from django.db import models
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_noop

from core.i18n import bilingual

from .documents import CatalogDocument

_SOURCES: dict[str, CatalogSource] = {}


class CatalogSource:
    """Turns objects of one model into CatalogDocuments.

    ``name`` is the stable key stored with each document; ``model`` is the model
    class or its "app_label.ModelName".
    """

    name: str = ""
    model: type[models.Model] | str = ""

    def get_model(self) -> type[models.Model]:
        if isinstance(self.model, str):
            return apps.get_model(self.model)
        return self.model

    def get_queryset(self) -> models.QuerySet:
        """Every object that might be in the catalog; ``to_document`` decides."""
        return self.get_model()._default_manager.all()

    def to_document(self, obj: models.Model) -> CatalogDocument | None:
        """The document for ``obj``, or None if it must not be searchable."""
        raise NotImplementedError

    def handles(self, obj: models.Model) -> bool:
        return isinstance(obj, self.get_model())

    def iter_batches(self, after_pk=None, batch_size: int = 200) -> Iterator[list[models.Model]]:
        """Objects in primary-key order, from after ``after_pk``: resumable reindexing."""
        qs = self.get_queryset().order_by("pk")
        while True:
            page = qs.filter(pk__gt=after_pk) if after_pk is not None else qs
            batch = list(page[:batch_size])
            if not batch:
                return
            yield batch
            after_pk = batch[-1].pk


def register(source: CatalogSource) -> CatalogSource:
    """Add a source (idempotent by name, so a re-imported module does no harm)."""
    if not source.name:
        raise ValueError("a CatalogSource needs a name")
    _SOURCES[source.name] = source
    return source


def unregister(name: str) -> None:
    _SOURCES.pop(name, None)


def sources() -> list[CatalogSource]:
    return list(_SOURCES.values())


def get_source(name: str) -> CatalogSource:
    try:
        return _SOURCES[name]
    except KeyError:
        raise LookupError(
            bilingual(
                gettext_noop("No catalog source named %(name)s; known: %(known)s"),
                name=repr(name),
                known=", ".join(sorted(_SOURCES)) or "-",
            )
        ) from None


def source_for(obj: models.Model) -> CatalogSource | None:
    """The most specific source handling ``obj`` (a page's own type beats Page)."""
    matches = [s for s in _SOURCES.values() if s.handles(obj)]
    if not matches:
        return None
    return max(matches, key=lambda s: len(s.get_model().__mro__))


def sources_named(names: Iterable[str] | None) -> list[CatalogSource]:
    return [get_source(n) for n in names] if names else sources()


def autodiscover() -> None:
    """Import every installed app's search_catalog module, then opted-in pages."""
    autodiscover_modules("search_catalog")
    from .pages import register_opted_in_pages

    register_opted_in_pages()
