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
from pathlib import Path

from django.core import signing
from django.http import Http404, HttpResponse, HttpResponseForbidden
from django.urls import reverse

from core.file_headers import protect_file_response
from core.i18n import bilingual

from .conf import media_settings
from .ranges import file_response

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
    base = Path(media_settings.PROTECTED_ROOT) / "renditions" / str(item_id) / version
    path = (base / name).resolve()
    if not path.is_relative_to(base.resolve()) or not path.is_file() or name.startswith("."):
        raise Http404
    if name.startswith("download.") and not item.downloadable:
        return HttpResponseForbidden(bilingual("download not allowed by the licence"))
    content_type = CONTENT_TYPES.get(path.suffix) or mimetypes.guess_type(path.name)[0]
    prefix = media_settings.ACCEL_REDIRECT_PREFIX
    if prefix:
        # Django has authorised the request; nginx sends the file from its
        # `internal` location (deploy/nginx.conf), ranges and all, freeing the
        # app worker at once.
        response = HttpResponse(content_type=content_type)
        response["X-Accel-Redirect"] = f"{prefix.rstrip('/')}/renditions/{item_id}/{version}/{name}"
    else:
        response = file_response(request, path, content_type)
    response["Cache-Control"] = "private, max-age=3600"
    return protect_file_response(
        response, f"khlang-{item_id}{path.suffix}", attachment=name.startswith("download.")
    )
