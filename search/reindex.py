"""Rebuilding the catalog from its sources: resumable, safe while the site serves.

Work goes in small batches, each in its own transaction, and the position of
every source is saved after each batch in a ReindexRun row; an interrupted run
resumes from there. Searches keep being answered throughout: the database
backend updates rows in place, and the Elasticsearch backend fills a new index
and moves its alias only at the end.
"""

from __future__ import annotations

from collections.abc import Callable

from django.utils import timezone

from .backends import get_backend
from .indexing import delete_entries, save_documents
from .models import CatalogEntry, ReindexRun
from .registry import CatalogSource, sources_named


def current_run(backend_name: str) -> ReindexRun | None:
    return ReindexRun.objects.filter(backend=backend_name, finished_at__isnull=True).first()


def count_remaining(run: ReindexRun, sources: list[CatalogSource]) -> tuple[int, int]:
    """(objects in all sources, objects already done in this run)."""
    total = done = 0
    for source in sources:
        qs = source.get_queryset()
        n = qs.count()
        total += n
        if source.name in run.done_sources:
            done += n
        elif source.name in run.positions:
            done += qs.filter(pk__lte=run.positions[source.name]).count()
    return total, done


def reindex_source(
    run: ReindexRun,
    source: CatalogSource,
    backend,
    batch_size: int,
    on_batch: Callable[[int], None] = lambda n: None,
) -> None:
    for batch in source.iter_batches(run.positions.get(source.name), batch_size):
        docs, gone = [], []
        for obj in batch:
            doc = source.to_document(obj)
            key = str(obj.pk)
            if doc is None:
                gone.append(key)
            else:
                docs.append((source.name, key, doc))
        if gone:
            delete_entries(CatalogEntry.objects.filter(source=source.name, object_key__in=gone))
        ids = save_documents(docs)
        if run.target:
            backend.index_into(run.target, ids)
        run.positions[source.name] = batch[-1].pk
        run.save(update_fields=["positions"])
        on_batch(len(batch))
    # Entries this run never touched belong to objects that no longer exist.
    stale = CatalogEntry.objects.filter(source=source.name, indexed_at__lt=run.started_at)
    delete_entries(stale)
    run.done_sources = [*run.done_sources, source.name]
    run.save(update_fields=["done_sources"])


def reindex(
    source_names: list[str] | None = None,
    *,
    batch_size: int = 200,
    restart: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> ReindexRun:
    """Rebuild the catalog (all sources, or the named ones); resumes by default.

    ``progress(total, done)`` is called once with the totals and then after each
    batch with the new ``done``.
    """
    backend = get_backend()
    sources = sources_named(source_names)
    run = None if restart else current_run(backend.name)
    if run is None:
        ReindexRun.objects.filter(backend=backend.name, finished_at__isnull=True).update(
            finished_at=timezone.now()
        )
        run = ReindexRun.objects.create(backend=backend.name, target=backend.begin_rebuild())
    total, done = count_remaining(run, sources)
    if progress:
        progress(total, done)

    def advance(n: int) -> None:
        nonlocal done
        done += n
        if progress:
            progress(total, done)

    for source in sources:
        if source.name not in run.done_sources:
            reindex_source(run, source, backend, batch_size, advance)
    if not source_names:
        known = {s.name for s in sources}
        delete_entries(CatalogEntry.objects.exclude(source__in=known))
    if run.target:
        backend.finish_rebuild(run.target)
    backend.after_bulk_write()
    run.finished_at = timezone.now()
    run.save(update_fields=["finished_at"])
    return run
