"""Question interchange formats: GIFT, Aiken, Moodle XML and a spreadsheet template.

Each parser is a pure function from text to (questions, errors); nothing is
written unless the whole file parsed (see exambank.importing).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from core.csv_import import CsvImportError, RowError


@dataclass
class ParsedQuestion:
    qtype: str
    text: str
    line: int
    name: str = ""
    general_feedback: str = ""
    data: dict = field(default_factory=dict)
    default_mark: float = 1.0
    category: str = ""  # slash-separated path, "" = the import's target category
    category_info: str = ""  # the category's description (Moodle's <info>), HTML
    text_format: str = "html"
    tags: list[str] = field(default_factory=list)
    difficulty: str = ""
    subject: str = ""
    grade: str = ""
    indicator: str = ""
    # Embedded files by their @@PLUGINFILE@@ name ("/path/name.png" less the slash).
    files: dict[str, bytes] = field(default_factory=dict)


class QuestionImportError(CsvImportError):
    """Every bad question of a file, by line; nothing was imported."""


def err(line: int | None, th: str, en: str, where: str | None = None) -> RowError:
    return RowError(line, where, th, en)


def label(index: int) -> str:
    """a, b, c … z, aa, ab …: stable choice ids."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(97 + rest) + letters
    return letters
