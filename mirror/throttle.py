"""A token bucket: the client's bandwidth cap, in bits per second."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable


class TokenBucket:
    """Allows ``rate_bps`` on average with bursts of at most ``burst_bytes``.

    ``take(n)`` blocks until ``n`` bytes may pass; a rate of 0 never blocks.
    Clock and sleep are injectable so the arithmetic is tested without waiting.
    """

    def __init__(
        self,
        rate_bps: int,
        burst_bytes: int = 16 * 1024,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ):
        self.rate = rate_bps / 8.0  # bytes per second
        self.burst = max(burst_bytes, 1)
        self.tokens = float(self.burst)
        self.clock = clock
        self.sleep = sleep
        self.stamp = clock()
        self.lock = threading.Lock()  # one bucket for every download of a sync

    def take(self, size: int) -> None:
        if self.rate <= 0:
            return
        with self.lock:
            self._take(size)

    def _take(self, size: int) -> None:
        while size > 0:
            now = self.clock()
            self.tokens = min(self.burst, self.tokens + (now - self.stamp) * self.rate)
            self.stamp = now
            portion = min(size, self.burst)
            if self.tokens >= portion - 1e-6:  # float rounding must not spin forever
                self.tokens -= portion
                size -= portion
            else:
                self.sleep((portion - self.tokens) / self.rate)
