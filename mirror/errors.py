"""Errors a person must be able to act on: Thai first, then English."""

from __future__ import annotations


class MirrorError(Exception):
    """A sync, bundle or push failure with a message fit for an admin's screen."""

    def __init__(self, thai: str, english: str):
        self.thai = thai
        self.english = english
        super().__init__(f"{thai} / {english}")


class DiskFullError(MirrorError):
    def __init__(self, needed: int, available: int, where: str):
        self.needed = needed
        self.available = available
        super().__init__(
            f"พื้นที่ดิสก์ไม่พอ: ต้องการ {_mb(needed)} แต่เหลือ {_mb(available)} ที่ {where}",
            f"not enough disk space: need {_mb(needed)} but only {_mb(available)} free at {where}",
        )


class IntegrityError(MirrorError):
    """A file or a record whose hash or signature does not match."""


class OutsideWindowError(MirrorError):
    pass


class FileGoneError(MirrorError):
    """Central no longer holds a file the staged feed names."""


def _mb(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB"
