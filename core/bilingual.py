"""Messages stored for later readers: Thai first, then English, from the catalogue.

A message kept in the database (why an upload failed) is read later by people
of either language, so it is stored in both; each half is an ordinary
catalogue entry (an English source string with its Thai translation).
"""

from __future__ import annotations

from django.utils import translation
from django.utils.functional import Promise


def bilingual(message: Promise | str, **params) -> str:
    """``"ไทย / English"`` for a ``gettext_lazy`` message (with %-style ``params``)."""
    halves = []
    for language in ("th", "en"):
        with translation.override(language):
            text = str(message)
            halves.append(text % params if params else text)
    return halves[0] if halves[0] == halves[1] else f"{halves[0]} / {halves[1]}"
