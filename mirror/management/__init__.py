"""Shared bits of the mirror's management commands (thin wrappers over managers)."""

from __future__ import annotations

from core.progress import ProgressBar


def progress_factory(command):
    """A callable (total, label) → ProgressBar on the command's own output."""
    stream = getattr(command.stdout, "_out", command.stdout)

    def make(total: int, label: str) -> ProgressBar:
        return ProgressBar(total, label, stream=stream)

    return make


def say(message: str, **params) -> str:
    """A command-line message from one catalogue entry: Thai, then English."""
    from mirror.errors import both

    return " / ".join(both(message, **params))
