"""Counts the office files: per school, and per fiscal year for the KPI reports.

Only shared records count (a draft is not a visit yet). Every table is a
reports.tables.Table, so the page, the CSV and the XLSX say the same thing.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Avg, Count, Max, Q
from django.utils import timezone

from core.i18n import thai_with_english
from core.thaidate import fiscal_year_bounds, thai_date
from reports.periods import day_bounds
from reports.tables import Table

from .models import FollowUp, Observation, Score, Status


def counted(observations=None):
    rows = Observation.objects.all() if observations is None else observations
    return rows.exclude(status=Status.DRAFT)


def in_fiscal_year(observations, fiscal_year: int):
    start, end = fiscal_year_bounds(fiscal_year)
    return observations.filter(visited_on__gte=start, visited_on__lte=end)


def followups_closed_in(fiscal_year: int, followups=None):
    start, end = fiscal_year_bounds(fiscal_year)
    rows = FollowUp.objects.all() if followups is None else followups
    return rows.filter(done_at__gte=day_bounds(start)[0], done_at__lt=day_bounds(end)[1])


def criterion_averages(observations) -> list[dict]:
    """Average level per criterion over ``observations`` (rubric order)."""
    return list(
        Score.objects.filter(observation__in=observations)
        .values("criterion_id", "criterion__title", "criterion__rubric__title")
        .annotate(n=Count("id"), average=Avg("level"))
        .order_by("criterion__rubric__title", "criterion__sort_order", "criterion_id")
    )


def _h(text) -> str:
    return thai_with_english(text)


def fiscal_year_tables(fiscal_year: int, observations=None) -> list[Table]:
    """Schools supervised, average level per criterion, follow-ups: one fiscal year."""
    from django.utils.translation import gettext_lazy as _

    records = in_fiscal_year(counted(observations), fiscal_year)
    per_school = (
        records.values("school_id", "school__code", "school__name", "school__network__name")
        .annotate(
            visits=Count("id"),
            teachers=Count("teacher", distinct=True),
            online=Count("id", filter=Q(mode="online")),
            last=Max("visited_on"),
        )
        .order_by("school__code")
    )
    schools = Table(
        "schools",
        _h(_("Schools supervised")),
        [_h(_("School code")), _h(_("School")), _h(_("School network")), _h(_("Visits")),
         _h(_("Online")), _h(_("Teachers observed")), _h(_("Last visit"))],
        [[r["school__code"], r["school__name"], r["school__network__name"], r["visits"],
          r["online"], r["teachers"], thai_date(r["last"], "numeric")] for r in per_school],
    )  # fmt: skip
    criteria = Table(
        "criteria",
        _h(_("Average rubric level per criterion")),
        [_h(_("Rubric")), _h(_("Criterion")), _h(_("Scores")), _h(_("Average level"))],
        [[r["criterion__rubric__title"], r["criterion__title"], r["n"], round(r["average"], 2)]
         for r in criterion_averages(records)],
    )  # fmt: skip
    today = timezone.localdate()
    agreed = FollowUp.objects.filter(observation__in=records)
    closed_ids = set(followups_closed_in(fiscal_year, agreed).values_list("pk", flat=True))
    per_school_followups = {}
    for f in agreed.select_related("observation__school"):
        row = per_school_followups.setdefault(
            f.observation.school_id, [f.observation.school.code, f.observation.school.name, 0, 0, 0]
        )
        row[2] += 1
        if f.pk in closed_ids:
            row[3] += 1
        elif f.done_at is None and f.due_on and f.due_on < today:
            row[4] += 1
    followups = Table(
        "followups",
        _h(_("Follow-ups")),
        [_h(_("School code")), _h(_("School")), _h(_("Agreed")), _h(_("Closed")),
         _h(_("Overdue"))],
        [per_school_followups[k] for k in sorted(per_school_followups,
                                                 key=lambda k: per_school_followups[k][0])],
    )  # fmt: skip
    return [schools, criteria, followups]


def school_summary(school, observations) -> dict:
    """One school: its records (already scoped by the caller), averages, follow-ups."""
    records = counted(observations).filter(school=school)
    followups = FollowUp.objects.filter(observation__in=records)
    today = timezone.localdate()
    return {
        "records": records.select_related("teacher", "supervisor").order_by("-visited_on"),
        "criteria": criterion_averages(records),
        "followups_total": followups.count(),
        "followups_closed": followups.filter(done_at__isnull=False).count(),
        "followups_overdue": followups.filter(done_at__isnull=True, due_on__lt=today).count(),
        "teachers": records.values("teacher").distinct().count(),
    }


def school_tables(school, observations) -> list[Table]:
    from django.utils.translation import gettext_lazy as _

    summary = school_summary(school, observations)
    visits = Table(
        "visits",
        _h(_("Supervision records")),
        [_h(_("Date")), _h(_("Teacher")), _h(_("Supervisor")), _h(_("How")),
         _h(_("Subject and topic")), _h(_("Average level"))],
        [[thai_date(o.visited_on, "numeric"), o.teacher.get_full_name() or o.teacher.username,
          o.supervisor.get_full_name() or o.supervisor.username, o.get_mode_display(),
          o.subject, o.average_level() or ""] for o in summary["records"]],
    )  # fmt: skip
    criteria = Table(
        "criteria",
        _h(_("Average rubric level per criterion")),
        [_h(_("Criterion")), _h(_("Scores")), _h(_("Average level"))],
        [[r["criterion__title"], r["n"], round(r["average"], 2)] for r in summary["criteria"]],
    )
    return [visits, criteria]


def next_due(followups) -> dt.date | None:
    open_ = [f.due_on for f in followups if f.done_at is None and f.due_on]
    return min(open_) if open_ else None
