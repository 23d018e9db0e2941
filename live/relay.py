"""One school's copy of a live stream: every file crossed the school's link once.

A school behind a 256-512 kbps satellite link cannot carry one stream per
student. The relay sits on the school's side (its mirror) and answers its
LAN's players: a segment is fetched from the central once, kept on disk and
served to every device; the live playlist, which changes every segment, is
fetched at most once per ``playlist_ttl`` seconds whoever asks. Concurrent
requests for the same file wait for the one fetch in flight (single flight),
so thirty players asking at once cost the link one download.

Only the rungs the school asks for cross the link: its players start on the
lowest rung (khlang-player.js) and a school may pin one rung by the URL its
screens use.

Not wired yet: a mirror does not receive live sessions in its sync feed, and
the central's live files answer signed mirror requests only through the
mirror service's own views. ``bench.live`` measures the relay against a real
HTTP upstream.
"""

from __future__ import annotations

import re
import threading
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

_NAME = re.compile(r"^(index\.m3u8|\d{2,4}p/index\.m3u8|\d{2,4}p/seg_\d{5,}\.ts)$")
KEEP_SEGMENTS = 30  # per rung on the school's disk: a minute of catching up


class RelayDown(Exception):
    """The central could not be reached: the school's players are told so."""


def http_fetch(url: str, timeout: float = 10.0) -> bytes:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 (our central)
            return response.read()
    except OSError as exc:
        raise RelayDown(str(exc)) from exc


class Relay:
    def __init__(
        self,
        upstream: str,
        folder: Path,
        fetch: Callable[[str], bytes] = http_fetch,
        playlist_ttl: float = 1.0,
    ):
        self.upstream = upstream.rstrip("/") + "/"
        self.folder = Path(folder)
        self.fetch = fetch
        self.playlist_ttl = playlist_ttl
        self.bytes_fetched = 0
        self._playlists: dict[str, tuple[float, bytes]] = {}
        self._locks: dict[str, threading.Lock] = {}
        self._guard = threading.Lock()

    def _lock(self, name: str) -> threading.Lock:
        with self._guard:
            return self._locks.setdefault(name, threading.Lock())

    def _download(self, name: str) -> bytes:
        data = self.fetch(self.upstream + name)
        self.bytes_fetched += len(data)
        return data

    def get(self, name: str) -> bytes:
        """The file's bytes, from the school's copy when it has one."""
        if not _NAME.match(name):
            raise KeyError(name)
        if name.endswith(".m3u8"):
            return self._playlist(name)
        return self._segment(name)

    def _playlist(self, name: str) -> bytes:
        with self._lock(name):
            cached = self._playlists.get(name)
            if cached and time.monotonic() - cached[0] < self.playlist_ttl:
                return cached[1]
            data = self._download(name)
            self._playlists[name] = (time.monotonic(), data)
            return data

    def _segment(self, name: str) -> bytes:
        path = self.folder / name
        if path.exists():
            return path.read_bytes()
        with self._lock(name):
            if path.exists():  # fetched while this request waited
                return path.read_bytes()
            data = self._download(name)
            path.parent.mkdir(parents=True, exist_ok=True)
            partial = path.with_suffix(".part")
            partial.write_bytes(data)
            partial.replace(path)  # players never read half a segment
            self._prune(path.parent)
        with self._guard:
            self._locks.pop(name, None)
        return data

    def _prune(self, rung: Path) -> None:
        for old in sorted(rung.glob("seg_*.ts"))[:-KEEP_SEGMENTS]:
            old.unlink(missing_ok=True)
