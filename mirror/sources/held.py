"""What a mirror holds of a record: the payload of the entry its last sync applied."""

from __future__ import annotations

from typing import Any


def held_payload(source: str, key: str) -> dict[str, Any] | None:
    """The payload this mirror last applied for ``source``/``key`` (None if it holds
    none, or the record was deleted). For a source whose record names another
    source's record that may arrive in a later switch (a live session's recording,
    whose files come after the session's row): the name is kept here until then."""
    from ..models import MirrorRecord

    entry = (
        MirrorRecord.objects.filter(source=source, key=key, deleted=False)
        .values_list("entry", flat=True)
        .first()
    )
    return entry.get("payload") if entry else None
