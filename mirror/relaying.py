"""Relaying through a school mirror: what is not in the feed, fetched as it happens.

The feed carries records; a live class's playlists and segments change every
two seconds and must not wait for a sync. So a mirror asks central for them
directly, with the same signature as its sync requests, and central answers
only signed requests. This module is mirror's public API for an app that
relays something (live classes): tests/house checks apps use nothing behind it.

Central, a view a mirror calls::

    @relaying.signed_view
    def relay_state(request, pk):
        school_id = relaying.requesting_school_id(request)  # the signing mirror's school
        ...

Mirror, a signed GET of such a view (never throttled by the sync's bandwidth
cap: live pictures cannot wait)::

    data = relaying.signed_get(relaying.central_url("/live/12/relay/state/"), timeout=5)

``signed_get`` raises ``CentralUnreachable`` when no answer came (the link is
down, central is stopped, or a proxy in between answered 5xx) and
``CentralRefused`` when central answered 4xx (not this mirror's, or over).
"""

from __future__ import annotations

import http.client
import time
from urllib.parse import urlsplit

from django.http import HttpRequest

from .api import mirror_request
from .conf import mirror_settings
from .signing import own_private_key, request_message, sign

__all__ = [
    "CentralRefused",
    "CentralUnreachable",
    "central_url",
    "requesting_school_id",
    "signed_get",
    "signed_view",
]

# Central: check the signature, the key and the clock; the view then finds the
# signing mirror at ``request.mirror``.
signed_view = mirror_request


def requesting_school_id(request: HttpRequest) -> int:
    """The school of the mirror that signed ``request`` (inside a signed_view)."""
    return request.mirror.school_id


class CentralUnreachable(Exception):
    """Central did not answer: the school's link is down or central is stopped."""


class CentralRefused(Exception):
    """Central answered, and said no (4xx)."""

    def __init__(self, status: int):
        super().__init__(f"HTTP {status}")
        self.status = status


def central_url(path: str) -> str:
    """A path on central (this mirror's KHLANG_MIRROR_CENTRAL_URL)."""
    return mirror_settings.CENTRAL_URL.rstrip("/") + path


def signed_get(url: str, timeout: float = 10.0) -> bytes:
    """The body of a GET on central, signed by this mirror's key.

    ``timeout`` bounds each wait on the socket (connecting, then between bytes),
    not the whole transfer: a slow satellite link still brings a segment whole.
    """
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise CentralUnreachable(f"not a central URL: {url!r}")
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    stamp = f"{time.time():.3f}"
    headers = {
        "X-Khlang-Mirror": mirror_settings.MIRROR_ID,
        "X-Khlang-Time": stamp,
        "X-Khlang-Signature": sign(own_private_key(), request_message("GET", path, stamp, b"")),
    }
    connection_class = (
        http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    )
    connection = connection_class(parts.netloc, timeout=timeout)
    try:
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        body = response.read()
    except (OSError, http.client.HTTPException) as error:
        raise CentralUnreachable(f"{type(error).__name__}: {error}") from error
    finally:
        connection.close()
    if response.status >= 500:
        raise CentralUnreachable(f"HTTP {response.status}")
    if response.status >= 400:
        raise CentralRefused(response.status)
    return body
