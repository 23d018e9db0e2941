"""Receivers only enqueue: a recording that became ready marks its session recorded."""

from __future__ import annotations

from django.db import transaction

from core.signals import catalog_changed


def on_catalog_changed(sender, instance=None, action: str = "", **kwargs) -> None:
    from media_center.models import MediaItem

    if sender is MediaItem and action == "publish" and instance is not None:
        from .tasks import mark_recorded_task

        item_id = instance.pk
        transaction.on_commit(lambda: mark_recorded_task.delay(item_id))


def register() -> None:
    """Connect this app's receivers and its entries in other apps' registries."""
    from lms import start_panels
    from notifications import due

    from .panels import calendar_items, course_panel, start_panel

    catalog_changed.connect(on_catalog_changed, dispatch_uid="live.recording_ready")
    start_panels.register(start_panel)
    start_panels.register_course_panel(course_panel)
    due.register_source(calendar_items)
