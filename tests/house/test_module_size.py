"""Files stay small enough to read in one sitting.

A module over ``LIMIT`` lines says why at its top (a line starting "Why this
module is long:" in its first 40 lines). Migrations are generated and exempt.
"""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LIMIT = 400
MARKER = "Why this module is long:"
SKIP_DIRS = {".venv", "node_modules", "var", "migrations", "__pycache__", "locale"}

# Folders being split into packages by a change in progress (none now).
BEING_SPLIT: set[str] = set()


def long_modules_without_reason() -> list[str]:
    found = []
    for folder, dirs, names in os.walk(ROOT):
        dirs[:] = [d for d in dirs if d not in SKIP_DIRS and not d.startswith(".")]
        for name in names:
            if not name.endswith(".py"):
                continue
            path = Path(folder) / name
            lines = path.read_text(encoding="utf-8").splitlines()
            relative = path.relative_to(ROOT).as_posix()
            if len(lines) <= LIMIT or any(relative.startswith(p) for p in BEING_SPLIT):
                continue
            if not any(line.strip().startswith(MARKER) for line in lines[:40]):
                found.append(f"{relative} ({len(lines)} lines)")
    return sorted(found)


def test_long_modules_say_why():
    assert not long_modules_without_reason(), (
        f"split these, or say '{MARKER} ...' at their top: {long_modules_without_reason()}"
    )
