"""Named actions that change the catalog. Tasks and commands call these."""

from __future__ import annotations

from django.apps import apps

from .backends import get_backend
from .indexing import delete_entries, save_documents
from .models import CatalogEntry
from .registry import CatalogSource, source_for


def object_key(obj) -> str:
    return str(obj.pk)


def index_object(model_label: str, pk) -> str:
    """Re-read one object and bring its catalog entry up to date.

    Idempotent: an object that is gone, unpublished or no longer visible loses its
    entry; otherwise its entry is rewritten. Returns what happened.
    """
    model = apps.get_model(model_label)
    obj = model._default_manager.filter(pk=pk).first()
    if obj is not None and hasattr(obj, "specific") and callable(getattr(obj, "get_parent", None)):
        obj = obj.specific  # a Wagtail page: its own type carries the fields
    source = source_for(obj) if obj is not None else None
    if source is None:
        return "removed" if remove_object(model_label, pk) else "skipped"
    return index_with_source(source, obj)


def index_with_source(source: CatalogSource, obj) -> str:
    doc = source.to_document(obj)
    key = object_key(obj)
    if doc is None:
        removed = delete_entries(CatalogEntry.objects.filter(source=source.name, object_key=key))
        return "removed" if removed else "skipped"
    ids = save_documents([(source.name, key, doc)])
    get_backend().index_entries(ids)
    return "indexed"


def remove_object(model_label: str, pk) -> int:
    """Drop every entry for this object, whichever source wrote it."""
    from .registry import sources

    model = apps.get_model(model_label)
    names = [s.name for s in sources() if issubclass(s.get_model(), model)
             or issubclass(model, s.get_model())]  # fmt: skip
    return delete_entries(CatalogEntry.objects.filter(source__in=names, object_key=str(pk)))
