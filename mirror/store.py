"""A content-addressed file store: a file's name is the sha256 of its bytes.

Like Kolibri's content storage, a name says exactly what the bytes must be, so
a file is fetched once however many records use it, a copy is checked against
its own name before use, and files never change in place (a new version is a
new name). Downloads grow in ``partial/<sha>.part`` and move into place only
after their hash is verified, so nothing half-written is ever visible.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import threading
from collections.abc import Iterable, Iterator
from pathlib import Path

from django.utils.translation import gettext_noop

from .conf import mirror_settings
from .errors import DiskFullError, IntegrityError

SHA256_RE = re.compile(r"^[0-9a-f]{64}$")


def is_sha256(name: str) -> bool:
    return isinstance(name, str) and bool(SHA256_RE.match(name))


def sha256_file(path: Path, chunk_size: int = 1024 * 1024) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(chunk_size), b""):
            digest.update(block)
    return digest.hexdigest()


def free_bytes(path: Path) -> int:
    """Free space on the disk that holds ``path`` (its nearest existing parent)."""
    probe = Path(path)
    while not probe.exists() and probe != probe.parent:
        probe = probe.parent
    return shutil.disk_usage(probe).free


class FileStore:
    """Files under ``root/ab/cd/<sha>``; partial downloads under ``root/partial``."""

    def __init__(self, root: Path | str | None = None):
        self.root = Path(root or mirror_settings.STORE_DIR)
        self._used: int | None = None  # counted once, then kept up to date
        self._lock = threading.Lock()  # parallel downloads write at once

    # -- names ------------------------------------------------------------------
    def path_for(self, sha: str) -> Path:
        if not is_sha256(sha):
            raise IntegrityError.pair(
                gettext_noop("not a sha256 file name: %(name)s"), name=repr(sha)
            )
        return self.root / sha[:2] / sha[2:4] / sha

    def partial_path(self, sha: str) -> Path:
        self.path_for(sha)  # validates the name
        return self.root / "partial" / f"{sha}.part"

    def has(self, sha: str) -> bool:
        return self.path_for(sha).is_file()

    def missing(self, shas: Iterable[str]) -> list[str]:
        return sorted({sha for sha in shas if not self.has(sha)})

    def shas(self) -> Iterator[str]:
        if not self.root.is_dir():
            return
        for first in self.root.iterdir():
            if len(first.name) != 2 or not first.is_dir():
                continue
            for second in first.iterdir():
                for path in second.iterdir():
                    if is_sha256(path.name):
                        yield path.name

    # -- space ------------------------------------------------------------------
    def used_bytes(self) -> int:
        """Bytes in the store, partial files included. Walked once per instance,
        then adjusted by ``note_written`` and ``remove``, since a quota is checked
        before every chunk."""
        if self._used is None:
            total = 0
            for dirpath, _dirs, files in os.walk(self.root):
                for name in files:
                    total += os.lstat(os.path.join(dirpath, name)).st_size
            self._used = total
        return self._used

    def note_written(self, size: int) -> None:
        with self._lock:
            if self._used is not None:
                self._used += size

    def available_bytes(self) -> int:
        """What may still be written: the disk's free space less the reserve,
        and no more than the quota allows (a quota simulates a small disk)."""
        room = free_bytes(self.root) - int(mirror_settings.MIN_FREE_BYTES)
        quota = int(mirror_settings.DISK_QUOTA_BYTES)
        if quota:
            room = min(room, quota - self.used_bytes())
        return max(room, 0)

    def ensure_room(self, needed: int) -> None:
        available = self.available_bytes()
        if needed > available:
            raise DiskFullError(needed, available, str(self.root))

    # -- writing ----------------------------------------------------------------
    def commit_partial(self, sha: str) -> Path:
        """Verify a finished partial file and move it into place, or delete it."""
        partial = self.partial_path(sha)
        actual = sha256_file(partial)
        if actual != sha:
            self.note_written(-partial.stat().st_size)
            partial.unlink(missing_ok=True)
            raise IntegrityError.pair(
                gettext_noop(
                    "a file arrived corrupt or tampered with (its content does not match its "
                    "name %(sha)s); it was discarded and nothing that needs it was applied. "
                    "Sync again to fetch it anew; if this repeats, tell the area office: "
                    "central's copy may be damaged."
                ),
                sha=sha[:12],
            )
        final = self.path_for(sha)
        final.parent.mkdir(parents=True, exist_ok=True)
        os.replace(partial, final)
        final.chmod(0o444)
        return final

    def put_file(self, source: Path) -> str:
        """Copy a local file in (used by central and by tests); returns its sha."""
        sha = sha256_file(source)
        if not self.has(sha):
            partial = self.partial_path(sha)
            partial.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, partial)
            self.note_written(partial.stat().st_size)
            self.commit_partial(sha)
        return sha

    def put_bytes(self, data: bytes) -> str:
        sha = hashlib.sha256(data).hexdigest()
        if not self.has(sha):
            partial = self.partial_path(sha)
            partial.parent.mkdir(parents=True, exist_ok=True)
            partial.write_bytes(data)
            self.note_written(len(data))
            self.commit_partial(sha)
        return sha

    def verify(self, sha: str) -> bool:
        """Re-hash a stored file; a bad one is removed so it is fetched again."""
        path = self.path_for(sha)
        if not path.is_file():
            return False
        if sha256_file(path) != sha:
            path.chmod(0o644)
            path.unlink()
            return False
        return True

    def remove(self, sha: str) -> None:
        path = self.path_for(sha)
        if path.exists():
            self.note_written(-path.stat().st_size)
            path.chmod(0o644)
            path.unlink()

    def clean_partials(self, keep: Iterable[str] = ()) -> int:
        """Delete partial downloads no longer wanted; returns how many."""
        keep_names = {f"{sha}.part" for sha in keep}
        folder = self.root / "partial"
        removed = 0
        if folder.is_dir():
            for path in folder.iterdir():
                if path.name not in keep_names:
                    self.note_written(-path.stat().st_size)
                    path.unlink(missing_ok=True)
                    removed += 1
        return removed
