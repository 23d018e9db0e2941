"""The counters reports owns: schools using the media, visits, satisfaction.

They read the aggregate tables (never raw events), so refreshing them is cheap.
This module is discovered like any app's ``kpi.py``.
"""

from __future__ import annotations

from django.db.models import Count, Q, Sum

from core.models import School, Service

from .kpis import VISIT_SERVICES
from .models import ObjectUsage, PeriodKind, ReportObject, Survey, SurveyResponse, UsageCell
from .periods import day_bounds
from .registry import CounterItem, CounterResult, Period, register_counter


def schools_active(
    period: Period, service: str | None = None, min_events: int = 1
) -> dict[int, int]:
    """School id -> events in the fiscal year (only schools with at least ``min_events``)."""
    cells = UsageCell.objects.filter(
        kind=PeriodKind.FISCAL_YEAR, start=period.start, school_id__isnull=False
    )
    if service:
        cells = cells.filter(service=service)
    totals = cells.values("school_id").annotate(n=Sum("events")).order_by()
    return {row["school_id"]: row["n"] for row in totals if row["n"] >= min_events}


@register_counter("schools_using_media")
def count_schools_using_media(period: Period) -> CounterResult:
    active = schools_active(period, Service.MEDIA)
    schools = School.objects.filter(pk__in=active).select_related("network")
    items = [CounterItem(s.name, group=s.network.name, detail=f"{active[s.pk]:,}") for s in schools]
    breakdown: dict[str, float] = {}
    for item in items:
        breakdown[item.group] = breakdown.get(item.group, 0) + 1
    return CounterResult(len(items), breakdown, items)


def _visits_counter(service: str):
    def count(period: Period) -> CounterResult:
        cells = UsageCell.objects.filter(
            kind=PeriodKind.FISCAL_YEAR, start=period.start, service=service
        )
        by_site = dict(
            cells.values("site").annotate(n=Sum("views")).order_by().values_list("site", "n")
        )
        top = list(
            ObjectUsage.objects.filter(
                kind=PeriodKind.FISCAL_YEAR, start=period.start, service=service, views__gt=0
            )
            .order_by("-views")
            .values("object_type", "object_id", "views")[:200]
        )
        names = {
            (o.object_type, o.object_id): o
            for o in ReportObject.objects.filter(object_id__in=[t["object_id"] for t in top])
        }
        items = []
        for row in top:
            obj = names.get((row["object_type"], row["object_id"]))
            label = obj.label if obj and obj.label else f"{row['object_type']} #{row['object_id']}"
            items.append(CounterItem(label, obj.url if obj else "", detail=f"{row['views']:,}"))
        return CounterResult(sum(by_site.values()), by_site, items)

    return count


for _service in VISIT_SERVICES:
    register_counter(f"visits_{_service.value}")(_visits_counter(_service.value))

HIGH = 4  # "มาก" and "มากที่สุด"


@register_counter("satisfaction_high")
def count_satisfaction(period: Period) -> CounterResult:
    """Share (%) of the year's responses at "มาก" or above, over all surveys."""
    start, _ = day_bounds(period.start)
    _, end = day_bounds(period.end)
    responses = SurveyResponse.objects.filter(created_at__gte=start, created_at__lt=end)
    per_survey = (
        responses.values("survey")
        .annotate(n=Count("id"), high=Count("id", filter=Q(level__gte=HIGH)))
        .order_by()
    )
    titles = dict(Survey.objects.values_list("pk", "title"))
    total = high = 0
    breakdown: dict[str, float] = {}
    items = []
    for row in per_survey:
        total += row["n"]
        high += row["high"]
        share = round(100 * row["high"] / row["n"], 1)
        title = titles.get(row["survey"], str(row["survey"]))
        breakdown[title] = share
        items.append(
            CounterItem(
                title, f"/reports/surveys/{row['survey']}/results/", detail=f"{share}% ({row['n']})"
            )
        )
    return CounterResult(round(100 * high / total, 1) if total else 0.0, breakdown, items)
