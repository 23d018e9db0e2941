"""Media center settings: settings.MEDIA_CENTER over these defaults (core.conf).

from media_center.conf import media_settings
media_settings.URL_TTL_SECONDS
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

from core.conf import AppSettings

DEFAULTS: dict[str, Any] = {
    # Originals and renditions live outside MEDIA_ROOT (or in a private prefix of
    # the object store): they are served only through signed, expiring URLs
    # (media_center.files), never by a guessable path.
    "PROTECTED_ROOT": lambda: str(settings.VAR_DIR / "protected"),
    # Life of a signed media URL, in seconds.
    "URL_TTL_SECONDS": 6 * 3600,
    "MAX_UPLOAD_BYTES": 8 * 1024**3,
    # nginx: the internal location prefix that takes over sending files ("" = Django sends).
    "ACCEL_REDIRECT_PREFIX": "",
    # nginx, with object storage: the internal location that fetches a presigned
    # URL from the store and caches it ("" = the browser is redirected there).
    "STORE_ACCEL_PREFIX": "",
    "PAGE_SIZE": 24,
}

media_settings = AppSettings("MEDIA_CENTER", DEFAULTS)
