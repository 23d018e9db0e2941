"""Writing the catalog: documents from sources into CatalogEntry rows and the index.

``prepare_entry`` is pure (document in, row values out); ``save_documents`` and
``remove_objects`` are the only places that write catalog rows.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

from django.db import transaction
from django.utils import timezone

from .documents import CatalogDocument
from .models import CatalogEntry, CatalogFacet, CatalogTerm
from .thai import PARTS_MARK, index_parts, normalize

MAX_TERM_LENGTH = 64


@lru_cache(maxsize=1)
def subject_names() -> dict[str, str]:
    """Subject code → "Thai name English name", so a subject's name finds its items."""
    from core.models import SubjectGroup

    return {s.code: f"{s.name_th} {s.name_en}" for s in SubjectGroup.objects.all()}


def prepare_entry(
    source: str, key: str, doc: CatalogDocument, names: dict[str, str] | None = None
) -> tuple[dict, list[tuple[str, str]], set[str]]:
    """Row values, facet pairs and vocabulary for one document (no database access).

    Subject names go into the body words so "วิทยาศาสตร์" finds science items
    whose own text never says it.
    """
    names = names if names is not None else {}
    title_main, title_parts = index_parts(doc.title)
    subjects_text = " ".join(names.get(c, "") for c in doc.subject_codes)
    body_text = " ".join(
        part for part in (doc.description, doc.body, doc.transcript, subjects_text) if part
    )
    body_main, body_parts = index_parts(body_text)
    values = {
        "title": doc.title[:500],
        "description": doc.description,
        "body": doc.body,
        "transcript": doc.transcript,
        "title_seg": _joined(title_main, title_parts),
        "body_seg": _joined(body_main, body_parts),
        "title_norm": normalize(doc.title)[:500],
        "url": doc.url[:500],
        "thumbnail_url": doc.thumbnail_url[:500],
        "doc_type": doc.doc_type,
        "subject_codes": "|".join(doc.subject_codes),
        "grade_codes": "|".join(doc.grade_codes),
        "indicator_codes": "|".join(doc.indicator_codes),
        "school_id": doc.school_id,
        "area_id": doc.area_id,
        "owner_id": doc.owner_id,
        "language": doc.language,
        "licence": doc.licence,
        "published_at": doc.published_at,
        "popularity": doc.popularity,
        "visibility": str(doc.visibility),
        "held": doc.held,
    }
    facets = [("subject", c) for c in doc.subject_codes]
    facets += [("grade", c) for c in doc.grade_codes]
    facets.append(("type", doc.doc_type))
    if doc.school_id is not None:
        facets.append(("school", str(doc.school_id)))
    every = title_main + title_parts + body_main + body_parts
    vocabulary = {w for w in every if len(w) <= MAX_TERM_LENGTH}
    return values, list(dict.fromkeys(facets)), vocabulary


def _joined(main: list[str], parts: list[str]) -> str:
    """Words in text order, then PARTS_MARK and the compound parts (search.thai.segmented)."""
    return " ".join(main + ([PARTS_MARK, *parts] if parts else []))


def save_documents(items: Iterable[tuple[str, str, CatalogDocument]]) -> list[int]:
    """Upsert (source, key, document) triples; returns the entry ids written."""
    names = subject_names()
    return write_prepared([(s, k, *prepare_entry(s, k, d, names)) for s, k, d in items])


Prepared = tuple[str, str, dict, list[tuple[str, str]], set[str]]


def write_prepared(prepared: list[Prepared]) -> list[int]:
    """Upsert rows made by ``prepare_entry``; returns their entry ids.

    One transaction per call: a reader sees an entry with its facets or not at all.
    """
    if not prepared:
        return []
    now = timezone.now()
    with transaction.atomic():
        existing = {
            (e.source, e.object_key): e
            for e in CatalogEntry.objects.filter(
                source__in={p[0] for p in prepared}, object_key__in=[p[1] for p in prepared]
            )
        }
        to_create, to_update = [], []
        for source, key, values, _, _ in prepared:
            entry = existing.get((source, key))
            if entry is None:
                to_create.append(CatalogEntry(source=source, object_key=key, **values))
            else:
                for name, value in values.items():
                    setattr(entry, name, value)
                entry.indexed_at = now  # bulk_update does not apply auto_now
                to_update.append(entry)
        CatalogEntry.objects.bulk_create(to_create, batch_size=500)
        if to_update:
            CatalogEntry.objects.bulk_update(
                to_update, [*prepared[0][2].keys(), "indexed_at"], batch_size=500
            )
        ids = {
            (e.source, e.object_key): e.id
            for e in CatalogEntry.objects.filter(
                source__in={p[0] for p in prepared}, object_key__in=[p[1] for p in prepared]
            ).only("id", "source", "object_key")
        }
        entry_ids = [ids[(p[0], p[1])] for p in prepared]
        CatalogFacet.objects.filter(entry_id__in=entry_ids).delete()
        CatalogFacet.objects.bulk_create(
            [
                CatalogFacet(entry_id=ids[(s, k)], facet=f, value=v[:64])
                for s, k, _, facets, _ in prepared
                for f, v in facets
            ],
            batch_size=1000,
        )
        vocabulary = set().union(*(p[4] for p in prepared))
        CatalogTerm.objects.bulk_create(
            [CatalogTerm(term=t, length=len(t)) for t in vocabulary],
            batch_size=1000,
            ignore_conflicts=True,
        )
    return entry_ids


def delete_entries(entries: Iterable[CatalogEntry]) -> int:
    """Remove entries from the backend's index and the catalog table."""
    from .backends import get_backend

    ids = [e.id for e in entries]
    if not ids:
        return 0
    get_backend().remove_entries(ids)
    CatalogEntry.objects.filter(id__in=ids).delete()
    return len(ids)
