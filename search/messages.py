"""Messages that must stay bilingual whatever the active language (command-line
output, errors raised to commands): Thai from the catalogue, then English."""

from __future__ import annotations

from django.utils import translation
from django.utils.translation import gettext


def bilingual(message: str, **values) -> str:
    """``message`` (an English source string marked with gettext_noop) in Thai,
    then in English, each formatted with ``values``."""
    out = []
    for language in ("th", "en"):
        with translation.override(language):
            out.append(gettext(message) % values if values else gettext(message))
    return out[0] if out[0] == out[1] else f"{out[0]} / {out[1]}"
