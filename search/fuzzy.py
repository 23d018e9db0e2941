"""Tolerance of misspelt queries: the nearest catalog word by edit distance.

Used only when a query finds nothing, so a correct query is never changed.
"""

from __future__ import annotations

from django.db.models import Q

from .models import CatalogTerm


def edit_distance(a: str, b: str, limit: int = 3) -> int:
    """Levenshtein distance (with adjacent swaps), stopping early past ``limit``."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    prev2: list[int] | None = None
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        row = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = 0 if ca == cb else 1
            row[j] = min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + cost)
            if prev2 is not None and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                row[j] = min(row[j], prev2[j - 2] + 1)
        if min(row) > limit:
            return limit + 1
        prev2, prev = prev, row
    return prev[-1]


def allowed_distance(word: str) -> int:
    return 1 if len(word) <= 4 else 2


def nearest_term(word: str, candidates: list[str]) -> str | None:
    """The closest candidate within the allowed distance; ties go to the shorter
    length difference, then alphabetical order, so the answer is stable."""
    limit = allowed_distance(word)
    best = None
    for term in candidates:
        if term == word:
            return term
        d = edit_distance(word, term, limit)
        if d <= limit:
            rank = (d, abs(len(term) - len(word)), term)
            if best is None or rank < best:
                best = rank
    return best[2] if best else None


def _candidates(word: str) -> list[str]:
    limit = allowed_distance(word)
    # A typo rarely hits both ends of a word: share the first or last letter.
    return list(
        CatalogTerm.objects.filter(
            Q(term__startswith=word[0]) | Q(term__endswith=word[-1]),
            length__gte=len(word) - limit,
            length__lte=len(word) + limit,
        ).values_list("term", flat=True)
    )


def correct_tokens(tokens: list[str]) -> list[str]:
    """Each token not in the catalog's vocabulary replaced by its nearest word."""
    known = set(CatalogTerm.objects.filter(term__in=tokens).values_list("term", flat=True))
    out = []
    for token in tokens:
        if token in known or len(token) < 3:
            out.append(token)
        else:
            out.append(nearest_term(token, _candidates(token)) or token)
    return out


def correct_query(text: str, tokens: list[str]) -> list[str]:
    """Query words with misspellings corrected against the catalog's vocabulary.

    A misspelt Thai word is often cut into meaningless pieces ("พีทากอรัส" →
    พี ทา กอ รัส), so each space-separated chunk is first matched whole.
    """
    from .thai import normalize, query_tokens

    out: list[str] = []
    for chunk in normalize(text).split():
        chunk_tokens = query_tokens(chunk)
        if len(chunk_tokens) > 1 and len(chunk) >= 4:
            if not CatalogTerm.objects.filter(term=chunk).exists():
                whole = nearest_term(chunk, _candidates(chunk))
                if whole:
                    out.append(whole)
                    continue
        out.extend(correct_tokens(chunk_tokens))
    return list(dict.fromkeys(out)) or tokens
