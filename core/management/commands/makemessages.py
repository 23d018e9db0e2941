"""``makemessages`` that knows the project's own ways.

* It also extracts the strings given to core.i18n's helpers: Django's documented
  way to add xgettext keywords is to subclass the command and extend
  ``xgettext_options``.
* It keeps the project catalogue's upstream entries. locale/th holds Thai for
  strings of Wagtail, wagtailmedia, taggit and Django (each entry marked
  ``# upstream: <package>``); no source file of ours says them, so a plain
  ``makemessages`` would mark them obsolete. Before the catalogue is merged
  with the new template, those entries are added to the template.
"""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings
from django.core.management.commands import makemessages

from core.i18n import KEYWORDS

UPSTREAM = re.compile(r"^# upstream: ", re.M)
_FIELD = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?) "')


def _key(block: str) -> tuple[str, str] | None:
    """(context, msgid) of one catalogue entry, as written (still escaped)."""
    fields: dict[str, str] = {}
    current = None
    for line in block.splitlines():
        match = _FIELD.match(line)
        if match:
            current = match[1]
            fields[current] = line[match.end() : -1]
        elif line.startswith('"') and current:
            fields[current] += line[1:-1]
    if not fields.get("msgid"):
        return None
    return fields.get("msgctxt", ""), fields["msgid"]


def _as_template(block: str) -> str:
    """The entry with empty translations, as a template (.pot) holds it."""
    lines, plural = [], "msgid_plural " in block
    for line in block.splitlines():
        if line.startswith("msgstr"):
            break
        lines.append(line)
    lines += ['msgstr[0] ""', 'msgstr[1] ""'] if plural else ['msgstr ""']
    return "\n".join(lines)


def keep_upstream_entries(potfile: Path, pofile: Path) -> int:
    """Add the catalogue's upstream entries the template lacks; how many were added."""
    template = potfile.read_text(encoding="utf-8")
    present = {_key(block) for block in template.split("\n\n")}
    added = []
    for block in pofile.read_text(encoding="utf-8").split("\n\n"):
        key = _key(block)
        if UPSTREAM.search(block) and key and key not in present:
            present.add(key)
            added.append(_as_template(block.strip("\n")))
    if added:
        potfile.write_text(template.rstrip("\n") + "\n\n" + "\n\n".join(added) + "\n", "utf-8")
    return len(added)


class Command(makemessages.Command):
    xgettext_options = makemessages.Command.xgettext_options + [
        f"--keyword={keyword}" for keyword in KEYWORDS
    ]

    def write_po_file(self, potfile, locale):
        pofile = Path(potfile).parent / locale / "LC_MESSAGES" / f"{self.domain}.po"
        project = [Path(path).resolve() for path in settings.LOCALE_PATHS[:1]]
        if pofile.exists() and Path(potfile).parent.resolve() in project:
            keep_upstream_entries(Path(potfile), pofile)
        super().write_po_file(potfile, locale)
