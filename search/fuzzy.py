"""Tolerance of misspelt queries: the nearest catalog word by edit distance.

Used only when a query finds nothing, so a correct query is never changed, and
only when confident:

- the replacement is a word of the catalog's own vocabulary (CatalogTerm);
- a real word (in the Thai dictionary or the curriculum list) is never
  replaced: the catalog lacks it, it is not misspelt ("เล็ก" is not "เด็ก");
- words shorter than four letters are never replaced ("ไกล" is not "กล");
- the replacement is at most ``allowed_distance`` edits away and shares at
  least ``MIN_SIMILARITY`` of its letters with the typed word;
- a typed chunk is replaced whole by one word, never by a string of
  pieces ("อินทราเนต" does not become "อินทรา เขต").
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


MIN_LENGTH = 4
MIN_SIMILARITY = 0.75


def allowed_distance(word: str) -> int:
    return 1 if len(word) <= 5 else 2


def confident(word: str, term: str) -> bool:
    distance = edit_distance(word, term, allowed_distance(word))
    longest = max(len(word), len(term))
    return distance <= allowed_distance(word) and 1 - distance / longest >= MIN_SIMILARITY


def is_real_word(word: str) -> bool:
    from .thai import _full_trie

    return word in _full_trie() or word.isdigit()


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
    """Each unknown, misspelt-looking token replaced by its nearest catalog word,
    when confident (see the module's rules)."""
    known = set(CatalogTerm.objects.filter(term__in=tokens).values_list("term", flat=True))
    out = []
    for token in tokens:
        if token in known or len(token) < MIN_LENGTH or is_real_word(token):
            out.append(token)
            continue
        term = nearest_term(token, _candidates(token))
        out.append(term if term and confident(token, term) else token)
    return out


def correct_query(text: str, tokens: list[str]) -> list[str]:
    """Query words with misspellings corrected against the catalog's vocabulary.

    A misspelt Thai word is often cut into meaningless pieces ("พีทากอรัส" →
    พี ทา กอ รัส), so a space-separated chunk cut into pieces is matched whole,
    and left as typed when no single catalog word is close enough.
    """
    from .thai import normalize, query_tokens

    out: list[str] = []
    for chunk in normalize(text).split():
        chunk_tokens = query_tokens(chunk)
        if len(chunk_tokens) > 1 and len(chunk) >= MIN_LENGTH:
            if CatalogTerm.objects.filter(term=chunk).exists():
                out.extend(chunk_tokens)
                continue
            whole = nearest_term(chunk, _candidates(chunk))
            if whole and confident(chunk, whole):
                out.append(whole)
                continue
            if not all(is_real_word(t) for t in chunk_tokens):
                out.extend(chunk_tokens)  # pieces of an unknown word: never "corrected" apart
                continue
        out.extend(correct_tokens(chunk_tokens))
    return list(dict.fromkeys(out)) or tokens
