from celery import shared_task

from .actions import index_object


@shared_task(name="search.tasks.index_object_task")
def index_object_task(model_label: str, pk) -> str:
    """Re-read one object and update (or remove) its catalog entry. Idempotent."""
    return index_object(model_label, pk)


@shared_task(name="search.tasks.prune_catalog_changes_task")
def prune_catalog_changes_task() -> int:
    """Trim the catalog change log behind its newest rows (search.columns)."""
    from .change_log import prune_changes

    return prune_changes()
