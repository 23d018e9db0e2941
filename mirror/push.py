"""Results up: each registered result kind is sent in batches, at least once.

The cursor of a kind moves only after central has answered for a batch, so a
lost answer or a killed process sends that batch again, and central's rule for
the kind (mirror/results.py) makes the repeat harmless.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .conf import mirror_settings
from .models import PushCursor
from .results import get_result_kinds


@dataclass
class PushResult:
    sent: int = 0
    accepted: int = 0
    duplicates: int = 0
    by_kind: dict[str, int] = field(default_factory=dict)


def results_pending() -> int:
    total = 0
    for kind in get_result_kinds():
        cursor = PushCursor.objects.filter(kind=kind.name).values_list("position", flat=True)
        total += kind.pending(next(iter(cursor), 0))
    return total


class PushManager:
    def __init__(self, client=None, progress=None, batch_size: int | None = None):
        from .client import CentralClient

        self.client = client or CentralClient()
        self.progress = progress
        self.batch_size = batch_size or int(mirror_settings.PUSH_BATCH_SIZE)

    def run(self) -> PushResult:
        from .sync import Journal

        result = PushResult()
        with Journal("push") as journal:
            total = results_pending()
            bar = self.progress(total, "results") if self.progress and total else None
            for kind in get_result_kinds():
                cursor, _ = PushCursor.objects.get_or_create(kind=kind.name)
                while True:
                    rows, position = kind.collect(cursor.position, self.batch_size)
                    if not rows:
                        break
                    answer = self.client.push(kind.name, rows)
                    kind.acknowledge(rows)
                    cursor.position = position
                    cursor.save(update_fields=["position", "updated_at"])
                    result.sent += len(rows)
                    result.accepted += int(answer.get("accepted", 0))
                    result.duplicates += int(answer.get("duplicates", 0))
                    result.by_kind[kind.name] = result.by_kind.get(kind.name, 0) + len(rows)
                    if bar:
                        bar.advance(len(rows))
            if bar:
                bar.finish()
            journal.entries_applied = result.sent
        return result
