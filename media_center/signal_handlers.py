"""Receivers: only cheap bookkeeping and enqueuing (DESIGN.md)."""

from __future__ import annotations

from django.db import transaction
from django.db.models.signals import post_save, pre_delete

from core.signals import catalog_changed

from .models import MediaItem, Status, protected_storage


def cancel_and_remove_files(sender, instance: MediaItem, **kwargs):
    """Deleting an item stops its encode (kill by pid) and removes its files after commit."""
    from transcoding.actions import cancel_jobs, remove_renditions

    cancel_jobs(instance.pk)
    item_id, original = instance.pk, instance.file.name

    def remove():
        remove_renditions(item_id)
        if original:
            protected_storage.delete(original)

    transaction.on_commit(remove)
    catalog_changed.send(sender=MediaItem, instance=instance, action="delete")


def process_new_file(sender, instance: MediaItem, created: bool, **kwargs):
    """An item saved with a file and still PENDING (e.g. from the admin) gets processed."""
    if instance.status == Status.PENDING and (instance.file or instance.type == "link"):
        from .actions import mark_ready, start_processing

        if instance.type == "link":
            transaction.on_commit(lambda: mark_ready(instance.pk))
        else:
            start_processing(instance)


def register() -> None:
    """Connect the media center's receivers; called once from MediaCenterConfig.ready."""
    pre_delete.connect(cancel_and_remove_files, sender=MediaItem)
    post_save.connect(process_new_file, sender=MediaItem)
