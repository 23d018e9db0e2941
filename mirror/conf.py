"""The mirror's settings, read from settings.KHLANG_MIRROR with defaults.

from mirror.conf import mirror_settings
mirror_settings.CHUNK_SIZE
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

from core.conf import AppSettings

DEFAULTS: dict[str, Any] = {
    # Where central is, and who this mirror is (mirror role only).
    "CENTRAL_URL": "",
    "MIRROR_ID": "",
    # This side's Ed25519 private key (base64 of the 32 raw bytes); central signs
    # the feed with its own, a mirror signs its requests with its own.
    "SIGNING_KEY": "",
    # Central's public key, which a mirror trusts for feeds and USB bundles.
    "CENTRAL_PUBLIC_KEY": "",
    # The content-addressed file store (files named by sha256).
    "STORE_DIR": "",
    # Client-side cap in kilobits per second (0 = as fast as the link goes).
    "BANDWIDTH_KBPS": 0,
    # "HH:MM-HH:MM" local time when the beat task may sync ("" = any time).
    "WINDOW": "",
    # A ceiling on what the store may hold, in bytes (0 = only the real disk).
    "DISK_QUOTA_BYTES": 0,
    # Room always left free on the disk, in bytes.
    "MIN_FREE_BYTES": 200 * 1024 * 1024,
    # Read and write files in pieces of this size (also the resume granularity).
    "CHUNK_SIZE": 64 * 1024,
    # Entries per feed page.
    "FEED_PAGE_SIZE": 500,
    # Sync journal rows a mirror keeps (older ones are pruned).
    "JOURNAL_KEEP": 50,
    # Served-range log rows central keeps per mirror.
    "TRANSFER_LOG_KEEP": 500,
    # Results sent up per request.
    "PUSH_BATCH_SIZE": 500,
    # How far a mirror's clock may differ from central's, in seconds.
    "CLOCK_SKEW_SECONDS": 36 * 3600,
    # Further sync sources by dotted path (a SyncSource subclass or instance), for
    # deployments that add their own; apps normally call register_source instead.
    "EXTRA_SOURCES": [],
    # File requests in flight at once: over a long round trip one request waits
    # for its answer while another's bytes fill the link.
    "FETCH_PARALLEL": 4,
    # Network timeout of one HTTP request, in seconds.
    "HTTP_TIMEOUT": 60,
}


mirror_settings = AppSettings("KHLANG_MIRROR", DEFAULTS)


def is_mirror() -> bool:
    """True on a school's mirror (KHLANG_ROLE=mirror), False on central."""
    return getattr(settings, "KHLANG_ROLE", "central") == "mirror"
