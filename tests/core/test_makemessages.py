"""`make messages` keeps the project catalogue's Thai for upstream strings."""

import subprocess

from core.management.commands.makemessages import keep_upstream_entries

HEADER = 'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n'
THAI_HEADER = HEADER + '"Language: th\\n"\n"Plural-Forms: nplurals=1; plural=0;\\n"\n'
CATALOGUE = (
    THAI_HEADER
    + '\n# upstream: wagtail.admin\nmsgid "More actions"\nmsgstr "การทำงานอื่น ๆ"\n'
    + '\n#: khlang/navigation.py:1\nmsgid "Ours"\nmsgstr "ของเรา"\n'
    + '\n# upstream: wagtail.admin\n#, python-format\nmsgid "%(count)s page"\n'
    + 'msgid_plural "%(count)s pages"\nmsgstr[0] "%(count)s หน้า"\n'
)


def test_upstream_entries_survive_the_merge(tmp_path):
    template = tmp_path / "django.pot"
    template.write_text(HEADER + '\n#: khlang/navigation.py:1\nmsgid "Ours"\nmsgstr ""\n')
    catalogue = tmp_path / "th/LC_MESSAGES/django.po"
    catalogue.parent.mkdir(parents=True)
    catalogue.write_text(CATALOGUE)

    assert keep_upstream_entries(template, catalogue) == 2
    assert keep_upstream_entries(template, catalogue) == 0  # the second locale adds nothing
    merged = subprocess.run(
        ["msgmerge", "-q", str(catalogue), str(template)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "#~" not in merged and "fuzzy" not in merged
    assert 'msgstr "การทำงานอื่น ๆ"' in merged and 'msgstr[0] "%(count)s หน้า"' in merged
    assert 'msgstr "ของเรา"' in merged
