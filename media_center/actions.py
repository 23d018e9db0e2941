"""State changes of media items, by name: create, process, publish results, delete."""

from __future__ import annotations

import re

from django.db import transaction
from django.utils import timezone
from wagtail.models import Collection

from core.signals import catalog_changed

from .models import MediaItem, MediaKind, Status, TusUpload, upload_storage


def area_collection(area) -> Collection:
    """The area's collection (under the root), created on first use."""
    root = Collection.get_first_root_node() or Collection.add_root(name="Root")
    name = f"{area.name} ({area.code})"
    found = root.get_children().filter(name=name).first()
    return found or root.add_child(name=name)


def school_collection(school) -> Collection:
    """A school's collection, inside its area's: where its teachers upload."""
    parent = area_collection(school.network.area)
    name = f"{school.name} ({school.code})"
    found = parent.get_children().filter(name=name).first()
    return found or parent.add_child(name=name)


def default_collection(user) -> Collection:
    if getattr(user, "school_id", None):
        return school_collection(user.school)
    return Collection.get_first_root_node()


def start_processing(item: MediaItem) -> None:
    """Send the item's file to be checked (and encoded) once the transaction commits."""
    from .tasks import check_file_task

    MediaItem.objects.filter(pk=item.pk).update(
        status=Status.PROCESSING, error_message="", updated_at=timezone.now()
    )  # updated_at: when processing began, for the watchdog (tasks.fail_stuck_items_task)
    item.status = Status.PROCESSING
    if item.type in (MediaKind.VIDEO, MediaKind.AUDIO):
        from transcoding.actions import queue_transcode

        queue_transcode(item)
    elif item.type != MediaKind.LINK:
        transaction.on_commit(lambda: check_file_task.delay(item.pk))


def create_from_upload(upload: TusUpload, **fields) -> MediaItem:
    """Turn a finished resumable upload into a media item and start processing it.

    The bytes go from the upload folder into protected storage (a rename on one
    host's disk, an upload to the object store otherwise); the upload row is
    marked claimed in the same transaction, so a repeated form post creates
    nothing twice.
    """
    with transaction.atomic():
        upload = TusUpload.objects.select_for_update().get(pk=upload.pk)
        if upload.claimed or not upload.complete:
            raise ValueError("upload already used or not complete")
        item = MediaItem(**fields, status=Status.PROCESSING)  # processed below, not by post_save
        name = upload.filename or "upload.bin"
        with upload_storage.open(upload.path, "rb") as handle:
            item.file.save(name, handle, save=False)
        item.save()
        upload.claimed = True
        upload.save(update_fields=["claimed"])
        upload_storage.delete(upload.path)
        start_processing(item)
    return item


def record_probe(item: MediaItem, info) -> None:
    """Measured duration and size; the kind follows the content (no picture: audio)."""
    kind = item.type
    if info.video is None and kind == MediaKind.VIDEO:
        kind = MediaKind.AUDIO
    MediaItem.objects.filter(pk=item.pk).update(
        duration=info.duration, width=info.width, height=info.height, type=kind
    )


_SERVER_PATH = re.compile(r"(?<![:\w/])(?:[A-Za-z]:)?(?:[/\\][\w.\-@]+){2,}[/\\]?")


def mark_failed(item: MediaItem, message: str) -> None:
    """The file was refused or the encode failed: the original stays, the reason shows.

    The reason is shown to the uploader, so any file path in it (an ffmpeg or
    library message) is cut out: the server's layout is nobody's business.
    """
    message = _SERVER_PATH.sub("…", message)
    MediaItem.objects.filter(pk=item.pk).update(status=Status.FAILED, error_message=message)


def mark_ready(item_id: int, info: dict | None = None) -> None:
    MediaItem.objects.filter(pk=item_id).update(status=Status.READY, error_message="")
    item = MediaItem.objects.filter(pk=item_id).first()
    if item is not None:
        catalog_changed.send(sender=MediaItem, instance=item, action="publish")


def switch_rendition(item_id: int, version: str, result) -> bool:
    """Point the item at a finished rendition folder in one UPDATE (atomic switch)."""
    info = {
        "kind": result.kind,
        "duration": result.duration,
        "variants": [
            {k: v[k] for k in ("name", "width", "height", "peak_kbps", "average_kbps")}
            for v in result.variants
        ],
        "lowest_peak_kbps": result.lowest_peak_kbps,
        "poster": result.poster,
        "thumbnail": result.thumbnail,
        "sprite_vtt": result.sprite_vtt,
        "download": result.download,
    }
    updated = MediaItem.objects.filter(pk=item_id).update(
        rendition_version=version, rendition_info=info
    )
    if updated:
        mark_ready(item_id)
    return bool(updated)


def delete_media_item(item: MediaItem) -> None:
    """Delete an item: its running job is cancelled, its files removed (see signal_handlers)."""
    item.delete()
