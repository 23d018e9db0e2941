"""Background work of the media center (default queue)."""

from __future__ import annotations

from celery import shared_task

from .checks import FileCheckError, check_document, check_image


@shared_task(acks_late=True)
def check_file_task(item_id: int) -> str:
    """Check a document or picture by content; mark it ready or failed (original kept)."""
    from .actions import mark_failed, mark_ready
    from .models import MediaItem, MediaKind, protected_storage

    item = MediaItem.objects.filter(pk=item_id).first()
    if item is None or not item.file:
        return "gone"
    path = protected_storage.path(item.file.name)
    try:
        if item.type == MediaKind.IMAGE:
            width, height = check_image(path)
            MediaItem.objects.filter(pk=item_id).update(width=width, height=height)
        else:
            check_document(path)
    except FileCheckError as exc:
        mark_failed(item, str(exc))
        return "invalid"
    mark_ready(item_id)
    return "ready"


STALE_UPLOAD_HOURS = 48


@shared_task
def purge_stale_uploads_task(hours: int = STALE_UPLOAD_HOURS) -> int:
    """Remove resumable uploads nobody finished or used within ``hours``."""
    from datetime import timedelta

    from django.utils import timezone

    from .models import TusUpload, protected_storage

    cutoff = timezone.now() - timedelta(hours=hours)
    stale = list(TusUpload.objects.filter(created_at__lt=cutoff, claimed=False))
    for upload in stale:
        protected_storage.delete(upload.path)
        upload.delete()
    return len(stale)
