"""The media center as transcoding's target (transcoding.reporting).

Transcoding asks by id; the answers and the state changes are the media center's
own actions, so an item's status changes in one place whoever triggers it.
"""

from __future__ import annotations

from typing import Any

from django.core.files.storage import Storage

from . import actions
from .models import MediaItem, protected_storage


class MediaCenterTarget:
    def storage(self) -> Storage:
        return protected_storage

    def source_name(self, object_id: int) -> str:
        return MediaItem.objects.values_list("file", flat=True).get(pk=object_id)

    def record_probe(self, object_id: int, probe: Any) -> None:
        item = MediaItem.objects.filter(pk=object_id).first()
        if item is not None:
            actions.record_probe(item, probe)

    def mark_failed(self, object_id: int, message: str) -> None:
        actions.mark_failed(MediaItem(pk=object_id), message)

    def switch_rendition(self, object_id: int, version: str, result: Any) -> bool:
        return actions.switch_rendition(object_id, version, result)

    def current_versions(self) -> dict[int, str]:
        return dict(MediaItem.objects.values_list("pk", "rendition_version"))
