"""Backup and restore of the database and the media files, one archive each way.

The archive is a plain tar (video is already compressed): ``manifest.json``,
the database (``db.sqlite3`` through SQLite's online backup API, or
``db.pgdump`` from ``pg_dump --format=custom``), and the file trees
``media/`` (MEDIA_ROOT) and ``protected/`` (originals and renditions).
The database engine is what it is in each format's own tool, so a dump is
exact (sequences, Wagtail's trees, full-text tables), which ``dumpdata`` is not.

Restore never leaves half a state behind: the archive is checked first, files
are unpacked beside their folders and swapped in by rename, and the database
is replaced in one step (SQLite's backup API; pg_restore in one transaction).
"""

from __future__ import annotations

import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.db import connections

FORMAT = 1


def _protected_root() -> Path:
    # core sits below media_center, so it reads the setting itself; the default
    # is media_center.conf's (VAR_DIR/protected).
    configured = getattr(settings, "MEDIA_CENTER", {}).get("PROTECTED_ROOT")
    return Path(configured or settings.VAR_DIR / "protected")


TREES = {"media": lambda: Path(settings.MEDIA_ROOT), "protected": _protected_root}


class BackupError(RuntimeError):
    pass


def _db() -> dict:
    return settings.DATABASES["default"]


def engine() -> str:
    vendor = connections["default"].vendor
    if vendor not in {"sqlite", "postgresql"}:
        raise BackupError(f"unsupported database: {vendor}")
    return vendor


def _pg_env() -> tuple[list[str], dict]:
    db = _db()
    args = ["--dbname", db["NAME"], "--host", db.get("HOST") or "127.0.0.1"]
    args += ["--port", str(db.get("PORT") or 5432), "--username", db.get("USER") or "postgres"]
    env = {**os.environ, "PGPASSWORD": db.get("PASSWORD") or ""}
    return args, env


def _run(args: list[str], env: dict) -> None:
    result = subprocess.run(args, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        last = (result.stderr.strip().splitlines() or ["?"])[-1]
        raise BackupError(f"{Path(args[0]).name} failed: {last}")


def create(target: Path) -> dict:
    """Write a backup archive to ``target`` (written beside it, renamed when whole)."""
    kind = engine()
    target = Path(target)
    partial = target.with_name(target.name + ".partial")
    with tempfile.TemporaryDirectory(dir=target.parent) as temp:
        dump = Path(temp) / ("db.sqlite3" if kind == "sqlite" else "db.pgdump")
        if kind == "sqlite":
            connections["default"].ensure_connection()
            with sqlite3.connect(dump) as copy:
                connections["default"].connection.backup(copy)
            copy.close()
        else:
            args, env = _pg_env()
            _run(["pg_dump", "--format=custom", "--no-owner", "--file", str(dump), *args], env)
        manifest = {"format": FORMAT, "engine": kind, "created": datetime.now(UTC).isoformat()}
        with tarfile.open(partial, "w") as archive:
            info = tarfile.TarInfo("manifest.json")
            data = json.dumps(manifest).encode()
            info.size = len(data)
            archive.addfile(info, fileobj=_bytes(data))
            archive.add(dump, arcname=dump.name)
            for name, root in TREES.items():
                if root().is_dir():
                    archive.add(root(), arcname=name)
    partial.replace(target)
    return manifest


def _bytes(data: bytes) -> io.BytesIO:
    return io.BytesIO(data)


def _safe_members(archive: tarfile.TarFile) -> list[tarfile.TarInfo]:
    members = archive.getmembers()
    for member in members:
        path = Path(member.name)
        if path.is_absolute() or ".." in path.parts or not (member.isfile() or member.isdir()):
            raise BackupError(f"unsafe entry in the archive: {member.name}")
    return members


def restore(source: Path) -> dict:
    """Replace the database and the media files with the archive's."""
    kind = engine()
    with tarfile.open(source, "r") as archive:
        members = _safe_members(archive)
        names = {m.name for m in members}
        if "manifest.json" not in names:
            raise BackupError("not a Khlang backup: manifest.json is missing")
        manifest = json.load(archive.extractfile("manifest.json"))
        if manifest.get("format") != FORMAT or manifest.get("engine") != kind:
            raise BackupError(
                f"this backup is for {manifest.get('engine')}, the site runs on {kind}"
            )
        staging = {}
        for name, root in TREES.items():
            root().parent.mkdir(parents=True, exist_ok=True)
            staging[name] = Path(tempfile.mkdtemp(dir=root().parent, prefix=f".restore-{name}-"))
        try:
            _unpack(archive, members, staging, kind)
        except BaseException:
            for folder in staging.values():
                shutil.rmtree(folder, ignore_errors=True)
            raise
    for name, root in TREES.items():
        _swap(staging[name], root())
    return manifest


def _unpack(archive: tarfile.TarFile, members, staging: dict, kind: str) -> None:
    """Files into the staging folders; then the database (the one step that changes data)."""
    with tempfile.TemporaryDirectory() as temp:
        for member in members:
            parts = Path(member.name).parts
            if parts[0] in TREES and len(parts) > 1:
                inner = _renamed(member, str(Path(*parts[1:])))
                archive.extract(inner, staging[parts[0]], filter="data")
            elif member.name.startswith("db."):
                archive.extract(member, temp, filter="data")
        _restore_database(kind, Path(temp))


def _renamed(member: tarfile.TarInfo, name: str) -> tarfile.TarInfo:
    """The same entry under another name (its path inside its tree)."""
    copy = tarfile.TarInfo(name)
    copy.type, copy.size, copy.mode, copy.mtime = (
        member.type,
        member.size,
        member.mode,
        member.mtime,
    )
    copy.offset, copy.offset_data = member.offset, member.offset_data
    return copy


def _restore_database(kind: str, folder: Path) -> None:
    if kind == "sqlite":
        dump = folder / "db.sqlite3"
        connections["default"].ensure_connection()
        with sqlite3.connect(dump) as source:
            source.backup(connections["default"].connection)
        source.close()
        return
    args, env = _pg_env()
    _run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--no-privileges",
          "--single-transaction", *args, str(folder / "db.pgdump")], env)  # fmt: skip


def _swap(new: Path, root: Path) -> None:
    old = root.with_name(f".{root.name}.replaced")
    shutil.rmtree(old, ignore_errors=True)
    if root.exists():
        root.rename(old)
    new.rename(root)
    root.chmod(0o755)
    shutil.rmtree(old, ignore_errors=True)
