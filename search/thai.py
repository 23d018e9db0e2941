"""Thai text for search: normalisation and word segmentation.

Thai is written without spaces between words, so a full-text index only works
if the text is cut into words first. Everything that reaches an index (SQLite
FTS5, PostgreSQL, Elasticsearch) and every query goes through ``index_tokens`` /
``query_tokens`` here, so all backends see exactly the same words.

The functions are pure (apart from the cached dictionaries) and unit-tested.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

DICTIONARY_DIR = Path(__file__).parent / "dictionary"
DATA_DIR = Path(__file__).parent / "data"
# Between an entry's words in text order and the compound parts added after
# them: ASCII punctuation, so no index makes a word of it (FTS5 ascii, the
# PostgreSQL simple parser) and the text order stays readable for ranking.
PARTS_MARK = "~"

# Characters that carry no meaning but split or hide words.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
_THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")  # i18n: keep (digits)

NIKHAHIT = "\u0e4d"
SARA_AA = "\u0e32"
SARA_AM = "\u0e33"
SARA_E = "\u0e40"
SARA_AE = "\u0e41"
# Marks written above or below a consonant (vowels first, then tone marks).
_VOWEL_MARKS = "\u0e31\u0e34\u0e35\u0e36\u0e37\u0e38\u0e39\u0e3a\u0e47"
_TONE_MARKS = "\u0e48\u0e49\u0e4a\u0e4b\u0e4c"
_MARKS = _VOWEL_MARKS + _TONE_MARKS + NIKHAHIT + "\u0e4e"

_TONE_BEFORE_VOWEL = re.compile(f"([{_TONE_MARKS}])([{_VOWEL_MARKS}])")
_DOUBLED_MARK = re.compile(f"([{_MARKS}])\\1+")
_NIKHAHIT_AA = re.compile(f"{NIKHAHIT}([{_TONE_MARKS}]?){SARA_AA}")
_TONE_NIKHAHIT_AA = re.compile(f"([{_TONE_MARKS}]){NIKHAHIT}{SARA_AA}")
_SPACE = re.compile(r"\s+")
# A token is a run of Thai letters/marks, or a run of other letters and digits.
_TOKEN_RUN = re.compile(r"[\u0e01-\u0e4e]+|[^\W_\u0e00-\u0e7f]+")
_LEADING_MARKS = re.compile(f"^[{_MARKS}\u0e30-\u0e3a\u0e45]+")
_MEANINGLESS = {"ๆ", "ฯ"}  # i18n: keep (repetition and abbreviation marks)


def normalize(text: str) -> str:
    """Canonical form of text with loan-word spelling variants folded (data/variants.txt)."""
    text = base_normalize(text)
    pattern, table = _variant_pattern()
    return pattern.sub(lambda m: table[m.group(0)], text) if table else text


def _data_lines(name: str) -> list[str]:
    lines = (DATA_DIR / name).read_text(encoding="utf-8").splitlines()
    return [line.split("#", 1)[0].strip() for line in lines if line.split("#", 1)[0].strip()]


@lru_cache(maxsize=1)
def variant_table() -> dict[str, str]:
    """Spelling variant → the form it is folded to (each folded form maps to itself)."""
    table: dict[str, str] = {}
    for line in _data_lines("variants.txt"):
        folded, _, variants = line.partition("=")
        folded = base_normalize(folded)
        table[folded] = folded
        for variant in variants.split(","):
            if variant.strip():
                table[base_normalize(variant)] = folded
    return table


@lru_cache(maxsize=1)
def _variant_pattern() -> tuple[re.Pattern, dict[str, str]]:
    table = variant_table()
    return re.compile(_trie_regex(sorted(table)) or "(?!)"), table


def _trie_regex(words: list[str]) -> str:
    """One regex matching any of ``words``, longest first at each place, built as a
    letter tree so a text position is tested once per letter, not once per word."""
    tree: dict = {}
    for word in words:
        node = tree
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def build(node: dict) -> str:
        branches = [re.escape(c) + build(child) for c, child in sorted(node.items()) if c]
        ends_here = "" in node
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        # Greedy: a longer variant is tried first, the word ending here after it.
        return f"(?:{body})?" if ends_here else body

    return build(tree)


def variants_of(folded: str) -> list[str]:
    """Every spelling that folds to ``folded`` (itself included), for highlighting."""
    return [v for v, f in variant_table().items() if f == folded] or [folded]


def base_normalize(text: str) -> str:
    """Canonical form of Thai (and any) text, for indexing and querying alike.

    - Unicode NFC, zero-width characters removed, whitespace collapsed;
    - Thai digits to Arabic, so "ป.๓" and "ป.3" meet;
    - ำ typed as nikhahit + sara aa (with or without a tone mark between);
    - two sara e typed for sara ae ("เเ" → "แ");
    - a tone mark typed before its vowel mark put after it; doubled marks once;
    - case folded, so English matches in any case.
    """
    text = unicodedata.normalize("NFC", text or "").translate(_INVISIBLE)
    text = text.translate(_THAI_DIGITS)
    text = _NIKHAHIT_AA.sub(lambda m: m.group(1) + SARA_AM, text)
    text = _TONE_NIKHAHIT_AA.sub(lambda m: m.group(1) + SARA_AM, text)
    text = text.replace(SARA_E + SARA_E, SARA_AE)
    text = _TONE_BEFORE_VOWEL.sub(r"\2\1", text)
    text = _DOUBLED_MARK.sub(r"\1", text)
    return _SPACE.sub(" ", text).strip().casefold()


@lru_cache(maxsize=1)
def curriculum_terms() -> frozenset[str]:
    """Curriculum words the general dictionary lacks or would cut apart."""
    terms = set()
    for path in sorted(DICTIONARY_DIR.glob("*.txt")):
        for line in path.read_text(encoding="utf-8").splitlines():
            line = line.split("#", 1)[0].strip()
            if line:
                terms.add(normalize(line))
    return frozenset(terms)


_SECTION = re.compile(r"^#\s*\[(\w+)\]")


@lru_cache(maxsize=1)
def curriculum_subjects() -> dict[str, frozenset[str]]:
    """Curriculum word → the subject group codes whose dictionary section lists it."""
    found: dict[str, set[str]] = {}
    for path in sorted(DICTIONARY_DIR.glob("*.txt")):
        subject = None
        for line in path.read_text(encoding="utf-8").splitlines():
            header = _SECTION.match(line.strip())
            if header:
                subject = header.group(1)
                continue
            word = line.split("#", 1)[0].strip()
            if word and subject:
                found.setdefault(normalize(word), set()).add(subject)
    return {word: frozenset(codes) for word, codes in found.items()}


def query_subjects(tokens: Iterable[str]) -> tuple[str, ...]:
    """Subject groups a query speaks of: those whose curriculum words it uses.

    "ดาวเคราะห์" is a science word, so science items that mention it rank above
    items of other groups that happen to use it too. A query of general words
    names no group and is ranked by text alone.
    """
    table = curriculum_subjects()
    codes: set[str] = set()
    for token in tokens:
        codes |= table.get(token, frozenset())
    return tuple(sorted(codes))


def warm_up() -> None:
    """Build the word lists and dictionaries segmenting reads (seconds of work,
    cached per process) before a first search waits for them."""
    _base_trie()
    _full_trie()
    function_words()


@lru_cache(maxsize=1)
def _base_trie():
    from pythainlp.corpus import thai_words
    from pythainlp.tokenize import Trie

    return Trie(thai_words())


@lru_cache(maxsize=1)
def _full_trie():
    from pythainlp.corpus import thai_words
    from pythainlp.tokenize import Trie

    # The word list is normalised already; only its loan-word variants are folded.
    pattern, table = _variant_pattern()
    folded = {pattern.sub(lambda m: table[m.group(0)], w) for w in thai_words()}
    return Trie(folded | curriculum_terms() | set(variant_table().values()))


@lru_cache(maxsize=1)
def function_words() -> frozenset[str]:
    """Grammatical words (data/function_words.txt): weighed down in ranking, never
    dropped. PyThaiNLP's stop list is not used: it holds content words a teacher
    searches for (จัดการ, ใหม่, กลุ่ม, เล็ก, ไกล...)."""
    return frozenset(normalize(w) for w in _data_lines("function_words.txt"))


def default_engine() -> str:
    from .conf import search_settings

    return search_settings.SEGMENTER


def _cut(text: str, engine: str, trie) -> list[str]:
    from pythainlp.tokenize import word_tokenize

    return word_tokenize(text, engine=engine, custom_dict=trie, keep_whitespace=False)


# An abbreviation of two or more Thai letters each followed by a dot (ค.ร.น.,
# ห.ร.ม., พ.ศ.): one word, its letters without the dots, not lone letters.
_ABBREVIATION = re.compile(r"(?:[\u0e01-\u0e2e]\.){2,}")


def words(text: str, engine: str | None = None) -> list[str]:
    """Normalised words of ``text`` in order, punctuation dropped, none left out."""
    text = normalize(text)
    if not text:
        return []
    out: list[str] = []
    position = 0
    for abbreviation in [*_ABBREVIATION.finditer(text), None]:
        end = abbreviation.start() if abbreviation else len(text)
        out += _segment(text[position:end], engine)
        if abbreviation:
            out.append(abbreviation.group(0).replace(".", ""))
            position = abbreviation.end()
    return out


def _segment(text: str, engine: str | None) -> list[str]:
    if not text.strip():
        return []
    out: list[str] = []
    for piece in _cut(text, engine or default_engine(), _full_trie()):
        for run in _TOKEN_RUN.findall(piece):
            run = _LEADING_MARKS.sub("", run)
            if run and run not in _MEANINGLESS:
                out.append(run)
    return out


_THAI_WORD = re.compile(r"^[\u0e01-\u0e4e]+$")


@lru_cache(maxsize=100_000)
def compound_parts(token: str, engine: str | None = None) -> tuple[str, ...]:
    """The dictionary words a compound is made of (empty if it is not one).

    The segmenter keeps the longest dictionary word, so "การสังเคราะห์ด้วยแสง"
    stays whole in one text while a query says "สังเคราะห์แสง". Indexing the
    parts too, and letting a query word match through its parts, makes the two
    meet. A split is a dictionary prefix followed by dictionary words, fewest
    parts first; every part has at least two letters.
    """
    if len(token) < 4 or not _THAI_WORD.match(token):
        return ()
    trie = _full_trie()
    best: list[str] | None = None
    for prefix in sorted(trie.prefixes(token), key=len, reverse=True):
        if len(prefix) < 2 or len(prefix) >= len(token):
            continue
        rest = [w for w in _cut(token[len(prefix) :], engine or default_engine(), trie)]
        if all(len(w) >= 2 and w in trie for w in rest):
            candidate = [prefix, *rest]
            if best is None or len(candidate) < len(best):
                best = candidate
    return tuple(best) if best else ()


def leaf_parts(token: str, depth: int = 3) -> tuple[str, ...]:
    """Compound parts split again until they split no further ("การสังเคราะห์ด้วยแสง"
    → การ, สังเคราะห์, ด้วย, แสง)."""
    parts = compound_parts(token)
    if not parts or depth == 0:
        return (token,)
    return tuple(leaf for part in parts for leaf in leaf_parts(part, depth - 1))


def sub_words(token: str) -> list[str]:
    """Every part at every level of a compound, without the compound itself."""
    out: list[str] = []
    for part in compound_parts(token):
        out.append(part)
        out.extend(sub_words(part))
    return list(dict.fromkeys(out))


def query_alternatives(token: str) -> list[tuple[str, ...]]:
    """Ways a query word may match: itself, all of its parts, or all of its smallest parts.

    A split stands for the compound only while it keeps two or more words once
    stop words are out. A lone part is another, broader word ("ภาคศึกษา" is a
    semester, "ศึกษา" any study; "กระบอก" is not "กระ"): matching it would rank
    thousands of unrelated items above nothing useful, so it is not an
    alternative.
    """
    stop = function_words()
    options = [(token,)]
    for parts in (compound_parts(token), leaf_parts(token)):
        kept = tuple(dict.fromkeys(p for p in parts if p not in stop))
        if len(kept) >= 2 and kept not in options:
            options.append(kept)
    return options


def index_parts(text: str, engine: str | None = None) -> tuple[list[str], list[str]]:
    """Every word of ``text`` in order (none dropped), and the compound parts to add."""
    main = words(text, engine)
    parts = [p for token in dict.fromkeys(main) for p in sub_words(token)]
    return main, parts


def index_tokens(text: str, engine: str | None = None) -> list[str]:
    """Words to put in an index: every word, then every compound's parts."""
    main, parts = index_parts(text, engine)
    return main + parts


def query_tokens(text: str, engine: str | None = None) -> list[str]:
    """Distinct words of a query, in order; none dropped (common words are only
    weighed down when ranking)."""
    return list(_query_tokens(text, engine or default_engine()))


@lru_cache(maxsize=4096)
def _query_tokens(text: str, engine: str) -> tuple[str, ...]:
    # Searches repeat (paging, facet clicks, popular words): segment each text once.
    return tuple(dict.fromkeys(words(text, engine)))


def segmented(text: str, engine: str | None = None) -> str:
    """What the indexes store for ``text``: its words in order, then PARTS_MARK
    and the compound parts (omitted when there are none)."""
    main, parts = index_parts(text, engine)
    return " ".join(main + ([PARTS_MARK, *parts] if parts else []))


def text_words(seg: str) -> list[str]:
    """The words of a stored segmented text in their order, without the parts."""
    return seg.split(f" {PARTS_MARK} ", 1)[0].split() if seg else []
