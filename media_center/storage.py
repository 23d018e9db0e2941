"""The media center's two places for files.

``protected_storage`` is STORAGES["protected"]: originals and renditions, never
served by a guessable path (media_center.files gives signed URLs). On one host
it is a folder (``ProtectedStorage`` below); with object storage it is a private
prefix of the bucket (core.storage).

``upload_storage`` holds resumable uploads while their bytes arrive
(media_center.tus appends to a file in place, which object storage cannot do):
always a folder on the web host that receives them, emptied when the upload
becomes a media item.
"""

from __future__ import annotations

import os

from django.core.files.storage import FileSystemStorage

from core.storage import named_storage

from .conf import media_settings


class ProtectedStorage(FileSystemStorage):
    """A folder no web server serves directly (no base_url).

    The folder is read from settings on every use, so tests and a changed
    KHLANG_PROTECTED_ROOT take effect without a restart.
    """

    def __init__(self, **kwargs):
        kwargs.setdefault("base_url", None)
        super().__init__(**kwargs)

    @property
    def base_location(self):
        return media_settings.PROTECTED_ROOT

    @property
    def location(self):
        return os.path.abspath(self.base_location)


protected_storage = named_storage("protected")
upload_storage = ProtectedStorage(allow_overwrite=True)
