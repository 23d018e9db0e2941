"""Helpers shared by integration tests: a live publisher (ffmpeg as OBS), a
signed-in HTTP client for a site, and a counting proxy that stands for a
school's link."""

from __future__ import annotations

import http.cookiejar
import re
import socket
import subprocess
import threading
import urllib.parse
import urllib.request
from collections.abc import Callable

from core.waiting import wait_for


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def publish(url: str, seconds: float, *, video_codec: str = "libx264") -> subprocess.Popen:
    """ffmpeg as OBS: a 720p test pattern with a running clock and a 440 Hz tone."""
    clock = (
        "drawtext=text='%{pts\\:hms}':fontsize=48:fontcolor=white:box=1:boxcolor=black:x=20:y=20"
    )
    video = ["-c:v", video_codec]
    if video_codec == "libx264":
        video += ["-preset", "veryfast", "-g", "50", "-b:v", "1500k"]
    return subprocess.Popen(
        ["ffmpeg", "-hide_banner", "-loglevel", "error", "-re",
         "-f", "lavfi", "-i", "testsrc2=size=1280x720:rate=25",
         "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000",
         "-t", str(seconds), "-vf", clock, *video, "-c:a", "aac", "-b:a", "96k",
         "-f", "flv", url],
        stdin=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip


def publish_until_connected(
    url: str, seconds: float, *, until: Callable[[], bool] | None = None, **kwargs
) -> subprocess.Popen:
    """Retry while the listener is not up yet (connection refused at once), or,
    for a publisher the listener is to turn away, until ``until()`` says it did;
    after 30 s the last attempt is returned as it is."""
    attempt: dict[str, subprocess.Popen] = {}

    def connected() -> bool:
        process = publish(url, seconds, **kwargs)
        attempt["process"] = process
        try:
            process.wait(timeout=1.5)
        except subprocess.TimeoutExpired:
            return True  # connected and sending
        return bool(until and until())

    try:
        wait_for(connected, 30, "the live listener to take a publisher", interval=0.5)
    except TimeoutError:
        pass
    return attempt["process"]


def signed_in(base_url: str, username: str, password: str):
    """A logged-in opener and a function that posts a form with the CSRF token."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    form = opener.open(f"{base_url}/accounts/login/", timeout=10).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
    body = {"username": username, "password": password, "csrfmiddlewaretoken": token}
    opener.open(f"{base_url}/accounts/login/", urllib.parse.urlencode(body).encode()).read()

    def post(path: str, **fields):
        csrf = next(c.value for c in jar if c.name == "csrftoken")
        data = urllib.parse.urlencode({**fields, "csrfmiddlewaretoken": csrf}).encode()
        request = urllib.request.Request(base_url + path, data=data)
        request.add_header("Referer", base_url + path)
        return opener.open(request, timeout=30)

    return opener, post


class CountingProxy:
    """A TCP proxy on loopback in front of a site, counting the bytes the site
    sends through it: what a school's link would carry."""

    def __init__(self, upstream_port: int):
        self.upstream = ("127.0.0.1", upstream_port)
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.received = 0  # bytes from the site to whoever connected here
        self._lock = threading.Lock()
        threading.Thread(target=self._accept, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def reset(self) -> None:
        with self._lock:
            self.received = 0

    def close(self) -> None:
        self.listener.close()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return  # closed
            threading.Thread(target=self._serve, args=(client,), daemon=True).start()

    def _serve(self, client: socket.socket) -> None:
        try:
            upstream = socket.create_connection(self.upstream, timeout=30)
        except OSError:
            client.close()  # the site is down: the connection drops, as a dead link's would
            return
        up = threading.Thread(target=self._pump, args=(client, upstream, False), daemon=True)
        up.start()
        self._pump(upstream, client, True)
        up.join(timeout=30)
        client.close()
        upstream.close()

    def _pump(self, source: socket.socket, target: socket.socket, counted: bool) -> None:
        try:
            while data := source.recv(65536):
                target.sendall(data)
                if counted:
                    with self._lock:
                        self.received += len(data)
        except OSError:
            pass
        for side in (source, target):
            try:
                side.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
