"""Question interchange formats: GIFT, Aiken, Moodle XML and a spreadsheet template.

Each parser is a pure function from text to (questions, errors); nothing is
written unless the whole file parsed (see exambank.importing).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from core.csv_import import CsvImportError, RowError
from core.i18n import bilingual


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


class FormatError(ValueError):
    """A reader's refusal of one question: a catalogue entry and its parameters.

    The reader that catches it turns it into a ``RowError`` (``err``) with the
    Thai and the English of that one entry; ``str()`` reads "ไทย / English".
    """

    def __init__(self, message: str, /, **params: object):
        self.message, self.params = message, params
        super().__init__(bilingual(message, **params))


def err(line: int | None, message: str, where: str | None = None, /, **params: object) -> RowError:
    """The error of one question: Thai and English from one catalogue entry."""
    return RowError.translated(line, where, message, **params)


def refused(line: int | None, exc: FormatError, where: str | None = None) -> RowError:
    return err(line, exc.message, where, **exc.params)


def label(index: int) -> str:
    """a, b, c … z, aa, ab …: stable choice ids."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(97 + rest) + letters
    return letters
