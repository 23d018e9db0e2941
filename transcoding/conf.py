"""Transcoding settings: settings.TRANSCODING over these defaults (core.conf).

from transcoding.conf import transcoding_settings
transcoding_settings.PRESET
"""

from __future__ import annotations

from typing import Any

from core.conf import AppSettings

DEFAULTS: dict[str, Any] = {
    "INCLUDE_1080P": False,
    "FFMPEG_THREADS": 0,  # 0: ffmpeg decides
    "PRESET": "veryfast",  # see transcoding.commands
    # Time limit = BASE + duration × FACTOR seconds (a slow box gets a bigger factor).
    "TIME_LIMIT_BASE": 300,
    "TIME_LIMIT_FACTOR": 6.0,
    "STUCK_AFTER_SECONDS": 30,  # heartbeats every 2 s (transcoding.runtime)
    "OLD_VERSION_GRACE_SECONDS": 3600,
    # Media longer than twice this is cut into chunks encoded by several workers.
    "CHUNK_SECONDS": 300,
}

transcoding_settings = AppSettings("TRANSCODING", DEFAULTS)
