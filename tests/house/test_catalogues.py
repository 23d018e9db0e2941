"""Every app's Thai catalogue is complete, reviewed and compiled.

The project catalogue (locale/) is checked in tests/core; this checks the app
catalogues Django finds by itself (``<app>/locale/th/LC_MESSAGES/django.po``).
"""

from __future__ import annotations

import gettext
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CATALOGUES = sorted(
    p for p in ROOT.glob("*/locale/th/LC_MESSAGES/django.po") if p.parts[-5] != "locale"
)


def po_entries(po: Path) -> dict:
    return entries_in(po.read_text(encoding="utf-8"))


def entries_in(text: str) -> dict:
    """msgid -> msgstr of a catalogue's text, without the header or obsolete entries.

    Keys are as the compiled catalogue has them: "context\x04msgid" for an entry
    with a context, and (msgid, 0) for one with plural forms (Thai has one form).
    """
    entries: dict = {}
    for block in text.split("\n\n"):
        fields: dict[str, str] = {}
        current = None
        for line in block.splitlines():
            if line.startswith("#"):
                continue
            match = re.match(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?) "(.*)"$', line)
            if match:
                current = match[1]
                fields[current] = match[2]
            elif line.startswith('"') and current:
                fields[current] += line[1:-1]
        if not fields.get("msgid"):
            continue
        key = _unescape(fields["msgid"])
        if "msgctxt" in fields:
            key = _unescape(fields["msgctxt"]) + "\x04" + key
        if "msgid_plural" in fields:
            entries[(key, 0)] = _unescape(fields.get("msgstr[0]", ""))
        else:
            entries[key] = _unescape(fields.get("msgstr", ""))
    return entries


_ESCAPES = {"n": "\n", "t": "\t", '"': '"', "\\": "\\"}


def _unescape(text: str) -> str:
    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m[1], m[0]), text)


def test_the_app_catalogues_exist():
    names = {p.parts[-5] for p in CATALOGUES}
    assert {"core", "lms", "reports", "media_center"} <= names, names


@pytest.mark.parametrize("po", CATALOGUES, ids=lambda p: p.parts[-5])
def test_catalogue_is_complete_and_compiled(po: Path):
    entries = po_entries(po)
    assert entries, f"no entries in {po}"
    text = po.read_text(encoding="utf-8")
    assert not re.search(r"^#,.*\bfuzzy\b", text.split("\n\n", 1)[1], re.M), (
        "fuzzy entries are skipped by msgfmt: review them"
    )
    untranslated = [k for k, v in entries.items() if not v]
    assert not untranslated, f"untranslated in {po}: {untranslated}"
    compiled = gettext.GNUTranslations(po.with_suffix(".mo").open("rb"))._catalog
    stale = [k for k, v in entries.items() if compiled.get(k) != v]
    assert not stale, f"{po.with_suffix('.mo')} is out of date (compilemessages): {stale[:5]}"
