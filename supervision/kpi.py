"""Supervision's KPI counters (found by reports at start-up, like every app's kpi.py).

supervision_schools           schools with at least one shared record in the year
supervision_average_level     the mean rubric level over the year's scores,
                              broken down by criterion
supervision_followups_closed  follow-ups marked done in the year
"""

from __future__ import annotations

from django.db.models import Avg, Count

from reports.registry import CounterItem, CounterResult, Period, register_counter

from .models import Score
from .summaries import counted, criterion_averages, followups_closed_in, in_fiscal_year


@register_counter("supervision_schools")
def count_schools_supervised(period: Period) -> CounterResult:
    records = in_fiscal_year(counted(), period.fiscal_year)
    rows = (
        records.values("school__name", "school__network__name")
        .annotate(visits=Count("id"))
        .order_by("school__code")
    )
    items = [
        CounterItem(r["school__name"], group=r["school__network__name"], detail=str(r["visits"]))
        for r in rows
    ]
    breakdown: dict[str, float] = {}
    for item in items:
        breakdown[item.group] = breakdown.get(item.group, 0) + 1
    return CounterResult(float(len(items)), breakdown, items)


@register_counter("supervision_average_level")
def count_average_level(period: Period) -> CounterResult:
    records = in_fiscal_year(counted(), period.fiscal_year)
    overall = Score.objects.filter(observation__in=records).aggregate(a=Avg("level"))["a"]
    rows = criterion_averages(records)
    breakdown = {r["criterion__title"]: round(r["average"], 2) for r in rows}
    items = [
        CounterItem(r["criterion__title"], group=r["criterion__rubric__title"],
                    detail=f"{r['average']:.2f} ({r['n']})")
        for r in rows
    ]  # fmt: skip
    return CounterResult(round(overall, 2) if overall else 0.0, breakdown, items)


@register_counter("supervision_followups_closed")
def count_followups_closed(period: Period) -> CounterResult:
    closed = followups_closed_in(period.fiscal_year).select_related("observation__school")
    breakdown: dict[str, float] = {}
    items = []
    for followup in closed.order_by("done_at"):
        school = followup.observation.school.name
        breakdown[school] = breakdown.get(school, 0) + 1
        items.append(CounterItem(followup.action[:80], group=school))
    return CounterResult(float(len(items)), breakdown, items[:500])
