"""A small text progress bar for management commands (no dependency).

On a terminal it redraws in place. Off a terminal (cron, nohup, a redirected
shell) it prints a whole line each time another tenth is crossed and at least
every ``heartbeat`` seconds, so a log shows a long run is alive and how far it is.
"""

from __future__ import annotations

import sys
import time


class ProgressBar:
    def __init__(
        self,
        total: int,
        label: str = "",
        stream=None,
        width: int = 30,
        heartbeat: float = 30.0,
        clock=time.monotonic,
    ):
        self.total = max(total, 0)
        self.label = label
        self.stream = stream or sys.stdout
        self.width = width
        self.heartbeat = heartbeat
        self.clock = clock
        self.done = 0
        self._last_draw = clock()
        self._last_tenth = 0  # the tenth shown by the last line off a terminal
        self._finished = False
        self._interactive = hasattr(self.stream, "isatty") and self.stream.isatty()

    def _tenth(self, done: int) -> int:
        return 10 if not self.total else min(done * 10 // self.total, 10)

    def update(self, done: int) -> None:
        self.done = done
        now = self.clock()
        final = done >= self.total
        if self._interactive:
            # Redraw at most 10 times a second.
            if now - self._last_draw < 0.1 and not final:
                return
        elif not final and (
            self._tenth(done) == self._last_tenth and now - self._last_draw < self.heartbeat
        ):
            return
        if final and self._finished:
            return
        self._finished = final
        self._last_draw = now
        self._last_tenth = self._tenth(done)
        self._draw(final)

    def advance(self, step: int = 1) -> None:
        self.update(self.done + step)

    def _draw(self, final: bool) -> None:
        fraction = min(self.done / self.total, 1.0) if self.total else 1.0
        filled = int(self.width * fraction)
        bar = "█" * filled + "·" * (self.width - filled)
        text = f"{self.label} [{bar}] {self.done}/{self.total} ({fraction:.0%})"
        if self._interactive:
            self.stream.write("\r" + text + ("\n" if final else ""))
        else:
            self.stream.write(text + "\n")
        self.stream.flush()

    def finish(self) -> None:
        if self.done < self.total:
            self.update(self.total)
        elif not self._finished:
            self.update(self.done)
