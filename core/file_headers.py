"""Headers for every file a user uploaded, however it is sent.

A file from a user is data, never a page of this site: it is sent with its
real type only when that type cannot run script in a browser (video, audio,
raster images, PDF, subtitles, playlists), as ``application/octet-stream``
otherwise; always with ``X-Content-Type-Options: nosniff`` (the browser may
not guess HTML out of it) and a Content-Security-Policy that sandboxes it, and
with ``Content-Disposition`` naming it (``attachment`` unless it is shown in
place). HTML, SVG and XML are therefore never rendered from the site's origin.
"""

from __future__ import annotations

from django.http import HttpResponseBase

INLINE_SAFE_PREFIXES = ("video/", "audio/")
INLINE_SAFE_TYPES = {
    "image/png", "image/jpeg", "image/gif", "image/webp", "image/avif",
    "application/pdf", "text/vtt", "application/vnd.apple.mpegurl",
    "application/x-mpegurl", "video/mp2t", "application/mp4", "application/epub+zip",
}  # fmt: skip
FILE_CSP = "default-src 'none'; img-src 'self' data:; media-src 'self'; style-src 'unsafe-inline'"
# Chromium refuses to show a PDF in a sandboxed document, so PDFs go without it
# (they run no script from this origin either way).
SANDBOX = "; sandbox"


def safe_content_type(content_type: str | None) -> str:
    base = (content_type or "").split(";")[0].strip().lower()
    if base.startswith(INLINE_SAFE_PREFIXES) or base in INLINE_SAFE_TYPES:
        return content_type or base
    return "application/octet-stream"


def protect_file_response(
    response: HttpResponseBase, filename: str, *, attachment: bool = False
) -> HttpResponseBase:
    """Set the headers above on ``response`` (its Content-Type already chosen)."""
    content_type = response.get("Content-Type", "")
    safe = safe_content_type(content_type)
    if safe != content_type:
        response["Content-Type"] = safe
        attachment = True
    disposition = "attachment" if attachment else "inline"
    ascii_name = filename.encode("ascii", "ignore").decode().replace('"', "") or "file"
    response["Content-Disposition"] = f'{disposition}; filename="{ascii_name}"'
    response["X-Content-Type-Options"] = "nosniff"
    pdf = response["Content-Type"].startswith("application/pdf")
    response["Content-Security-Policy"] = FILE_CSP + ("" if pdf else SANDBOX)
    return response
