"""Highlighted snippets, computed the same way for every backend.

Thai has no spaces, so a match is marked where the query word occurs as a
substring of the normalised text; the snippet is a window around the first one.
"""

from __future__ import annotations

import re

from django.utils.html import escape

from .thai import normalize


def _spans(text: str, words: list[str]) -> list[tuple[int, int]]:
    spans = []
    for word in sorted(set(words), key=len, reverse=True):
        if not word:
            continue
        for m in re.finditer(re.escape(word), text):
            if not any(s < m.end() and m.start() < e for s, e in spans):
                spans.append((m.start(), m.end()))
    return sorted(spans)


def highlight(text: str, words: list[str], width: int = 160) -> str:
    """HTML-safe text (a window of ``width`` characters) with matches in <mark>."""
    text = normalize(text)
    spans = _spans(text, words)
    start = 0
    if spans and len(text) > width:
        start = max(0, spans[0][0] - width // 4)
    end = min(len(text), start + width)
    out, pos = [], start
    for s, e in spans:
        if s < start or e > end:
            continue
        out += [escape(text[pos:s]), "<mark>", escape(text[s:e]), "</mark>"]
        pos = e
    out.append(escape(text[pos:end]))
    prefix = "…" if start > 0 else ""
    suffix = "…" if end < len(text) else ""
    return prefix + "".join(out) + suffix
