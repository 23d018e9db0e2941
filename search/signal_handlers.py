"""Receivers that keep the catalog current. They only enqueue, after commit."""

from __future__ import annotations

from django.db import transaction
from django.db.models.signals import post_delete

from core.signals import catalog_changed

from .registry import source_for


def enqueue_index(instance) -> None:
    """Schedule a re-read of ``instance`` once the surrounding transaction commits."""
    from .tasks import index_object_task

    label = instance._meta.label_lower
    pk = instance.pk
    transaction.on_commit(lambda: index_object_task.delay(label, pk))


def on_catalog_changed(sender, instance, action: str = "publish", **kwargs) -> None:
    if action not in {"publish", "unpublish", "delete"}:
        raise ValueError(f"catalog_changed: unknown action {action!r}")
    enqueue_index(instance)


def on_page_changed(sender, instance, **kwargs) -> None:
    if source_for(instance.specific if hasattr(instance, "specific") else instance):
        enqueue_index(instance)


def on_deleted(sender, instance, **kwargs) -> None:
    if source_for(instance) is not None:
        enqueue_index(instance)


def register() -> None:
    from wagtail.signals import page_published, page_unpublished

    catalog_changed.connect(on_catalog_changed, dispatch_uid="search.catalog_changed")
    page_published.connect(on_page_changed, dispatch_uid="search.page_published")
    page_unpublished.connect(on_page_changed, dispatch_uid="search.page_unpublished")
    post_delete.connect(on_deleted, dispatch_uid="search.post_delete")
