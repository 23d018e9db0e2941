"""One school's copy of a live stream: every file crosses the school's link once.

A school behind a 256-512 kbps satellite link cannot carry one stream per
student. The relay sits on the school's side (its mirror: live.sources'
relay source makes one per session, its upstream central's signed relay
URL) and answers its LAN's players: a segment is fetched from the central
once, kept on disk and served to every device; the live playlist, which
changes every segment, is fetched at most once per ``playlist_ttl`` seconds
whoever asks. Concurrent requests for the same file wait for the one fetch
in flight (single flight), so thirty players asking at once cost the link
one download.

The copy and the single flight live on disk (the playlist's age is its
file's, the flight a lock file), so the web server's worker processes share
them: two processes never fetch the same file twice.

A fetch that failed because central could not be reached (``RelayDown``) is
remembered for ``retry_after`` seconds: players asking meanwhile are told the
link is down at once, instead of each waiting out a timeout on a dead link.

Only the rungs the school asks for cross the link: its players start on the
lowest rung (khlang-player.js) and a school may pin one rung by the URL its
screens use. ``bench.live`` measures the relay against a real HTTP upstream;
tests/integration/test_live_mirror.py through a real mirror.
"""

from __future__ import annotations

import contextlib
import fcntl
import re
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

_NAME = re.compile(r"^(index\.m3u8|\d{2,4}p/index\.m3u8|\d{2,4}p/seg_\d{5,}\.ts)$")
KEEP_SEGMENTS = 30  # per rung on the school's disk: a minute of catching up
DOWN_MARK = ".down"  # its age: when central last could not be reached
LOCKS = ".locks"


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
        retry_after: float = 2.0,
    ):
        self.upstream = upstream.rstrip("/") + "/"
        self.folder = Path(folder)
        self.fetch = fetch
        self.playlist_ttl = playlist_ttl
        self.retry_after = retry_after
        self.bytes_fetched = 0  # by this process
        self._locks: dict[str, threading.Lock] = {}
        self._guard = threading.Lock()

    def get(self, name: str) -> bytes:
        """The file's bytes, from the school's copy when it has one."""
        if not _NAME.match(name):
            raise KeyError(name)
        if name.endswith(".m3u8"):
            return self._playlist(name)
        return self._segment(name)

    @property
    def down(self) -> bool:
        """Central could not be reached within the last ``retry_after`` seconds."""
        age = _age(self.folder / DOWN_MARK)
        return age is not None and age < self.retry_after

    # -- the copy ---------------------------------------------------------------
    def _playlist(self, name: str) -> bytes:
        path = self.folder / name
        fresh = self._fresh(path)
        if fresh is not None:
            return fresh
        with self._exclusive(name):
            fresh = self._fresh(path)  # fetched while this request waited
            if fresh is not None:
                return fresh
            data = self._download(name)
            _write(path, data)
            return data

    def _fresh(self, path: Path) -> bytes | None:
        age = _age(path)
        if age is None or age >= self.playlist_ttl:
            return None
        try:
            return path.read_bytes()
        except FileNotFoundError:
            return None

    def _segment(self, name: str) -> bytes:
        path = self.folder / name
        if path.exists():
            return path.read_bytes()
        with self._exclusive(name):
            if path.exists():  # fetched while this request waited
                return path.read_bytes()
            data = self._download(name)
            _write(path, data)
            self._prune(path.parent)
        with self._guard:
            self._locks.pop(name, None)
        return data

    def _download(self, name: str) -> bytes:
        if self.down:
            raise RelayDown("central was unreachable a moment ago")
        mark = self.folder / DOWN_MARK
        try:
            data = self.fetch(self.upstream + name)
        except RelayDown:
            self.folder.mkdir(parents=True, exist_ok=True)
            mark.touch()
            raise
        mark.unlink(missing_ok=True)
        with self._guard:
            self.bytes_fetched += len(data)
        return data

    def _prune(self, rung: Path) -> None:
        for old in sorted(rung.glob("seg_*.ts"))[:-KEEP_SEGMENTS]:
            old.unlink(missing_ok=True)
            _lock_path(self.folder, f"{rung.name}/{old.name}").unlink(missing_ok=True)

    # -- single flight ----------------------------------------------------------
    @contextlib.contextmanager
    def _exclusive(self, name: str) -> Iterator[None]:
        """One fetch of ``name`` at a time: this process's threads queue on a
        lock, other processes on a lock file beside the copy."""
        with self._guard:
            lock = self._locks.setdefault(name, threading.Lock())
        with lock:
            path = _lock_path(self.folder, name)
            path.parent.mkdir(parents=True, exist_ok=True)
            with path.open("a") as handle:
                fcntl.flock(handle, fcntl.LOCK_EX)
                try:
                    yield
                finally:
                    fcntl.flock(handle, fcntl.LOCK_UN)


def _lock_path(folder: Path, name: str) -> Path:
    return folder / LOCKS / (name.replace("/", "_") + ".lock")


def _age(path: Path) -> float | None:
    try:
        return time.time() - path.stat().st_mtime
    except FileNotFoundError:
        return None


def _write(path: Path, data: bytes) -> None:
    """Players never read half a file: write beside it, then rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".part")
    partial.write_bytes(data)
    partial.replace(path)
