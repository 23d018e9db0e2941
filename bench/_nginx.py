"""deploy/nginx.conf run by Debian's nginx on loopback (benchmarks and tests).

The file is used as shipped, with only this run's addresses and folders
swapped in: upstream, the two listen ports, /srv/khlang, the temp folders and,
when given, the certificate folder (else the TLS lines are left out).
"""

from __future__ import annotations

import os
import socket
import subprocess
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"nothing listens on port {port}")


class Nginx:
    def __init__(self, work: Path, web_port: int, certs: Path | None = None):
        self.work = work
        self.http_port, self.port = free_port(), free_port()
        text = (ROOT / "deploy/nginx.conf").read_text()
        text = text.replace("server web:8000;", f"server 127.0.0.1:{web_port};")
        text = text.replace("listen 80;", f"listen 127.0.0.1:{self.http_port};")
        listen = f"listen 127.0.0.1:{self.port}" + (" ssl http2;" if certs else ";")
        text = text.replace("listen 443 ssl http2;", listen)
        if certs:
            text = text.replace("/etc/nginx/certs/", f"{certs}/")
        else:
            lines = text.splitlines()
            text = "\n".join(line for line in lines if not line.strip().startswith("ssl_"))
        text = text.replace("/srv/khlang/", f"{work}/srv/").replace("/tmp/nginx-", f"{work}/nginx-")
        for folder in ("srv/static", "srv/var/protected", "nginx-body", "nginx-proxy"):
            (work / folder).mkdir(parents=True, exist_ok=True)
        self.conf = work / "nginx.conf"
        self.conf.write_text(text)
        self.process: subprocess.Popen | None = None

    def start(self) -> Nginx:
        extra = f"pid {self.work}/nginx.pid; error_log {self.work}/error.log; daemon off;"
        if os.geteuid() == 0:  # the scratch folders are private to this user
            extra += " user root;"
        self.process = subprocess.Popen(["nginx", "-c", str(self.conf), "-p", str(self.work),
                                         "-g", extra])  # fmt: skip
        wait_for_port(self.port, 30)
        return self

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=30)
