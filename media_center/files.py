"""Signed, expiring file URLs: the only way to a media file.

The token sits in the *path* (``/media-center/files/<token>/720p/seg_00001.ts``),
so the relative URIs inside HLS playlists inherit it and every segment request is
checked. A token names one item and one rendition version and expires; a guessed
or stale URL gets 403/404, never a file.

For an item that is not public the token also names the user it was issued to,
and the file is sent only to that user (and only while they may still see the
item), so a link copied out of the page does not work for anyone else. Tokens
made without a user (lesson pages build them from model properties) are checked
against the viewer's rights on every request instead. Public items get unbound
tokens: their URLs may be shared and cached.
"""

from __future__ import annotations

import mimetypes
from pathlib import PurePosixPath
from urllib.parse import urlsplit

from django.core import signing
from django.http import (
    Http404,
    HttpResponse,
    HttpResponseForbidden,
    HttpResponseRedirect,
    StreamingHttpResponse,
)
from django.urls import reverse

from core.file_headers import protect_file_response
from core.i18n import bilingual
from core.storage import local_path, signed_url, stream

from .conf import media_settings
from .ranges import file_response
from .storage import protected_storage

SALT = "media_center.files"
CONTENT_TYPES = {
    ".m3u8": "application/vnd.apple.mpegurl",
    ".ts": "video/mp2t",
    ".vtt": "text/vtt",
    ".m4a": "audio/mp4",
}


NOBODY = 0  # holder of an unbound token


def make_token(item_id: int, version: str, holder: int = NOBODY) -> str:
    return signing.dumps([item_id, version, holder], salt=SALT, compress=True)


def read_token(token: str) -> tuple[int, str, int] | None:
    """(item id, version, holder user id or NOBODY), or None if bad or expired."""
    try:
        claim = signing.loads(token, salt=SALT, max_age=media_settings.URL_TTL_SECONDS)
        item_id, version = claim[0], claim[1]
        holder = int(claim[2]) if len(claim) > 2 else NOBODY
    except (signing.BadSignature, ValueError, TypeError, IndexError, KeyError):
        return None
    return int(item_id), str(version), holder


def file_url(item, name: str, user=None) -> str:
    """A signed URL for ``name`` inside the item's current rendition folder.

    Given the signed-in ``user`` the page is for, the URL of an item that is
    not public works for that user only.
    """
    from .models import Visibility

    holder = NOBODY
    if user is not None and user.is_authenticated and item.visibility != Visibility.PUBLIC:
        holder = user.pk
    token = make_token(item.pk, item.rendition_version, holder)
    return reverse("media_center:file", kwargs={"token": token, "name": name})


def _may_fetch(request, item, holder: int) -> bool:
    from .access import can_view
    from .models import Visibility

    if item.visibility == Visibility.PUBLIC:
        return True
    if holder != NOBODY and request.user.pk != holder:
        return False
    return can_view(request.user, item)


def serve_file(request, token: str, name: str):
    from .models import MediaItem

    claim = read_token(token)
    if claim is None:
        return HttpResponseForbidden(bilingual("link expired or invalid"))
    item_id, version, holder = claim
    item = (
        MediaItem.objects.filter(pk=item_id)
        .only("pk", "visibility", "licence", "uploaded_by_user_id", "owner_school_id")
        .first()
    )
    if item is None or not version:
        raise Http404
    if not _may_fetch(request, item, holder):
        return HttpResponseForbidden(
            bilingual("this link was issued to someone else, or you may not see this item")
        )
    relative = PurePosixPath(name)
    if name.startswith(".") or relative.is_absolute() or ".." in relative.parts or "\\" in name:
        raise Http404
    if name.startswith("download.") and not item.downloadable:
        return HttpResponseForbidden(bilingual("download not allowed by the licence"))
    stored = f"renditions/{item_id}/{version}/{name}"
    path = local_path(protected_storage, stored)
    suffix = PurePosixPath(name).suffix
    content_type = CONTENT_TYPES.get(suffix) or mimetypes.guess_type(name)[0]
    if path is None:
        response = _from_object_storage(request, stored, content_type)
    elif media_settings.ACCEL_REDIRECT_PREFIX:
        if not path.is_file():
            raise Http404
        # Django has authorised the request; nginx sends the file from its
        # `internal` location (deploy/nginx.conf), ranges and all, freeing the
        # app worker at once.
        response = HttpResponse(content_type=content_type)
        prefix = media_settings.ACCEL_REDIRECT_PREFIX.rstrip("/")
        response["X-Accel-Redirect"] = f"{prefix}/{stored}"
    else:
        if not path.is_file():
            raise Http404
        response = file_response(request, path, content_type)
    response.setdefault("Cache-Control", "private, max-age=3600")
    return protect_file_response(
        response, f"khlang-{item_id}{suffix}", attachment=name.startswith("download.")
    )


def _from_object_storage(request, stored: str, content_type: str | None) -> HttpResponse:
    """A file on object storage, once the request is authorised.

    With nginx in front (STORE_ACCEL_PREFIX), nginx fetches the object by a
    presigned URL and keeps it in its cache, so repeated viewers cost the store
    nothing (deploy/nginx.conf). Without it, the download copy leaves by a
    redirect to a presigned URL that expires after KHLANG_SIGNED_URL_TTL
    seconds, and the rest is passed through from here: playlists and WebVTT
    tracks hold relative URIs that must keep this URL's token, and players with
    HLS built in (Safari, recent Chromium) do not follow a segment's redirect to
    another origin.
    """
    accel = media_settings.STORE_ACCEL_PREFIX
    if accel:
        url = urlsplit(signed_url(protected_storage, stored, public=False))
        response = HttpResponse(content_type=content_type)
        response["X-Accel-Redirect"] = f"{accel.rstrip('/')}{url.path}?{url.query}"
        return response
    if PurePosixPath(stored).name.startswith("download."):
        response = HttpResponseRedirect(signed_url(protected_storage, stored))
        # The presigned address expires: a browser must ask here again, not reuse it.
        response["Cache-Control"] = "private, no-store"
        return response
    try:
        pieces, length = stream(protected_storage, stored)
    except FileNotFoundError:
        raise Http404 from None
    response = StreamingHttpResponse(pieces, content_type=content_type)
    response["Content-Length"] = str(length)
    return response
