"""Live classes' KPI counter (found by reports at start-up, like every app's kpi.py).

live_schools  schools whose people watched at least one live class in the
              fiscal year (the plan's "schools that use distance-learning
              media"); each school's detail: viewers and minutes watched.
              Attendance counted on a school's mirror arrives with its
              pushed results and counts the same.
"""

from __future__ import annotations

from django.db.models import Count, Sum
from django.utils.translation import gettext as _

from reports.periods import day_bounds
from reports.registry import CounterItem, CounterResult, Period, register_counter

from .models import LiveAttendance


@register_counter("live_schools")
def count_schools_watching_live(period: Period) -> CounterResult:
    start = day_bounds(period.start)[0]
    end = day_bounds(period.end)[1]
    rows = (
        LiveAttendance.objects.filter(
            school__isnull=False, seconds__gt=0, session__starts_at__gte=start,
            session__starts_at__lt=end,
        )
        .values("school__code", "school__name", "school__network__name")
        .annotate(viewers=Count("user", distinct=True), seconds=Sum("seconds"))
        .order_by("school__code")
    )  # fmt: skip
    items = [
        CounterItem(
            r["school__name"],
            group=r["school__network__name"] or "",
            detail=_("%(viewers)s viewers, %(minutes)s minutes")
            % {"viewers": f"{r['viewers']:,}", "minutes": f"{round(r['seconds'] / 60):,}"},
        )
        for r in rows
    ]
    breakdown: dict[str, float] = {}
    for item in items:
        breakdown[item.group] = breakdown.get(item.group, 0) + 1
    return CounterResult(float(len(items)), breakdown, items)
