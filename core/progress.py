"""A small text progress bar for management commands (no dependency)."""

from __future__ import annotations

import sys
import time


class ProgressBar:
    def __init__(self, total: int, label: str = "", stream=None, width: int = 30):
        self.total = max(total, 0)
        self.label = label
        self.stream = stream or sys.stdout
        self.width = width
        self.done = 0
        self._last_draw = 0.0
        self._interactive = hasattr(self.stream, "isatty") and self.stream.isatty()

    def update(self, done: int) -> None:
        self.done = done
        now = time.monotonic()
        # Redraw at most 10 times a second; on a pipe, only print whole tenths.
        if self._interactive and now - self._last_draw < 0.1 and done < self.total:
            return
        self._last_draw = now
        self._draw(final=done >= self.total)

    def advance(self, step: int = 1) -> None:
        self.update(self.done + step)

    def _draw(self, final: bool) -> None:
        fraction = self.done / self.total if self.total else 1.0
        filled = int(self.width * fraction)
        bar = "█" * filled + "·" * (self.width - filled)
        text = f"{self.label} [{bar}] {self.done}/{self.total} ({fraction:.0%})"
        if self._interactive:
            self.stream.write("\r" + text + ("\n" if final else ""))
        elif final or int(fraction * 10) != int((self.done - 1) / max(self.total, 1) * 10):
            self.stream.write(text + "\n")
        self.stream.flush()

    def finish(self) -> None:
        if self.done < self.total:
            self.update(self.total)
