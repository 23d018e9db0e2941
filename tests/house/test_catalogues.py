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


def po_entries(po: Path) -> dict[str, str]:
    """msgid -> msgstr, joining wrapped lines, without the header.

    An entry with a context (msgctxt) is keyed as the compiled catalogue keys
    it: "context\x04msgid".
    """
    entries: dict[str, str] = {}
    key, parts = None, {"msgctxt": [], "msgid": [], "msgstr": []}
    for line in po.read_text(encoding="utf-8").splitlines() + [""]:
        match = re.match(r'^(msgctxt|msgid|msgstr) "(.*)"$', line)
        if match:
            key = match[1]
            parts[key] = [match[2]]
        elif line.startswith('"') and key:
            parts[key].append(line[1:-1])
        elif line.startswith("#") and key == "msgstr" or not line.strip():
            msgid = "".join(parts["msgid"])
            if key == "msgstr" and msgid:
                context = "".join(parts["msgctxt"])
                entries[f"{context}\x04{msgid}" if context else msgid] = "".join(parts["msgstr"])
            key, parts = None, {"msgctxt": [], "msgid": [], "msgstr": []}
    return {_unescape(k): _unescape(v) for k, v in entries.items()}


def _unescape(text: str) -> str:
    return text.replace('\\"', '"').replace("\\n", "\n").replace("\\\\", "\\")


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
