"""A satellite-like link made of real kernel parts, for tests and benchmarks.

    with SatelliteLink(central_port, prefix="khmir", subnet="10.203.0") as link:
        subprocess.run(link.command([python, "manage.py", "mirror_sync"]), ...)

The mirror runs inside its own network namespace, joined to this host by a
veth pair. Each end shapes its outgoing traffic with ``tc tbf`` (256 kbit/s),
an nftables rule in the namespace drops 1 % of packets each way at random
(``numgen random``), and a small proxy on the host end holds every chunk for
half the round trip in each direction (this kernel has no netem), then passes
it to central on loopback. So the mirror's TCP stack meets real shaping and
real loss, and every request waits 600 ms for its answer as over a
geostationary hop. Needs root, ``ip``, ``tc`` and ``nft``
(scripts/ensure-system.sh installs nftables). Nothing here is used by the
running product.
"""

from __future__ import annotations

import heapq
import os
import shutil
import socket
import subprocess
import threading
import time

TOOLS = ("ip", "tc", "nft")


def available() -> str:
    """'' when a link can be made here, else why not."""
    if os.geteuid() != 0:
        return "needs root (network namespaces)"
    missing = [tool for tool in TOOLS if shutil.which(tool) is None]
    return f"missing {', '.join(missing)}" if missing else ""


def _run(*args: str) -> None:
    subprocess.run(args, check=True, capture_output=True, timeout=30)


class DelayLine:
    """Holds each chunk for ``delay`` seconds, then writes it on, in order,
    without stopping the reader: a pipe with latency but no rate of its own."""

    def __init__(self, source: socket.socket, sink: socket.socket, delay: float, counter):
        self.source, self.sink, self.delay, self.counter = source, sink, delay, counter
        self.queue: list[tuple[float, int, bytes]] = []
        self.ready = threading.Condition()
        self.closed = False
        threading.Thread(target=self._read, daemon=True).start()
        threading.Thread(target=self._write, daemon=True).start()

    def _read(self) -> None:
        sequence = 0
        try:
            while block := self.source.recv(65536):
                with self.ready:
                    heapq.heappush(self.queue, (time.monotonic() + self.delay, sequence, block))
                    sequence += 1
                    self.ready.notify()
        except OSError:
            pass
        with self.ready:
            self.closed = True
            self.ready.notify()

    def _write(self) -> None:
        try:
            while True:
                with self.ready:
                    while not self.queue and not self.closed:
                        self.ready.wait()
                    if not self.queue and self.closed:
                        break
                    due, _, block = self.queue[0]
                    wait = due - time.monotonic()
                    if wait > 0:
                        self.ready.wait(wait)
                        continue
                    heapq.heappop(self.queue)
                self.sink.sendall(block)
                self.counter(len(block))
        except OSError:
            pass
        for end in (self.sink, self.source):
            try:
                end.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


class SatelliteLink:
    def __init__(
        self,
        target_port: int,
        prefix: str = "khmir",
        subnet: str = "10.203.0",
        kbit: int = 256,
        rtt_ms: int = 600,
        loss_percent: int = 1,
    ):
        tag = f"{os.getpid() % 10000}"
        self.namespace = f"{prefix}-sat{tag}"
        self.host_end, self.far_end = f"{prefix}h{tag}", f"{prefix}s{tag}"
        self.host_ip, self.far_ip = f"{subnet}.1", f"{subnet}.2"
        self.target = ("127.0.0.1", target_port)
        self.kbit, self.delay, self.loss = kbit, rtt_ms / 2000, loss_percent
        self.down_bytes = self.up_bytes = 0
        self.lock = threading.Lock()
        self.server: socket.socket | None = None
        self.running = False

    # -- the link ---------------------------------------------------------------
    def __enter__(self) -> SatelliteLink:
        self.open()
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def open(self) -> None:
        self.close()  # a link left by a killed run of the same name
        ns = ["ip", "netns", "exec", self.namespace]
        _run("ip", "netns", "add", self.namespace)
        _run("ip", "link", "add", self.host_end, "type", "veth", "peer", "name", self.far_end)
        _run("ip", "link", "set", self.far_end, "netns", self.namespace)
        _run("ip", "addr", "add", f"{self.host_ip}/30", "dev", self.host_end)
        _run("ip", "link", "set", self.host_end, "up")
        _run(*ns, "ip", "addr", "add", f"{self.far_ip}/30", "dev", self.far_end)
        _run(*ns, "ip", "link", "set", self.far_end, "up")
        _run(*ns, "ip", "link", "set", "lo", "up")
        # The rate each way: a token bucket filter with a queue of about 2 s.
        shape = ["root", "tbf", "rate", f"{self.kbit}kbit", "burst", "3000", "latency", "2s"]
        _run("tc", "qdisc", "add", "dev", self.host_end, *shape)
        _run(*ns, "tc", "qdisc", "add", "dev", self.far_end, *shape)
        if self.loss:
            rules = (
                "table inet khmirloss {\n"
                f' chain down {{ type filter hook input priority 0; iifname "{self.far_end}" '
                f"numgen random mod 100 < {self.loss} drop; }}\n"
                f" chain up {{ type filter hook output priority 0; "
                f'oifname "{self.far_end}" numgen random mod 100 < {self.loss} drop; }}\n'
                "}\n"
            )
            subprocess.run(
                [*ns, "nft", "-f", "-"], input=rules.encode(), check=True,
                capture_output=True, timeout=30,
            )  # fmt: skip
        self.server = socket.create_server((self.host_ip, 0))
        self.port = self.server.getsockname()[1]
        self.running = True
        threading.Thread(target=self._accept, daemon=True).start()

    def close(self) -> None:
        self.running = False
        if self.server is not None:
            self.server.close()
            self.server = None
        subprocess.run(["ip", "link", "del", self.host_end], capture_output=True, timeout=30)
        subprocess.run(["ip", "netns", "del", self.namespace], capture_output=True, timeout=30)

    @property
    def url(self) -> str:
        return f"http://{self.host_ip}:{self.port}"

    def command(self, argv: list[str]) -> list[str]:
        """``argv`` run inside the mirror's namespace, behind the link."""
        return ["ip", "netns", "exec", self.namespace, *argv]

    def reset_counters(self) -> None:
        with self.lock:
            self.down_bytes = self.up_bytes = 0

    # -- the delaying proxy ---------------------------------------------------------
    def _count(self, way: str):
        def add(size: int) -> None:
            with self.lock:
                if way == "down":
                    self.down_bytes += size
                else:
                    self.up_bytes += size

        return add

    def _accept(self) -> None:
        while self.running and self.server is not None:
            try:
                client, _ = self.server.accept()
            except OSError:
                return
            try:
                upstream = socket.create_connection(self.target, timeout=10)
            except OSError:
                client.close()
                continue
            upstream.settimeout(None)
            DelayLine(client, upstream, self.delay, self._count("up"))
            DelayLine(upstream, client, self.delay, self._count("down"))
