"""Signed, expiring file URLs: the only way to a media file.

The token sits in the *path* (``/media-center/files/<token>/720p/seg_00001.ts``),
so the relative URIs inside HLS playlists inherit it and every segment request is
checked. A token names one item and one rendition version and expires; a guessed
or stale URL gets 403/404, never a file.
"""

from __future__ import annotations

import mimetypes
from pathlib import Path

from django.conf import settings
from django.core import signing
from django.http import FileResponse, Http404, HttpResponse, HttpResponseForbidden
from django.urls import reverse

SALT = "media_center.files"
CONTENT_TYPES = {
    ".m3u8": "application/vnd.apple.mpegurl",
    ".ts": "video/mp2t",
    ".vtt": "text/vtt",
    ".m4a": "audio/mp4",
}


def make_token(item_id: int, version: str) -> str:
    return signing.dumps([item_id, version], salt=SALT, compress=True)


def read_token(token: str) -> tuple[int, str] | None:
    try:
        item_id, version = signing.loads(
            token, salt=SALT, max_age=settings.MEDIA_CENTER["URL_TTL_SECONDS"]
        )
    except (signing.BadSignature, ValueError, TypeError):
        return None
    return int(item_id), str(version)


def file_url(item, name: str) -> str:
    """A signed URL for ``name`` inside the item's current rendition folder."""
    token = make_token(item.pk, item.rendition_version)
    return reverse("media_center:file", kwargs={"token": token, "name": name})


def serve_file(request, token: str, name: str):
    from .models import MediaItem

    claim = read_token(token)
    if claim is None:
        return HttpResponseForbidden("ลิงก์หมดอายุหรือไม่ถูกต้อง / link expired or invalid")
    item_id, version = claim
    item = MediaItem.objects.filter(pk=item_id).only("pk", "rendition_version").first()
    if item is None or not version:
        raise Http404
    base = Path(settings.MEDIA_CENTER["PROTECTED_ROOT"]) / "renditions" / str(item_id) / version
    path = (base / name).resolve()
    if not path.is_relative_to(base.resolve()) or not path.is_file() or name.startswith("."):
        raise Http404
    if name.startswith("download.") and not MediaItem.objects.get(pk=item_id).downloadable:
        return HttpResponseForbidden("ไม่อนุญาตให้ดาวน์โหลด / download not allowed by the licence")
    content_type = CONTENT_TYPES.get(path.suffix) or mimetypes.guess_type(path.name)[0]
    prefix = settings.MEDIA_CENTER["ACCEL_REDIRECT_PREFIX"]
    if prefix:
        response = HttpResponse(content_type=content_type)
        response["X-Accel-Redirect"] = f"{prefix.rstrip('/')}/renditions/{item_id}/{version}/{name}"
    else:
        response = FileResponse(path.open("rb"), content_type=content_type)
    response["Cache-Control"] = "private, max-age=3600"
    if name.startswith("download."):
        response["Content-Disposition"] = f'attachment; filename="khlang-{item_id}{path.suffix}"'
    return response
