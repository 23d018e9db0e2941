"""A throttled link on loopback: a TCP proxy with one token bucket per direction.

Every connection shares the buckets, as requests share a satellite link. The
proxy counts the bytes each way and, for responses to file requests, when they
went out, so a benchmark measures what really crossed the "link".
"""

from __future__ import annotations

import socket
import threading
import time

from mirror.throttle import TokenBucket


class ThrottledLink:
    def __init__(self, target_port: int, kbps: int = 0, piece: int = 2048):
        self.target = ("127.0.0.1", target_port)
        self.piece = piece
        self.lock = threading.Lock()
        self.set_rate(kbps)
        self.down_bytes = 0
        self.up_bytes = 0
        self.file_bytes = 0
        self.file_first: float | None = None
        self.file_last: float | None = None
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]
        self.running = True
        threading.Thread(target=self._accept, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def set_rate(self, kbps: int) -> None:
        with self.lock:
            self.kbps = kbps
            burst = self.piece * 2
            self.buckets = {
                "down": TokenBucket(kbps * 1000, burst_bytes=burst),
                "up": TokenBucket(kbps * 1000, burst_bytes=burst),
            }

    def reset_counters(self) -> None:
        with self.lock:
            self.down_bytes = self.up_bytes = self.file_bytes = 0
            self.file_first = self.file_last = None

    def file_throughput_bps(self) -> float:
        if not self.file_first or not self.file_last or self.file_last <= self.file_first:
            return 0.0
        return self.file_bytes * 8 / (self.file_last - self.file_first)

    def close(self) -> None:
        self.running = False
        self.server.close()

    def _accept(self) -> None:
        while self.running:
            try:
                client, _ = self.server.accept()
            except OSError:
                return
            upstream = socket.create_connection(self.target)
            state = {"file": False}
            threading.Thread(
                target=self._pump, args=(client, upstream, "up", state), daemon=True
            ).start()
            threading.Thread(
                target=self._pump, args=(upstream, client, "down", state), daemon=True
            ).start()

    def _pump(self, source: socket.socket, sink: socket.socket, way: str, state: dict) -> None:
        first = True
        try:
            while True:
                block = source.recv(self.piece)
                if not block:
                    break
                if way == "up" and first:
                    state["file"] = b"/mirror/api/files/" in block.split(b"\r\n", 1)[0]
                first = False
                self.buckets[way].take(len(block))
                sink.sendall(block)
                now = time.monotonic()
                with self.lock:
                    if way == "up":
                        self.up_bytes += len(block)
                    else:
                        self.down_bytes += len(block)
                        if state["file"]:
                            # The window opens when the first block is out, so
                            # only the bytes after it count towards the rate.
                            if self.file_first is None:
                                self.file_first = now
                            else:
                                self.file_bytes += len(block)
                            self.file_last = now
        except OSError:
            pass
        finally:
            for end in (source, sink):
                try:
                    end.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                end.close()
