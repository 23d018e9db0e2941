"""Errors a person must be able to act on: Thai first, then English.

Messages are English source strings in the catalogue (mirror/locale/th); an
error carries both renderings, because a command-line or log reader may read
either language whatever the site's language is.
"""

from __future__ import annotations

from typing import Any

from django.utils import translation
from django.utils.translation import gettext, gettext_noop


def both(message: str, **params: Any) -> tuple[str, str]:
    """(Thai, English) renderings of one catalogue message."""
    english = message % params if params else message
    with translation.override("th"):
        thai = gettext(message)
    return (thai % params if params else thai), english


class MirrorError(Exception):
    """A sync, bundle or push failure with a message fit for an admin's screen."""

    def __init__(self, thai: str, english: str):
        self.thai = thai
        self.english = english
        super().__init__(f"{thai} / {english}")

    @classmethod
    def pair(cls, message: str, **params: Any):
        return cls(*both(message, **params))


def size_text(size: int) -> str:
    """A size a person reads."""
    if size < 10 * 1024:
        return f"{size:,} B"
    if size < 10 * 1024 * 1024:
        return f"{size / 1024:,.1f} KB"
    return f"{size / (1024 * 1024):,.1f} MB"


class DiskFullError(MirrorError):
    """Not enough room. ``left`` records (``left_bytes``) wait for a later run."""

    def __init__(self, needed: int, available: int, where: str, left: int = 0, left_bytes: int = 0):
        self.needed = needed
        self.available = available
        self.left = left
        needed_text, free_text = size_text(needed), size_text(available)
        if needed_text == free_text:  # close figures must not read the same
            needed_text, free_text = f"{needed:,} B", f"{available:,} B"
        params = {"needed": needed_text, "free": free_text, "where": where}
        thai, english = both(
            gettext_noop(
                "not enough disk space: %(needed)s needed but only %(free)s free at %(where)s."
            ),
            **params,
        )
        if left:
            more_th, more_en = both(
                gettext_noop(
                    "records left for a later sync: %(left)s (%(bytes)s); everything else "
                    "was applied. Free some space and sync again."
                ),
                left=left,
                bytes=size_text(left_bytes),
            )
            thai, english = f"{thai} {more_th}", f"{english} {more_en}"
        super().__init__(thai, english)


class IntegrityError(MirrorError):
    """A file or a record whose hash or signature does not match."""


class OutsideWindowError(MirrorError):
    pass


class FileGoneError(MirrorError):
    """Central no longer holds a file the staged feed names."""


def unknown_kinds_error(kinds: list[str]) -> MirrorError:
    return MirrorError.pair(
        gettext_noop("Unknown record kinds %(kinds)s: upgrade this mirror's software."),
        kinds=", ".join(kinds),
    )
