"""A satellite-like link on loopback: rate-limited, delayed, and cuttable.

The kernel here has no netem, so a small TCP proxy plays the link. Each
direction is one shared link: a piece may leave only when the link is free
(``size / rate`` after the previous one), and arrives ``delay`` later. The proxy
reads from a socket only when the link could carry what it reads, so the
sender sees the link's pace through TCP back-pressure (small socket buffers
keep what hides in them to a few tens of kilobytes, as on a real modem).
``cut(seconds)`` drops every connection and refuses new ones for a while.
"""

from __future__ import annotations

import queue
import socket
import threading
import time

PIECE = 4096
BUFFER = 32 * 1024


class ShapedLink:
    def __init__(self, target_port: int, kbit_per_s: int, rtt_ms: int):
        self.target = ("127.0.0.1", target_port)
        self.rate = kbit_per_s * 1000 / 8  # bytes per second
        self.delay = rtt_ms / 2000  # one way
        self.free_at = {"up": 0.0, "down": 0.0}
        self.lock = threading.Lock()
        self.sockets: set[socket.socket] = set()
        self.down_until = 0.0
        self.up_bytes = 0
        self.server = socket.socket()
        self.server.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, BUFFER)
        self.server.bind(("127.0.0.1", 0))
        self.server.listen(64)
        self.port = self.server.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    def cut(self, seconds: float) -> None:
        with self.lock:
            self.down_until = time.monotonic() + seconds
            doomed, self.sockets = self.sockets, set()
        for sock in doomed:
            _close(sock)

    def _accept(self) -> None:
        while True:
            client, _ = self.server.accept()
            if time.monotonic() < self.down_until:
                _close(client)
                continue
            upstream = socket.create_connection(self.target)
            for sock in (client, upstream):
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, BUFFER)
            with self.lock:
                self.sockets |= {client, upstream}
            self._pump(client, upstream, "up")
            self._pump(upstream, client, "down")

    def _pump(self, src: socket.socket, dst: socket.socket, way: str) -> None:
        due: queue.Queue = queue.Queue()

        def carry() -> None:  # the link: pace and delay
            while True:
                try:
                    data = src.recv(PIECE)
                except OSError:
                    data = b""
                with self.lock:
                    start = max(time.monotonic(), self.free_at[way])
                    self.free_at[way] = start + len(data) / self.rate
                    leaves = self.free_at[way]
                    if way == "up":
                        self.up_bytes += len(data)
                _sleep_until(leaves)
                due.put((leaves + self.delay, data))
                if not data:
                    return

        def deliver() -> None:
            while True:
                when, data = due.get()
                _sleep_until(when)
                if not data:
                    _close(dst)
                    return
                try:
                    dst.sendall(data)
                except OSError:
                    _close(src)
                    return

        threading.Thread(target=carry, daemon=True).start()
        threading.Thread(target=deliver, daemon=True).start()


def _sleep_until(when: float) -> None:
    pause = when - time.monotonic()
    if pause > 0:
        time.sleep(pause)


def _close(sock: socket.socket) -> None:
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    sock.close()
