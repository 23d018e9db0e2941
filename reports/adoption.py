"""Adoption: which share of a group's schools used the platform in a period.

Pure grouping in :func:`adoption_groups` (tested on plain data); the read of
schools and period rows is in :func:`adoption`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Sum
from django.utils.translation import gettext_lazy

from core.i18n import bilingual, bilingual_lazy
from core.models import LinkType, School, SizeClass

from .conf import reports_settings
from .models import UsageCell

GROUPINGS = {
    "network": bilingual_lazy("Network"),
    "district": bilingual_lazy("District"),
    "size": bilingual_lazy("Size"),
    "link": bilingual_lazy("Link type"),
}
# The same groupings inside a sentence ("share of schools active by ...").
GROUPING_LABELS = {
    "network": gettext_lazy("school network"),
    "district": gettext_lazy("district"),
    "size": gettext_lazy("school size"),
    "link": gettext_lazy("link type"),
}


@dataclass
class AdoptionGroup:
    label: str
    schools: list[dict] = field(default_factory=list)
    active: list[dict] = field(default_factory=list)
    inactive: list[dict] = field(default_factory=list)

    @property
    def share(self) -> float:
        return round(100 * len(self.active) / len(self.schools), 1) if self.schools else 0.0


def _group_label(school: dict, grouping: str) -> str:
    if grouping == "network":
        return school["network__name"]
    if grouping == "district":
        return school["district"]
    if grouping == "size":
        return str(SizeClass(school["size_class"]).label)
    return str(LinkType(school["link_type"]).label)


def adoption_groups(
    schools: list[dict], events: dict[int, int], grouping: str, min_events: int
) -> list[AdoptionGroup]:
    """Split schools into groups and each group into active and inactive."""
    groups: dict[str, AdoptionGroup] = {}
    for school in schools:
        label = _group_label(school, grouping)
        group = groups.setdefault(label, AdoptionGroup(label))
        school = {**school, "events": events.get(school["id"], 0)}
        group.schools.append(school)
        (group.active if school["events"] >= min_events else group.inactive).append(school)
    return [groups[k] for k in sorted(groups)]


def adoption(
    kind: str, start: dt.date, grouping: str, service: str | None = None
) -> list[AdoptionGroup]:
    if grouping not in GROUPINGS:
        raise ValueError(bilingual("unknown grouping: %(grouping)r", grouping=grouping))
    schools = list(
        School.objects.filter(is_active=True)
        .order_by("code")
        .values("id", "code", "name", "district", "size_class", "link_type", "network__name")
    )
    cells = UsageCell.objects.filter(kind=kind, start=start, school_id__isnull=False)
    if service:
        cells = cells.filter(service=service)
    events = dict(
        cells.values("school_id").annotate(n=Sum("events")).order_by().values_list("school_id", "n")
    )
    return adoption_groups(schools, events, grouping, reports_settings.REPORTS_ACTIVE_MIN_EVENTS)
