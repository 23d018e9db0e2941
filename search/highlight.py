"""Highlighted snippets, computed the same way for every backend.

The text shown is the original stored text (as its author wrote it, in its own
case and spelling); the marks go on the spans that match a query word in any
of its written forms: loan-word variants (data/variants.txt), Thai or Arabic
digits, any letter case. Thai has no spaces, so a word is found as a substring;
Latin words must stand alone (the "e" of "e-Learning" is not marked inside other
words), and a lone letter or digit is never marked. Adjacent marks merge, so a
matched phrase is one span.
"""

from __future__ import annotations

import re
from functools import lru_cache

from django.utils.html import escape

from .thai import variants_of

_THAI_DIGIT = dict(zip("0123456789", "๐๑๒๓๔๕๖๗๘๙", strict=True))  # i18n: keep (digits)
_LATIN = re.compile(r"[a-z0-9]")


_CONSONANTS = re.compile(r"^[\u0e01-\u0e2e]{2,5}$")


def _written(form: str) -> str:
    """A regex for one folded form as it may be written: either digit system; a
    short run of consonants also as an abbreviation with dots (ค.ร.น.)."""
    out = []
    for char in form:
        thai = _THAI_DIGIT.get(char)
        out.append(f"[{char}{thai}]" if thai else re.escape(char))
    if _CONSONANTS.match(form):
        return r"\.?".join(out) + r"\.?"
    return "".join(out)


@lru_cache(maxsize=2048)
def _pattern(word: str) -> re.Pattern | None:
    if len(word) < 2 and not word.isdigit():
        return None  # a lone letter ("e" of "e-Learning") marks nothing
    forms = sorted(variants_of(word), key=len, reverse=True)
    body = "|".join(_written(f) for f in forms)
    if _LATIN.match(word[0]) or _LATIN.match(word[-1]):
        body = f"(?<![a-z0-9])(?:{body})(?![a-z0-9])"
    return re.compile(body, re.IGNORECASE)


def spans(text: str, words: list[str]) -> list[tuple[int, int]]:
    """Non-overlapping (start, end) of matched words in ``text``, merged where adjacent."""
    found: list[tuple[int, int]] = []
    for word in sorted(set(words), key=len, reverse=True):
        pattern = _pattern(word)
        if pattern is None:
            continue
        for m in pattern.finditer(text):
            if m.end() > m.start() and not any(s < m.end() and m.start() < e for s, e in found):
                found.append((m.start(), m.end()))
    merged: list[tuple[int, int]] = []
    for start, end in sorted(found):
        if merged and not text[merged[-1][1] : start].strip():
            merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


def highlight(text: str, words: list[str], width: int = 160) -> str:
    """HTML-safe original text (a window of ``width`` characters) with matches in <mark>."""
    text = " ".join((text or "").split())
    marks = spans(text, words)
    start = 0
    if marks and len(text) > width:
        start = max(0, marks[0][0] - width // 4)
    end = min(len(text), start + width)
    out, pos = [], start
    for s, e in marks:
        if s < start or e > end:
            continue
        out += [escape(text[pos:s]), "<mark>", escape(text[s:e]), "</mark>"]
        pos = e
    out.append(escape(text[pos:end]))
    prefix = "…" if start > 0 else ""
    suffix = "…" if end < len(text) else ""
    return prefix + "".join(out) + suffix
