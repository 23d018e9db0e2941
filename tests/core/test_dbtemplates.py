"""A migrated template is taken only for the code it was made from."""

from pathlib import Path

from core.dbtemplates import digest_of, project_files


def _tree(root: Path) -> None:
    for name, text in {
        "core/__init__.py": "",
        "core/migrations/0001_initial.py": "operations = []\n",
        "core/roles.py": "GROUPS = ['teacher']\n",
        "core/locale/th/LC_MESSAGES/django.po": 'msgid "Teacher"\n',
        "locale/th/LC_MESSAGES/django.po": 'msgid "Home"\n',
        "tests/__init__.py": "",
        "tests/test_x.py": "def test_x(): pass\n",
        "bench/__init__.py": "",
        "docs/notes.md": "words\n",
    }.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def test_the_digest_covers_the_project_not_its_tests(tmp_path):
    _tree(tmp_path)
    names = {p.relative_to(tmp_path).as_posix() for p in project_files(tmp_path)}
    assert names == {
        "core/__init__.py",
        "core/migrations/0001_initial.py",
        "core/roles.py",
        "core/locale/th/LC_MESSAGES/django.po",
        "locale/th/LC_MESSAGES/django.po",
    }
    first = digest_of(tmp_path)
    (tmp_path / "tests/test_x.py").write_text("def test_y(): pass\n")
    (tmp_path / "docs/notes.md").write_text("other words\n")
    assert digest_of(tmp_path) == first
    # A post_migrate handler's module, a migration, a catalogue: each makes another template.
    seen = {first}
    for name in (
        "core/roles.py",
        "core/migrations/0001_initial.py",
        "locale/th/LC_MESSAGES/django.po",
    ):
        path = tmp_path / name
        path.write_text(path.read_text() + "# changed\n")
        seen.add(digest_of(tmp_path))
    assert len(seen) == 4
