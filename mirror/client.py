"""The mirror's HTTP client for central: signed requests, capped, resumable files.

Only the standard library's http.client: reads come in CHUNK_SIZE pieces, each
passing the token bucket and a disk check before it is written.
"""

from __future__ import annotations

import gzip
import http.client
import json
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from django.utils.translation import gettext_noop

from .conf import mirror_settings
from .errors import FileGoneError, IntegrityError, MirrorError
from .signing import load_public_key, own_private_key, request_message, sign, verify
from .store import FileStore
from .throttle import TokenBucket


class CentralClient:
    def __init__(
        self,
        base_url: str | None = None,
        mirror_id: str | None = None,
        bandwidth_kbps: int | None = None,
    ):
        self.base_url = (base_url or mirror_settings.CENTRAL_URL).rstrip("/")
        self.mirror_id = mirror_id or mirror_settings.MIRROR_ID
        if not self.base_url or not self.mirror_id:
            raise MirrorError.pair(
                gettext_noop("KHLANG_MIRROR_CENTRAL_URL and KHLANG_MIRROR_ID are not set")
            )
        parts = urlsplit(self.base_url)
        self.scheme, self.netloc, self.prefix = parts.scheme, parts.netloc, parts.path
        self.key = own_private_key()
        kbps = mirror_settings.BANDWIDTH_KBPS if bandwidth_kbps is None else bandwidth_kbps
        self.bucket = TokenBucket(int(kbps) * 1000)
        self.bytes_received = 0
        # When file bytes arrived, for the throughput a link really gave: bytes
        # after the first block, over the time from the first block to the last.
        self.file_first: float | None = None
        self.file_last: float | None = None
        self.file_bytes_after_first = 0
        self._tally = threading.Lock()

    def set_bandwidth(self, kbps: int) -> None:
        self.bucket = TokenBucket(int(kbps) * 1000)

    # -- plumbing ---------------------------------------------------------------
    def _connection(self) -> http.client.HTTPConnection:
        timeout = mirror_settings.HTTP_TIMEOUT
        if self.scheme == "https":
            return http.client.HTTPSConnection(self.netloc, timeout=timeout)
        return http.client.HTTPConnection(self.netloc, timeout=timeout)

    def _headers(self, method: str, path: str, body: bytes) -> dict[str, str]:
        stamp = f"{time.time():.3f}"
        return {
            "X-Khlang-Mirror": self.mirror_id,
            "X-Khlang-Time": stamp,
            "X-Khlang-Signature": sign(self.key, request_message(method, path, stamp, body)),
        }

    def _request(self, method: str, path: str, body: bytes = b"", headers=None):
        full = self.prefix + path
        conn = self._connection()
        try:
            conn.request(
                method, full, body=body or None,
                headers={**self._headers(method, full, body), **(headers or {})},
            )  # fmt: skip
            return conn, conn.getresponse()
        except OSError as error:
            conn.close()
            raise MirrorError.pair(
                gettext_noop("cannot reach central (%(url)s): %(error)s"),
                url=self.base_url,
                error=error,
            ) from error

    def _read_all(self, response) -> bytes:
        parts = []
        while block := response.read(int(mirror_settings.CHUNK_SIZE)):
            self.bucket.take(len(block))
            self.bytes_received += len(block)
            parts.append(block)
        return b"".join(parts)

    def _fetch(self, method: str, path: str, body: bytes = b"", headers=None):
        """One whole request: the response and its body (error statuses raise)."""
        conn, response = self._request(method, path, body, headers)
        try:
            raw = self._read_all(response)
        finally:
            conn.close()
        if response.status >= 400:
            raise _http_error(response.status, raw)
        return response, raw

    def _json(self, method: str, path: str, payload: Any = None) -> Any:
        body = json.dumps(payload).encode() if payload is not None else b""
        headers = {"Content-Type": "application/json"} if body else {}
        if len(body) > 1024:  # results compress about tenfold: a school day in seconds
            body = gzip.compress(body, 6)
            headers["Content-Encoding"] = "gzip"
        if body:
            self.bucket.take(len(body))
        return json.loads(self._fetch(method, path, body, headers)[1])

    # -- API --------------------------------------------------------------------
    def feed(self, since: int, refresh: bool) -> dict[str, Any]:
        """One verified feed page."""
        path = f"/mirror/api/feed/?since={since}" + ("&refresh=1" if refresh else "")
        response, raw = self._fetch("GET", path, headers={"Accept-Encoding": "gzip"})
        if response.getheader("Content-Encoding") == "gzip":
            raw = gzip.decompress(raw)
        signature = response.getheader("X-Khlang-Signature", "")
        if not verify(central_public_key(), raw, signature):
            raise IntegrityError.pair(
                gettext_noop(
                    "the change feed's signature does not verify; rejected. Nothing was "
                    "applied: check KHLANG_MIRROR_CENTRAL_PUBLIC_KEY, then sync again."
                )
            )
        return json.loads(raw)

    def download(
        self,
        sha: str,
        size: int,
        store: FileStore,
        on_bytes: Callable[[int], None] | None = None,
    ) -> int:
        """Fetch one file into the store, resuming a partial copy; returns bytes moved.

        The disk is checked before the request (room for what is left) and every
        chunk during it (a quota or a disk that fills meanwhile); the hash is
        checked before the file becomes visible.
        """
        partial = store.partial_path(sha)
        partial.parent.mkdir(parents=True, exist_ok=True)
        have = partial.stat().st_size if partial.exists() else 0
        if have > size:
            partial.unlink()
            have = 0
        moved = 0
        if have < size:
            store.ensure_room(size - have)
            headers = {"Range": f"bytes={have}-"} if have else {}
            conn, response = self._request("GET", f"/mirror/api/files/{sha}", headers=headers)
            try:
                if response.status == 404:
                    raise FileGoneError.pair(
                        gettext_noop(
                            "central no longer has file %(sha)s; the next sync asks for the "
                            "feed again"
                        ),
                        sha=sha,
                    )
                if response.status >= 400:
                    raise _http_error(response.status, response.read())
                if have and response.status != 206:
                    have = 0  # the server ignored the range: start again
                moved = self._write_body(response, partial, have, store, on_bytes)
            finally:
                conn.close()
        store.commit_partial(sha)
        return moved

    def _write_body(self, response, partial: Path, offset: int, store, on_bytes) -> int:
        chunk = int(mirror_settings.CHUNK_SIZE)
        moved = 0
        with open(partial, "r+b" if offset else "wb") as handle:
            handle.seek(offset)
            handle.truncate()
            while True:
                block = response.read(chunk)
                if not block:
                    break
                self.bucket.take(len(block))  # pay for what came, not what was asked
                store.ensure_room(len(block))
                handle.write(block)
                store.note_written(len(block))
                handle.flush()
                moved += len(block)
                self._note_file_block(len(block))
                if on_bytes:
                    on_bytes(len(block))
        return moved

    def _note_file_block(self, size: int) -> None:
        now = time.monotonic()
        with self._tally:
            self.bytes_received += size
            if self.file_first is None:
                self.file_first = now
            else:
                self.file_bytes_after_first += size
            self.file_last = now

    def file_throughput_bps(self) -> float:
        """Bits per second of file bytes over the link, gaps between files included."""
        if self.file_first is None or not self.file_last or self.file_last <= self.file_first:
            return 0.0
        return self.file_bytes_after_first * 8 / (self.file_last - self.file_first)

    def report(self, status: dict[str, Any]) -> None:
        self._json("POST", "/mirror/api/status/", status)

    def push(self, kind: str, rows: list[dict[str, Any]]) -> dict[str, Any]:
        return self._json("POST", f"/mirror/api/results/{kind}/", rows)


def central_public_key():
    text = mirror_settings.CENTRAL_PUBLIC_KEY
    if not text:
        raise MirrorError.pair(
            gettext_noop("central's public key is not set (KHLANG_MIRROR_CENTRAL_PUBLIC_KEY)")
        )
    return load_public_key(text)


def _http_error(status: int, body: bytes) -> MirrorError:
    try:
        detail = json.loads(body).get("error", "")
    except (ValueError, AttributeError):
        detail = body.decode(errors="replace")[:200]
    return MirrorError.pair(
        gettext_noop("central answered HTTP %(status)s: %(detail)s"), status=status, detail=detail
    )
