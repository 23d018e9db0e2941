"""No Thai in Python string literals: Thai lives in locale/th catalogues.

Every user-visible string is an English source string through gettext, with its
Thai in ``<app>/locale/th/LC_MESSAGES/django.po``, so the English switch shows
English and a translator can change a word without touching code. Docstrings and
comments may quote Thai (they explain); string values may not.

Two lists say where Thai literals may still stand, each entry with its reason:
``DATA`` for files that ARE Thai data (demo content, curriculum tables, history
kept as written), ``NOT_YET_CONVERTED`` for modules still to be converted. The
second list only shrinks: an entry whose files hold no Thai literal fails the
test, so it is removed the day its module is converted. A single line may keep
Thai with a trailing ``# i18n: keep (reason)`` comment (a product name).
"""

from __future__ import annotations

import ast
import os
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
THAI = re.compile(r"[\u0e00-\u0e7f]")
KEEP = "# i18n: keep"
SKIP_DIRS = {".venv", "node_modules", "var", ".git", "locale", "__pycache__"}

DATA = {
    "*/migrations/*": "migrations are history: they record the strings as they were",
    "*/demo.py": "demo content is Thai teaching material, not interface text",
    "*/demo/*": "demo content is Thai teaching material, not interface text",
    "core/curriculum.py": "the national curriculum's Thai and English names, side by side",
    "core/thaidate.py": "Thai month names: the data of Buddhist Era dates",
    "exambank/formats/thai_words.py": "the letters and words teachers write in import files",
    "tests/*": "tests assert the Thai a user sees and feed Thai input",
    "bench/*": "benchmarks generate Thai content at scale",
}

# Modules still to convert: none left. A module added here must hold Thai
# literals, and leaves the list the day it is converted.
NOT_YET_CONVERTED: dict[str, str] = {}


def _python_files() -> list[Path]:
    files = []
    for folder, dirs, names in os.walk(ROOT):
        dirs[:] = [d for d in dirs if d not in SKIP_DIRS and not d.startswith(".")]
        files += [Path(folder) / name for name in names if name.endswith(".py")]
    return files


def thai_literals(source: str) -> list[int]:
    """Line numbers of string values with Thai written in them (docstrings excluded).

    The source text is checked, not the value: ``"\\u0e00-\\u0e7f"`` in a regular
    expression is a character range, not Thai text.
    """
    tree = ast.parse(source)
    lines = source.splitlines()
    docstrings = {
        id(node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)
    }
    found = []
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and id(node) not in docstrings
            and THAI.search(node.value)
            and THAI.search(_written(lines, node))
        ):
            end = node.end_lineno or node.lineno
            if not any(KEEP in lines[n - 1] for n in range(node.lineno, end + 1)):
                found.append(node.lineno)
    return sorted(set(found))


def _written(lines: list[str], node: ast.Constant) -> str:
    """The source text of a literal (its lines; enough to see how it is written)."""
    return "\n".join(lines[node.lineno - 1 : (node.end_lineno or node.lineno)])


def _listed(relative: str, patterns: dict[str, str]) -> str | None:
    return next((p for p in patterns if Path(relative).match(p) or _under(relative, p)), None)


def _under(relative: str, pattern: str) -> bool:
    return pattern.endswith("/*") and relative.startswith(pattern[:-1])


def _scan() -> dict[str, list[int]]:
    found = {}
    for path in _python_files():
        lines = thai_literals(path.read_text(encoding="utf-8"))
        if lines:
            found[path.relative_to(ROOT).as_posix()] = lines
    return found


def test_no_thai_string_literal_outside_catalogues_and_data():
    offenders = {
        name: lines
        for name, lines in _scan().items()
        if not _listed(name, DATA) and not _listed(name, NOT_YET_CONVERTED)
    }
    assert not offenders, (
        "Thai string literals found; use an English source string through gettext "
        "and put the Thai in the app's locale/th/LC_MESSAGES/django.po: "
        + "; ".join(f"{name}:{lines}" for name, lines in sorted(offenders.items()))
    )


def test_not_yet_converted_list_only_shrinks():
    found = _scan()
    stale = [
        pattern
        for pattern in NOT_YET_CONVERTED
        if not any(_listed(name, {pattern: ""}) for name in found)
    ]
    assert not stale, f"converted already, remove from NOT_YET_CONVERTED: {stale}"


def test_the_check_sees_a_literal_but_not_a_docstring():
    source = (
        '"""ภาษาไทย in a docstring."""\nLABEL = "โรงเรียน"\n'
        'NAME = "คลัง"  # i18n: keep (product)\nRANGE = "\\u0e00-\\u0e7f"\n'
    )
    assert thai_literals(source) == [2]
