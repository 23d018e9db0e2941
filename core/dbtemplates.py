"""Migrated databases, built once per state of the code, for tests and benchmarks.

Migrating an empty database takes half a minute: Django renders the model state
of some 240 migrations, Wagtail's included. A test run used to pay that for its
SQLite test database, for its PostgreSQL one, and again for each pair of mirror
sites. Instead one database is migrated and then copied: a SQLite file, or a
PostgreSQL database made with ``CREATE DATABASE ... TEMPLATE``.

A template is named by a digest of everything that decides what migrating
writes: the project's Python (its migrations, what they import, the
post_migrate handlers that grant roles), its Thai catalogues, and the version of
every installed package. Change any of them and the next run migrates afresh.
Templates unused for a day are dropped.

Nothing here is used by the running product.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.metadata
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Process settings that would point a child process at the caller's database,
# broker, cache or folders: a process this module starts gets its own.
SHARED_SERVICES = {
    "DATABASE_URL", "CELERY_BROKER_URL", "REDIS_URL", "MEDIA_ROOT", "STATIC_ROOT",
    "KHLANG_VAR_DIR", "KHLANG_ROLE", "DJANGO_SETTINGS_MODULE",
}  # fmt: skip
NOT_PRODUCT = {"tests", "bench"}
PREFIX = "khlang-template-"
PG_PREFIX = "khlang_template_"
UNUSED_DAYS = 1
LEGACY = "khlang-mirror-template-"  # what mirror.devsites kept before this module


@functools.cache
def code_digest() -> str:
    """A hash of what a migrated database depends on (see the module's docstring)."""
    return digest_of(ROOT)


def digest_of(root: Path) -> str:
    digest = hashlib.sha256()
    for path in project_files(root):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0")
        digest.update(path.read_bytes())
    for name, version in sorted(
        (dist.metadata["Name"] or "", dist.version) for dist in importlib.metadata.distributions()
    ):
        digest.update(f"{name}=={version}\n".encode())
    digest.update(f"{sys.version}|sqlite {sqlite3.sqlite_version}".encode())
    return digest.hexdigest()[:16]


def project_files(root: Path = ROOT) -> list[Path]:
    """The project's own Python and translations (not its tests or benchmarks)."""
    found = []
    for package in sorted(root.iterdir()):
        if package.name in NOT_PRODUCT or not (package / "__init__.py").is_file():
            continue
        found += [p for p in package.rglob("*") if p.suffix in {".py", ".po"} and p.is_file()]
    found += list((root / "locale").rglob("*.po"))
    return sorted(p for p in found if "__pycache__" not in p.parts)


def _environment(**own: str) -> dict[str, str]:
    inherited = {k: v for k, v in os.environ.items() if k not in SHARED_SERVICES}
    return {**inherited, "KHLANG_ENV": "test", "PYTHONDONTWRITEBYTECODE": "1", **own}


def _migrate(database_url: str, var_dir: Path) -> None:
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
        cwd=ROOT, check=True, timeout=900,
        env=_environment(KHLANG_VAR_DIR=str(var_dir), DATABASE_URL=database_url),
    )  # fmt: skip


# SQLite --------------------------------------------------------------------


def migrated_sqlite(folder: Path) -> Path:
    """``folder``/db.sqlite3, migrated (once: an existing one is taken as it is;
    while one process builds it, another that asks waits for it)."""
    import fcntl

    folder.mkdir(parents=True, exist_ok=True)
    database = folder / "db.sqlite3"
    if database.exists():
        return database
    with open(folder / "building.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not database.exists():
            building = folder / f"building-{os.getpid()}.sqlite3"
            _migrate(f"sqlite:///{building}", folder)
            with sqlite3.connect(building) as db:  # fold the WAL in: one self-contained file
                db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                db.execute("PRAGMA journal_mode=DELETE")
            os.replace(building, database)  # a half-migrated file is never taken for done
    return database


def sqlite_template() -> Path:
    """The migrated SQLite template for this code, kept in the system's temporary folder."""
    base = Path(tempfile.gettempdir())
    folder = base / f"{PREFIX}{code_digest()}"
    database = migrated_sqlite(folder)
    os.utime(folder)  # in use: not pruned
    cutoff = time.time() - UNUSED_DAYS * 86400
    for old in [*base.glob(f"{PREFIX}*"), *base.glob(f"{LEGACY}*")]:
        if old != folder and old.is_dir() and old.stat().st_mtime < cutoff:
            shutil.rmtree(old, ignore_errors=True)
    return database


def copy_sqlite_template(target: str | Path) -> None:
    """Put a copy of the template at ``target``, replacing what was there."""
    target = Path(target)
    for suffix in ("-wal", "-shm"):
        target.with_name(target.name + suffix).unlink(missing_ok=True)
    building = target.with_name(f"{target.name}.{os.getpid()}.copy")
    shutil.copyfile(sqlite_template(), building)
    os.replace(building, target)


# PostgreSQL ----------------------------------------------------------------


def postgres_url(settings_dict: dict, name: str) -> str:
    user = urllib.parse.quote(settings_dict.get("USER") or "", safe="")
    password = settings_dict.get("PASSWORD") or ""
    auth = f"{user}:{urllib.parse.quote(password, safe='')}" if password else user
    host = settings_dict.get("HOST") or "127.0.0.1"
    return f"postgres://{auth}@{host}:{settings_dict.get('PORT') or 5432}/{name}"


def _maintenance(settings_dict: dict):
    import psycopg

    return psycopg.connect(postgres_url(settings_dict, "postgres"), autocommit=True)


def _run(db, statement: str, *names: str, stamp: bool = False) -> None:
    """``statement`` with ``{}`` for database names (and a last one for the time now)."""
    from psycopg import sql

    parts = [sql.Identifier(name) for name in names]
    if stamp:
        parts.append(sql.Literal(str(int(time.time()))))
    db.execute(sql.SQL(statement).format(*parts))


def postgres_template(settings_dict: dict) -> str:
    """The name of the migrated PostgreSQL template for this code, built if missing
    on the server ``settings_dict`` points at (one build at a time per server)."""
    import psycopg

    name = f"{PG_PREFIX}{code_digest()}"
    with _maintenance(settings_dict) as db:
        db.execute("SELECT pg_advisory_lock(%s)", [int(code_digest()[:15], 16)])
        found = {row[0] for row in db.execute(
            "SELECT datname FROM pg_database WHERE datname LIKE %s", [PG_PREFIX + "%"]
        )}  # fmt: skip
        _drop_unused(db, found - {name})
        if name in found:
            _run(db, "COMMENT ON DATABASE {} IS {}", name, stamp=True)
            return name
        building = f"{name}_{os.getpid()}"
        _run(db, "DROP DATABASE IF EXISTS {}", building)
        _run(db, "CREATE DATABASE {}", building)
        _run(db, "COMMENT ON DATABASE {} IS {}", building, stamp=True)
        var_dir = Path(tempfile.mkdtemp(prefix="khlang-pg-template-"))
        try:
            _migrate(postgres_url(settings_dict, building), var_dir)
        except BaseException:
            _run(db, "DROP DATABASE IF EXISTS {}", building)
            raise
        finally:
            shutil.rmtree(var_dir, ignore_errors=True)
        try:  # whole or not at all: a half-migrated database never has the name
            _run(db, "ALTER DATABASE {} RENAME TO {}", building, name)
        except psycopg.errors.DuplicateDatabase:  # made by a run that took no lock
            _run(db, "DROP DATABASE {}", building)
        _run(db, "COMMENT ON DATABASE {} IS {}", name, stamp=True)
    return name


def _drop_unused(db, names: set[str]) -> None:
    """Drop other templates (and builds a killed run left) last used ``UNUSED_DAYS``
    ago: each one's comment holds when."""
    cutoff = time.time() - UNUSED_DAYS * 86400
    for name in names:
        row = db.execute(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s",
            [name],
        ).fetchone()
        used = row[0] if row else None
        if used and used.isdigit() and int(used) < cutoff:
            try:
                _run(db, "DROP DATABASE {}", name)
            except Exception:  # noqa: BLE001 - in use by another run this instant: next time
                pass


# Django's test database ----------------------------------------------------


def start_test_database_from_template(connection) -> None:
    """Make Django's test database for ``connection`` a copy of the template.

    Django then runs ``migrate`` on the copy, which finds nothing to apply, and
    its post_migrate handlers as usual.
    """
    if connection.vendor == "postgresql":
        connection.settings_dict["TEST"]["TEMPLATE"] = postgres_template(connection.settings_dict)
    elif connection.vendor == "sqlite":
        creation = connection.creation
        create = creation._create_test_db

        def create_from_template(verbosity, autoclobber, keepdb=False):
            kept = keepdb and os.path.exists(creation._get_test_db_name())
            name = create(verbosity, autoclobber, keepdb)
            if not kept and not creation.is_in_memory_db(name):
                copy_sqlite_template(name)
            return name

        creation._create_test_db = create_from_template


def main() -> None:
    """``python -m core.dbtemplates``: make the template for DATABASE_URL's
    PostgreSQL server, or the SQLite one without it, ahead of the tests that
    copy it (scripts/test.sh)."""
    import environ

    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://", "pgsql://")):
        print(postgres_template(environ.Env.db_url_config(url)))
    else:
        print(sqlite_template())


if __name__ == "__main__":
    main()
