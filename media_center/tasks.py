"""Background work of the media center (default queue)."""

from __future__ import annotations

import logging

from celery import shared_task
from django.utils.translation import gettext_lazy as _

from core.i18n import bilingual

from .checks import FileCheckError, check_document, check_image

logger = logging.getLogger(__name__)
# Six hours: the longest encode of a long lesson on a slow box, with room to spare.
DEFAULT_PROCESSING_LIMIT = 6 * 3600


@shared_task(acks_late=True)
def check_file_task(item_id: int) -> str:
    """Check a document or picture by content; mark it ready or failed (original kept)."""
    from core.storage import fetched

    from .actions import mark_failed, mark_ready
    from .models import MediaItem, MediaKind, protected_storage

    item = MediaItem.objects.filter(pk=item_id).first()
    if item is None or not item.file:
        return "gone"
    try:
        with fetched(protected_storage, item.file.name) as path:
            if item.type == MediaKind.IMAGE:
                width, height = check_image(path)
                MediaItem.objects.filter(pk=item_id).update(width=width, height=height)
            else:
                check_document(path)
    except FileCheckError as exc:
        mark_failed(item, str(exc))
        return "invalid"
    except Exception:
        # Whatever went wrong, the item must not stay "processing": the uploader
        # gets a plain reason, the details (and any path) go to the server log.
        logger.exception("checking media item %s failed", item_id)
        mark_failed(item, bilingual(_("The file could not be checked. Please upload it again.")))
        return "error"
    mark_ready(item_id)
    return "ready"


@shared_task
def fail_stuck_items_task() -> int:
    """Watchdog: fail items left "processing" past the limit with no job still at work.

    A check that died with its worker, or an encode whose job ended without
    telling the item, would otherwise leave the item spinning forever.
    """
    from datetime import timedelta

    from django.conf import settings
    from django.utils import timezone

    from transcoding.models import ACTIVE

    from .actions import mark_failed
    from .models import MediaItem, Status

    limit = settings.MEDIA_CENTER.get("PROCESSING_LIMIT_SECONDS", DEFAULT_PROCESSING_LIMIT)
    cutoff = timezone.now() - timedelta(seconds=limit)
    stuck = (
        MediaItem.objects.filter(status=Status.PROCESSING, updated_at__lt=cutoff)
        .exclude(transcode_jobs__status__in=ACTIVE)
        .distinct()
    )
    message = bilingual(
        _("Processing took too long and was stopped. Please upload the file again.")
    )
    count = 0
    for item in stuck:
        mark_failed(item, message)
        count += 1
    return count


STALE_UPLOAD_HOURS = 48


@shared_task
def purge_stale_uploads_task(hours: int = STALE_UPLOAD_HOURS) -> int:
    """Remove resumable uploads nobody finished or used within ``hours``."""
    from datetime import timedelta

    from django.utils import timezone

    from .models import TusUpload, upload_storage

    cutoff = timezone.now() - timedelta(hours=hours)
    stale = list(TusUpload.objects.filter(created_at__lt=cutoff, claimed=False))
    for upload in stale:
        upload_storage.delete(upload.path)
        upload.delete()
    return len(stale)
