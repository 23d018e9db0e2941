"""A big upload from a school on a satellite link: `python -m bench.upload [--quick]`.

Real nginx (Debian's, running deploy/nginx.conf) in front of real gunicorn
(deploy/gunicorn.conf.py, gthread), reached through a link shaped to 256 kbit/s
with a 600 ms round trip (bench/_shaped_link.py). A tus client uploads a file
(20 MB; 2 MB with --quick), choosing each piece's size from the throughput it
measured (about 30 s of sending per piece); at 50 % the link is cut for 5 s;
the client resumes from the offset the server reports. The last line is JSON:
completed, sha256_match, resent_bytes_ratio (bytes sent / file size) and
link_utilisation (file bytes / what the link could carry while it was up).
TLS is left out here (plain HTTP on the TLS server block): it changes nothing
on the upload path and would need a CSRF origin per test port.
"""

from __future__ import annotations

import argparse
import hashlib
import http.client
import json
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

from ._nginx import Nginx, free_port, wait_for_port
from ._setup import django_on_scratch_database
from ._shaped_link import ShapedLink

ROOT = Path(__file__).resolve().parents[1]
KBIT = 256
RTT_MS = 600
PIECE_SECONDS = 30  # aim for pieces this long at the measured throughput
MIN_PIECE, MAX_PIECE = 128 * 1024, 8 * 1024 * 1024
OUTAGE_S = 5.0


class Client:
    """A tus client over one kept-alive connection that reconnects after a cut."""

    def __init__(self, port: int, cookies: str, csrf: str):
        self.port = port
        self.headers = {"Tus-Resumable": "1.0.0", "Cookie": cookies, "X-CSRFToken": csrf}
        self.conn: http.client.HTTPConnection | None = None
        self.sent = 0

    def request(self, method: str, path: str, body=None, **headers) -> http.client.HTTPResponse:
        if self.conn is None:
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
            self.conn.connect()
            self.conn.sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 32 * 1024)
        try:
            self.conn.request(method, path, body=body, headers={**self.headers, **headers})
            response = self.conn.getresponse()
            response.read()
            return response
        except (OSError, http.client.HTTPException):
            self.conn.close()
            self.conn = None
            raise

    def upload(self, data: bytes, on_progress) -> str:
        created = self.request("POST", "/media-center/tus/", **{"Upload-Length": str(len(data))})
        location = "/" + created.headers["Location"].split("/", 3)[3]
        offset, piece = 0, MIN_PIECE
        while offset < len(data):
            try:
                body = data[offset : offset + piece]
                started = time.monotonic()
                on_progress(offset)
                answer = self.request(
                    "PATCH", location, body=self.counted(body),
                    **{"Upload-Offset": str(offset), "Content-Length": str(len(body)),
                       "Content-Type": "application/offset+octet-stream"},
                )  # fmt: skip
                if answer.status != 204:
                    raise OSError(f"PATCH answered {answer.status}")
                offset = int(answer.headers["Upload-Offset"])
                rate = len(body) / max(time.monotonic() - started, 1e-3)
                piece = int(min(MAX_PIECE, max(MIN_PIECE, rate * PIECE_SECONDS)))
            except OSError:
                offset = self.resume_offset(location)
        return location

    def counted(self, body: bytes, step: int = 8192):
        """The body in the pieces http.client sends, counting each as it goes out."""
        for start in range(0, len(body), step):
            piece = body[start : start + step]
            self.sent += len(piece)
            yield piece

    def resume_offset(self, location: str) -> int:
        while True:
            time.sleep(1)
            try:
                answer = self.request("HEAD", location)
                if answer.status == 200:
                    return int(answer.headers["Upload-Offset"])
            except OSError:
                continue


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    quick = parser.parse_args().quick
    size = (2 if quick else 20) * 1000 * 1000

    os.environ.update({"KHLANG_ENV": "dev", "DEBUG": "false", "LOG_LEVEL": "WARNING"})
    var = Path(django_on_scratch_database())
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.middleware.csrf import _get_new_csrf_string
    from django.test import Client as DjangoClient

    from media_center.models import TusUpload, upload_storage

    call_command("migrate", verbosity=0)
    user = get_user_model().objects.create_superuser("uploader", password="x-long-pass-1")
    browser = DjangoClient()
    browser.force_login(user)
    csrf = _get_new_csrf_string()
    cookies = f"sessionid={browser.cookies['sessionid'].value}; csrftoken={csrf}"

    work = var / "stack"
    os.chmod(var, 0o755)
    web_port = free_port()
    env = {**os.environ, "KHLANG_BIND": f"127.0.0.1:{web_port}", "KHLANG_WEB_WORKERS": "1"}
    web = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "khlang.wsgi:application", "-c",
         str(ROOT / "deploy/gunicorn.conf.py"), "--access-logfile", "/dev/null"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    proxy = Nginx(work, web_port).start()
    link = ShapedLink(proxy.port, KBIT, RTT_MS)
    try:
        wait_for_port(web_port)
        data = os.urandom(size)
        client = Client(link.port, cookies, csrf)
        cut = threading.Event()

        def on_progress(offset: int) -> None:
            pass

        def cutter() -> None:
            while link.up_bytes < size / 2:
                time.sleep(0.05)
            link.cut(OUTAGE_S)
            cut.set()

        threading.Thread(target=cutter, daemon=True).start()
        started = time.monotonic()
        location = client.upload(data, on_progress)
        elapsed = time.monotonic() - started
        upload = TusUpload.objects.get(pk=location.rstrip("/").split("/")[-1])
        stored = Path(upload_storage.path(upload.path)).read_bytes()
    finally:
        proxy.stop()
        web.terminate()
        web.wait()
    up_seconds = elapsed - (OUTAGE_S if cut.is_set() else 0)
    result = {
        "bench": "upload",
        "file_bytes": size,
        "link_kbit_s": KBIT,
        "rtt_ms": RTT_MS,
        "cut_at_half": cut.is_set(),
        "outage_s": OUTAGE_S,
        "elapsed_s": round(elapsed, 1),
        "completed": upload.offset == size and len(stored) == size,
        "sha256_match": hashlib.sha256(stored).hexdigest() == hashlib.sha256(data).hexdigest(),
        "resent_bytes_ratio": round(client.sent / size, 4),
        "link_utilisation": round(size / (up_seconds * KBIT * 1000 / 8), 3),
    }
    shutil.rmtree(var, ignore_errors=True)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
