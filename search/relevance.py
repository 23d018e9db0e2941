"""Scoring search quality against a judged set: recall@k and nDCG@k.

The set lives in tests/search/relevance/ (corpus.tsv, queries.tsv); tests and
bench/search.py load it with these functions and score every backend alike.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .documents import CatalogDocument

RELEVANCE_DIR = Path(__file__).resolve().parent.parent / "tests" / "search" / "relevance"
SOURCE = "relevance"


@dataclass(frozen=True)
class Judgement:
    query: str
    relevant: tuple[str, ...]  # most relevant first


def _rows(path: Path) -> list[list[str]]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [line.split("\t") for line in lines if line.strip() and not line.startswith("#")]


def load_corpus(path: Path | None = None) -> list[tuple[str, CatalogDocument]]:
    """(key, document) pairs of the judged corpus."""
    out = []
    for key, subject, grades, doc_type, title, description in _rows(
        path or RELEVANCE_DIR / "corpus.tsv"
    ):
        doc = CatalogDocument(
            title=title,
            description=description,
            url=f"/relevance/{key}/",
            doc_type=doc_type,
            subject_codes=[subject],
            grade_codes=grades.split("|"),
        )
        out.append((key, doc))
    return out


def load_queries(path: Path | None = None) -> list[Judgement]:
    return [
        Judgement(query=q, relevant=tuple(ids.split(",")))
        for q, ids in _rows(path or RELEVANCE_DIR / "queries.tsv")
    ]


def recall_at(ranked: list[str], relevant: tuple[str, ...], k: int = 10) -> float:
    if not relevant:
        return 1.0
    return len(set(ranked[:k]) & set(relevant)) / len(relevant)


def ndcg_at(ranked: list[str], relevant: tuple[str, ...], k: int = 10) -> float:
    """nDCG with graded gains: the first listed relevant id gains most."""
    gains = {key: len(relevant) - i for i, key in enumerate(relevant)}
    dcg = sum(gains.get(key, 0) / math.log2(i + 2) for i, key in enumerate(ranked[:k]))
    ideal = sorted(gains.values(), reverse=True)[:k]
    idcg = sum(g / math.log2(i + 2) for i, g in enumerate(ideal))
    return dcg / idcg if idcg else 0.0


@dataclass
class Score:
    recall_at_10: float
    ndcg_at_10: float
    misses: list[tuple[str, list[str]]]

    def as_dict(self) -> dict:
        return {
            "recall_at_10": round(self.recall_at_10, 4),
            "ndcg_at_10": round(self.ndcg_at_10, 4),
        }


def evaluate(run: Callable[[str], list[str]], judgements: list[Judgement], k: int = 10) -> Score:
    """Mean recall@k and nDCG@k of ``run`` (query → ranked keys) over the judgements."""
    recalls, ndcgs, misses = [], [], []
    for j in judgements:
        ranked = run(j.query)
        recalls.append(recall_at(ranked, j.relevant, k))
        ndcgs.append(ndcg_at(ranked, j.relevant, k))
        if recalls[-1] < 1.0:
            misses.append((j.query, ranked[:k]))
    n = max(len(judgements), 1)
    return Score(sum(recalls) / n, sum(ndcgs) / n, misses)


def load_into_catalog(engine: str | None = None) -> int:
    """Write the judged corpus into the catalog (source "relevance")."""
    from .indexing import save_documents

    return len(save_documents((SOURCE, key, doc) for key, doc in load_corpus()))


def catalog_run(backend=None) -> Callable[[str], list[str]]:
    """A run function over the live catalog: query → ranked relevance-corpus keys."""
    from .models import CatalogEntry
    from .query import Audience
    from .service import build_query, search

    def run(text: str) -> list[str]:
        query = build_query(text, audience=Audience(sees_all=True), page_size=10, with_facets=False)
        results = search(query, backend=backend)
        keys = []
        for hit in results.hits:
            entry: CatalogEntry = hit.entry
            if entry.source == SOURCE:
                keys.append(entry.object_key)
        return keys

    return run


def top_ids(text: str, backend=None, k: int = 10) -> list[int]:
    """The entry ids of the first ``k`` results for ``text`` (for comparing backends)."""
    from .query import Audience
    from .service import build_query, search

    query = build_query(text, audience=Audience(sees_all=True), page_size=k, with_facets=False)
    return [hit.entry.id for hit in search(query, backend=backend).hits]


def common_word_queries() -> list[str]:
    """Words of PyThaiNLP's stop list that the judged items hold and that are not
    grammatical words: content words a teacher searches for (จัดการ, ใหม่...)."""
    from pythainlp.corpus import thai_stopwords

    from .thai import function_words, words

    held = set()
    for _, doc in load_corpus():
        held.update(words(f"{doc.title} {doc.description}"))
    return sorted({w for w in thai_stopwords() if w in held} - function_words())


def variant_pairs() -> list[tuple[str, str]]:
    """(variant, folded form) pairs of the variant table whose folded form the
    judged items hold."""
    from .thai import normalize, variant_table

    text = normalize(" ".join(f"{d.title} {d.description}" for _, d in load_corpus()))
    return sorted((v, f) for v, f in variant_table().items() if v != f and f in text)
