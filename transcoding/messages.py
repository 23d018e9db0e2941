"""Error messages of transcoding, Thai first then English, from the catalogue.

A message raised in a worker is stored on the job and the media item and shown
later to people reading either language, so it keeps both: each half is the
same catalogue entry rendered in Thai and in English (never a literal written
in two languages in the code).
"""

from __future__ import annotations

from django.utils import translation
from django.utils.functional import Promise


def bilingual(message: str | Promise, **values: object) -> str:
    """``message`` (a lazy gettext string with %(name)s fields) as "ไทย / English"."""
    halves = []
    for language in ("th", "en"):
        with translation.override(language):
            text = str(message)
        halves.append(text % values if values else text)
    return halves[0] if halves[0] == halves[1] else " / ".join(halves)
