"""Beat-driven work of the reports: aggregate new usage, then refresh KPI snapshots."""

from __future__ import annotations

from celery import shared_task

from core.thaidate import fiscal_year

from .aggregation import aggregate_pending
from .kpis import refresh_snapshots
from .periods import current_fiscal_year


@shared_task(name="reports.tasks.aggregate_usage_task")
def aggregate_usage_task() -> dict:
    """Idempotent: a second run with nothing new recomputes at most the newest day."""
    result = aggregate_pending()
    years = {fiscal_year(start) for start in result.fiscal_year_starts}
    years.add(current_fiscal_year())
    for year in sorted(years):
        refresh_snapshots(year)
    return {"days": len(result.days), "seconds": round(result.seconds, 3)}


@shared_task(name="reports.tasks.refresh_kpis_task")
def refresh_kpis_task(fiscal_year_be: int) -> list[str]:
    return refresh_snapshots(fiscal_year_be)
