"""Live class settings: settings.LIVE over these defaults (core.conf).

from live.conf import live_settings
live_settings.GRACE_SECONDS
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

from core.conf import AppSettings

DEFAULTS: dict[str, Any] = {
    # Segments, playlists and recording parts of sessions; served only through
    # live.views after the session's policy said yes.
    "ROOT": lambda: str(settings.VAR_DIR / "live"),
    # The RTMP listeners: one port per session open at the same time, from here.
    "PORT_FIRST": 1935,
    "PORT_COUNT": 50,
    "LISTEN_ADDRESS": "0.0.0.0",
    # The host teachers put into OBS ("" = the host of the admin page).
    "PUBLIC_HOST": "",
    # The ingest opens this long before the start, for the teacher to test.
    "OPEN_BEFORE_SECONDS": 15 * 60,
    # A publisher gone this long (a dropped link) ends the session; back
    # sooner, the same session continues.
    "GRACE_SECONDS": 120,
    # The tallest live rung (short side); every rung costs a real-time encode.
    "TOP_SHORT_SIDE": 360,
    "X264_THREADS": 0,
    # SRT beside RTMP on the same port number (UDP): True, False, or "auto"
    # (when this ffmpeg was built with libsrt). Its latency is the time libsrt
    # may spend retransmitting a lost packet; OBS's own setting adds to it.
    "SRT": "auto",
    "SRT_LATENCY_MS": 800,
    # Licence of a session's recording when it enters the media centre.
    "RECORDING_LICENCE": "education",
    # A school mirror relays central's live files (live.sources): how long one
    # wait on central's socket may last, and how long central's answer about a
    # session's state (every open page asks every few seconds), or central's
    # silence, is reused before central is asked again.
    "RELAY_TIMEOUT_SECONDS": 10,
    "RELAY_STATE_SECONDS": 2,
}

live_settings = AppSettings("LIVE", DEFAULTS)
