"""Where transcoding takes its sources and reports its results, without knowing media items.

Transcoding turns a source file into a rendition folder, both in the owner's
storage. What the source belongs to, and what a finished or failed encode means
for it, is the business of the app that owns the media. That app registers a
target once at start-up, as the exam bank registers its quiz provider with
lms.quiz_bridge::

    from transcoding import reporting
    reporting.register(MyTarget())

The media center's target is media_center/transcode_target.py. Jobs carry the
owner's object id (``TranscodeJob.media_item_id``); the target is asked about ids,
never handed a model.
"""

from __future__ import annotations

from typing import Any, Protocol

from django.core.exceptions import ImproperlyConfigured
from django.core.files.storage import Storage


class TranscodeTarget(Protocol):
    """What the owner of the media offers to transcoding."""

    def storage(self) -> Storage:
        """Where the sources are and ``renditions/<object id>/<version>/`` go: a
        local folder or object storage (core.storage); a worker fetches what it
        needs into its own scratch folder and uploads what it made."""

    def source_name(self, object_id: int) -> str:
        """The original file to encode: its name in ``storage()``."""

    def record_probe(self, object_id: int, probe: Any) -> None:
        """What ffprobe measured (duration, streams), before encoding starts."""

    def mark_failed(self, object_id: int, message: str) -> None:
        """The file was refused or the encode failed; ``message`` says why."""

    def switch_rendition(self, object_id: int, version: str, result: Any) -> bool:
        """Point the object at a finished version; False when the object is gone."""

    def current_versions(self) -> dict[int, str]:
        """object id → the version it plays now (older folders may be pruned)."""


_target: TranscodeTarget | None = None


def register(target: TranscodeTarget | None) -> None:
    """Install (or, with None, remove) the target."""
    global _target
    _target = target


def target() -> TranscodeTarget:
    if _target is None:
        raise ImproperlyConfigured(
            "No transcoding target is registered (media_center registers one at start-up)."
        )
    return _target
