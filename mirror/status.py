"""How every school's mirror stands, as central sees it (page and CSV).

Content lag is measured against the feed: the entries after a mirror's
acknowledged version that its school wants, how many bytes their files are
under its rendition ceiling, and how old the oldest of them is ("behind more
than 7 days" filters on that age, so a mirror with nothing new to fetch is
never behind however long ago it called). The feed after the lowest
acknowledged version is read once for all mirrors.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils import timezone

from .feed import mirror_policy
from .models import ChangeEntry, Mirror
from .sources.base import policy_files, scope_matches


@dataclass
class MirrorStanding:
    mirror: Mirror
    records_behind: int = 0
    bytes_behind: int = 0
    oldest_missing: dt.datetime | None = None

    def days_behind(self, now: dt.datetime | None = None) -> float:
        if self.oldest_missing is None:
            return 0.0
        return ((now or timezone.now()) - self.oldest_missing).total_seconds() / 86400

    def behind_more_than(self, days: float, now: dt.datetime | None = None) -> bool:
        return self.days_behind(now) > days


def standings(mirrors: Iterable[Mirror]) -> list[MirrorStanding]:
    mirrors = list(mirrors)
    if not mirrors:
        return []
    lowest = min(mirror.acked_version for mirror in mirrors)
    feed = list(
        ChangeEntry.objects.filter(version__gt=lowest)
        .order_by("version")
        .values_list("version", "action", "scope", "files", "updated_at")
    )
    result = []
    for mirror in mirrors:
        policy = mirror_policy(mirror)
        subjects, grades = set(policy["subjects"]), set(policy["grades"])
        standing = MirrorStanding(mirror)
        for version, action, scope, files, changed_at in feed:
            if version <= mirror.acked_version:
                continue
            if not scope_matches(scope, mirror.school.code, subjects, grades):
                continue
            standing.records_behind += 1
            if action == ChangeEntry.UPSERT:
                standing.bytes_behind += sum(int(f["size"]) for f in policy_files(files, policy))
            if standing.oldest_missing is None or changed_at < standing.oldest_missing:
                standing.oldest_missing = changed_at
        result.append(standing)
    return result


CSV_HEADER = [
    "mirror_id", "school_code", "school_name", "last_contact", "records_behind",
    "bytes_behind", "days_behind", "disk_free_bytes", "version", "results_waiting",
    "last_error", "key_revoked",
]  # fmt: skip


def csv_cell(value: object) -> str:
    """A cell a spreadsheet shows as text: never a formula (CSV injection)."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def csv_row(standing: MirrorStanding, now: dt.datetime) -> list[str]:
    mirror = standing.mirror
    values = [
        mirror.mirror_id,
        mirror.school.code,
        mirror.school.name,
        mirror.last_contact.isoformat() if mirror.last_contact else "",
        standing.records_behind,
        standing.bytes_behind,
        f"{standing.days_behind(now):.1f}",
        mirror.disk_free_bytes,
        mirror.software_version,
        mirror.results_pending,
        mirror.last_error,
        "yes" if mirror.is_revoked else "no",
    ]
    return [csv_cell(value) for value in values]
