"""Messages that must stay bilingual, built from the catalogue.

Command-line errors and import reports are read by a school admin and by a
developer, often in one log, so they carry Thai first, then English. Both halves
come from ONE catalogue entry: the English source string and its Thai msgstr.
A translator changes the Thai in ``<app>/locale/th/LC_MESSAGES/django.po``; no
Thai is written in Python.

``bilingual`` needs Django's translation machinery; ``bilingual_early`` reads
core's compiled catalogue with the standard library, for code that runs before
Django is set up (settings.py).
"""

from __future__ import annotations

import gettext as stdlib_gettext
from functools import cache
from pathlib import Path

from django.utils import translation
from django.utils.functional import Promise, lazy
from django.utils.translation import gettext_lazy

CORE_LOCALE = Path(__file__).resolve().parent / "locale"


def _fill(text: str, params: dict) -> str:
    # A lazy parameter (a model's label) is translated in the language being built.
    values = {k: str(v) if isinstance(v, Promise) else v for k, v in params.items()}
    return text % values if params else text


def in_both(message: str | Promise, /, **params: object) -> tuple[str, str]:
    """(Thai, English) of one catalogue entry, with ``%(name)s`` filled in."""
    with translation.override("th"):
        thai = _fill(_translate(message), params)
    with translation.override("en"):
        english = _fill(_translate(message), params)
    return thai, english


def _translate(message: str | Promise) -> str:
    # A lazy string (gettext_lazy) translates itself in the active language.
    return str(message) if isinstance(message, Promise) else translation.gettext(message)


def bilingual(message: str | Promise, /, **params: object) -> str:
    """ "ไทย / English" of one catalogue entry (only one half if they are equal)."""
    thai, english = in_both(message, **params)
    return thai if thai == english else f"{thai} / {english}"


def thai_with_english(message: str | Promise, /, **params: object) -> str:
    """ "ไทย (English)": a column header or label read in both languages, as in exports."""
    thai, english = in_both(message, **params)
    return thai if thai == english else f"{thai} ({english})"


@cache
def _core_catalogue() -> stdlib_gettext.NullTranslations:
    return stdlib_gettext.translation(
        "django", localedir=CORE_LOCALE, languages=["th"], fallback=True
    )


def gettext_noop(message: str) -> str:
    """Marks a string for the catalogue, as Django's does, without reading settings:
    this module is imported by settings.py and by code that runs without Django
    (the ffmpeg runner)."""
    return message


# Errors raised by khlang/settings.py, kept here so that core's catalogue (which
# ``makemessages`` builds from this folder) holds them.
BAD_KHLANG_ENV = gettext_noop("KHLANG_ENV must be dev, test or production, not %(value)r")
BAD_KHLANG_ROLE = gettext_noop("KHLANG_ROLE must be central or mirror, not %(value)r")
LANGUAGE_NAMES = {"th": gettext_lazy("Thai"), "en": gettext_lazy("English")}


def bilingual_early(message: str, /, **params: object) -> str:
    """``bilingual`` for code that runs before Django's apps are loaded."""
    thai = _fill(_core_catalogue().gettext(message), params)
    english = _fill(message, params)
    return thai if thai == english else f"{thai} / {english}"


# For class attributes read late, such as a management command's ``help``.
bilingual_lazy = lazy(bilingual, str)
thai_with_english_lazy = lazy(thai_with_english, str)

# Extra gettext keywords, so ``makemessages`` finds the English source strings
# passed to these helpers (see core/management/commands/makemessages.py).
KEYWORDS = (
    "bilingual",
    "bilingual_lazy",
    "bilingual_early",
    "in_both",
    "thai_with_english",
    "thai_with_english_lazy",
    "translated:3",
)
