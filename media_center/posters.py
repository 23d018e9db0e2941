"""Posters sized to where they are shown: a card, a phone's player, a desktop's.

The transcoder writes one full-size poster per rendition; a 1280-pixel JPEG
costs ~130 KB, more than a whole lesson page should before Play on a satellite
link. Here a few fixed widths are cut from it with Pillow on first request and
kept in protected storage beside the renditions (per rendition version, so a
new encode makes new posters). The URL names the version, so the browser may keep a public item's
poster for good; access is checked on every request like any media file.
"""

from __future__ import annotations

import io

from django.core.files.base import ContentFile
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from PIL import Image

from core.storage import local_path

from .access import can_view
from .models import MediaItem, Visibility
from .storage import protected_storage

WIDTHS = (320, 480, 640, 960, 1280)
QUALITY = 72


def poster_url(item: MediaItem, width: int) -> str:
    if not (item.rendition_version and (item.rendition_info or {}).get("poster")):
        return ""
    return reverse("media_center:poster", args=[item.pk, item.rendition_version, width])


def poster_srcset(item: MediaItem, widths=WIDTHS) -> str:
    if not poster_url(item, widths[0]):
        return ""
    return ", ".join(f"{poster_url(item, w)} {w}w" for w in widths)


def _variant(item: MediaItem, width: int):
    """An open file of the poster at ``width``, made and stored on first request."""
    source = f"{item.rendition_dir}/{item.rendition_info['poster']}"
    target = f"posters/{item.pk}/{item.rendition_version}/w{width}.jpg"
    path = local_path(protected_storage, target)
    if path is not None and path.is_file():
        return path.open("rb")
    if path is None and protected_storage.exists(target):
        return protected_storage.open(target, "rb")
    try:
        with protected_storage.open(source, "rb") as handle, Image.open(handle) as image:
            image = image.convert("RGB")
            if image.width > width:
                height = round(image.height * width / image.width)
                image = image.resize((width, height), Image.LANCZOS)
            made = io.BytesIO()
            image.save(made, "JPEG", quality=QUALITY, optimize=True, progressive=True)
    except FileNotFoundError:
        raise Http404 from None
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(".part")
        partial.write_bytes(made.getvalue())
        partial.replace(path)  # never a half-written poster under the real name
    else:
        protected_storage.save(target, ContentFile(made.getvalue()))  # one PUT: whole or none
    made.seek(0)
    return made


def serve_poster(request, pk: int, version: str, width: int):
    if width not in WIDTHS:
        raise Http404
    item = get_object_or_404(
        MediaItem.objects.only(
            "pk", "visibility", "rendition_version", "rendition_info", "uploaded_by_user_id",
            "owner_school_id", "type",
        ),
        pk=pk,
    )  # fmt: skip
    if item.rendition_version != version or not item.rendition_info.get("poster"):
        raise Http404
    if not can_view(request.user, item):
        raise Http404  # out of scope: it does not exist
    response = FileResponse(_variant(item, width), content_type="image/jpeg")
    if item.visibility == Visibility.PUBLIC:
        response["Cache-Control"] = "public, max-age=31536000, immutable"
    else:
        response["Cache-Control"] = "private, max-age=86400"
    return response
