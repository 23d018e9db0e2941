"""Two real sites on loopback, a central and a mirror, for tests and benchmarks.

Each site is its own process tree with its own SQLite database, var/ and media
folder, configured only through the environment (as production would be):

    pair = SitePair.create(tmp_path)          # migrates once, copies the database
    pair.central.manage("load_demo")
    pair.central.start_server()
    pair.mirror.manage("mirror_sync", "--force")

Nothing here is used by the running product.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from core.dbtemplates import SHARED_SERVICES, migrated_sqlite, sqlite_template
from core.waiting import wait_for

from .signing import generate_private_key, load_private_key, public_key_text

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Site:
    name: str
    folder: Path
    env: dict[str, str]
    port: int = 0
    server: subprocess.Popen | None = None
    log: Path | None = None
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def database(self) -> Path:
        return self.folder / "db.sqlite3"

    @property
    def media(self) -> Path:
        return self.folder / "media"

    def environ(self, **overrides: str) -> dict[str, str]:
        """The process environment: the test runner's, less what would point both
        sites at one shared database, broker or cache, plus this site's own."""
        inherited = {k: v for k, v in os.environ.items() if k not in SHARED_SERVICES}
        return {**inherited, **self.env, **self.extra, **overrides}

    def manage(
        self, *args: str, check: bool = True, timeout: float = 300, **env
    ) -> subprocess.CompletedProcess:
        process = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.environ(**env),
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if check and process.returncode != 0:
            raise RuntimeError(
                f"{self.name}: manage.py {' '.join(args)} failed ({process.returncode}):\n"
                f"{process.stdout[-3000:]}\n{process.stderr[-3000:]}"
            )
        return process

    def shell(self, code: str, check: bool = True, **env) -> str:
        return self.manage("shell", "-c", code, check=check, **env).stdout

    def popen(self, *args: str, **env) -> subprocess.Popen:
        return subprocess.Popen(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.environ(**env),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )

    def start_server(self, port: int | None = None) -> None:
        self.port = port or self.port or free_port()
        self.log = self.folder / "server.log"
        self.server = subprocess.Popen(
            [sys.executable, "manage.py", "runserver", f"127.0.0.1:{self.port}", "--noreload"],
            cwd=ROOT,
            env=self.environ(),
            stdout=self.log.open("w"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

        def up() -> bool:
            if self.server.poll() is not None:
                raise RuntimeError(f"{self.name} server exited:\n{self.log.read_text()[-3000:]}")
            try:
                urllib.request.urlopen(f"{self.url}/healthz", timeout=2)
            except urllib.error.HTTPError:
                return True
            except OSError:
                return False
            return True

        wait_for(up, 60, f"the {self.name} server")

    def stop_server(self) -> None:
        if self.server and self.server.poll() is None:
            os.killpg(self.server.pid, signal.SIGTERM)
            try:
                self.server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.server.pid, signal.SIGKILL)
                self.server.wait()
        self.server = None


@dataclass
class SitePair:
    central: Site
    mirror: Site

    @classmethod
    def create(cls, folder: Path, template: Path | None = None, mirror_id: str = "school-1"):
        """Two sites sharing nothing but keys; ``template`` is a migrated database."""
        folder.mkdir(parents=True, exist_ok=True)
        template = template or migrated_template(folder / "template")
        central_key, mirror_key = generate_private_key(), generate_private_key()
        base = {"KHLANG_ENV": "test", "PYTHONDONTWRITEBYTECODE": "1", "DEBUG": "false"}
        sites = {}
        for name, role, key in [
            ("central", "central", central_key),
            ("mirror", "mirror", mirror_key),
        ]:
            site_folder = folder / name
            site_folder.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(template, site_folder / "db.sqlite3")
            env = {
                **base,
                "KHLANG_ROLE": role,
                "KHLANG_VAR_DIR": str(site_folder),
                "DATABASE_URL": f"sqlite:///{site_folder / 'db.sqlite3'}",
                "MEDIA_ROOT": str(site_folder / "media"),
                "KHLANG_MIRROR_SIGNING_KEY": key,
                "KHLANG_MIRROR_MIN_FREE_BYTES": "0",
            }
            sites[name] = Site(name, site_folder, env)
        pair = cls(sites["central"], sites["mirror"])
        pair.mirror.env.update(
            {
                "KHLANG_MIRROR_ID": mirror_id,
                "KHLANG_MIRROR_CENTRAL_PUBLIC_KEY": public_key_text(load_private_key(central_key)),
            }
        )
        return pair

    def point_mirror_at(self, url: str) -> None:
        self.mirror.env["KHLANG_MIRROR_CENTRAL_URL"] = url

    def another_mirror(self, name: str, mirror_id: str, template: Path) -> Site:
        """A further mirror site (same central key, its own database and key)."""
        folder = self.central.folder.parent / name
        folder.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(template, folder / "db.sqlite3")
        env = {
            **self.mirror.env,
            "KHLANG_VAR_DIR": str(folder),
            "DATABASE_URL": f"sqlite:///{folder / 'db.sqlite3'}",
            "MEDIA_ROOT": str(folder / "media"),
            "KHLANG_MIRROR_SIGNING_KEY": generate_private_key(),
            "KHLANG_MIRROR_ID": mirror_id,
        }
        return Site(name, folder, env)

    @property
    def mirror_public_key(self) -> str:
        return public_key_text(load_private_key(self.mirror.env["KHLANG_MIRROR_SIGNING_KEY"]))

    def stop(self) -> None:
        self.central.stop_server()
        self.mirror.stop_server()


def cached_template() -> Path:
    """A migrated template kept between runs of the same code (core.dbtemplates)."""
    return sqlite_template()


def migrated_template(folder: Path) -> Path:
    """Migrate one throwaway database; sites copy it instead of migrating twice."""
    return migrated_sqlite(folder)
