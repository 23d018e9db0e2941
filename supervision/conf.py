"""Settings of supervision, read from settings.KHLANG with these defaults.

from supervision.conf import supervision_settings
supervision_settings.SUPERVISION_MIN_USES_PER_TERM
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

from core.conf import AppSettings

DEFAULTS: dict[str, Any] = {
    # The area's target when no UseTarget row is saved for the fiscal year: uses
    # of media and lessons per school in a term, and teachers who used any.
    "SUPERVISION_MIN_USES_PER_TERM": 30,
    "SUPERVISION_MIN_TEACHERS_PER_TERM": 1,
    # Uploaded evidence: largest file, and where it is kept (never served directly).
    "SUPERVISION_UPLOAD_MAX_BYTES": 20 * 1024 * 1024,
    "SUPERVISION_UPLOAD_ROOT": lambda: str(settings.VAR_DIR / "protected" / "supervision"),
}

supervision_settings = AppSettings("KHLANG", DEFAULTS)
