"""Incremental aggregation of core.UsageEvent into the period tables.

How late events are handled: each run reads the events *received* since the
last run (``received_at`` after the watermark, less an overlap that covers
transactions still committing when the previous run read), collects the Bangkok
days their ``time`` falls in, and recomputes each of those days from all of its
raw events. A mirror that pushes up last week's events therefore makes last
week's day (and its month and fiscal year) be recomputed; nothing is counted
twice because a day is always rebuilt whole, never incremented.

Usage cells and user sets exist per day; a month's cells are sums of its day
rows, its per-object and per-person rows are grouped from its raw events (a day
row there would be nearly one row per event), and every fiscal-year row is a sum
of month rows. Distinct users are unions of the stored sets (reports.usersets),
so they stay exact at every level.
"""

from __future__ import annotations

import datetime as dt
import time
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Count, Max, Q, Sum
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from core.models import School, UsageEvent

from . import usersets
from .models import (
    AggregationState,
    DimensionUsage,
    ObjectUsage,
    PeriodKind,
    PersonUsage,
    ReportObject,
    UsageCell,
    UserSet,
)
from .periods import BANGKOK, day_bounds, fiscal_year_start, month_start, next_month
from .registry import get_dimension_resolver
from .sqlwrite import insert_rows, insert_select

VIEW_ACTIONS = ("view",)  # what a "visit" is in the KPI "visits per service per year"
COMPLETE_ACTIONS = ("complete",)
OVERLAP = dt.timedelta(minutes=10)
MAX_SPAN_DAYS = 31  # days rebuilt by one set of grouped queries
STATE_NAME = "usage"

# model -> (dimension columns, summed columns), for the month and year roll-ups
ROLLUPS = {
    UsageCell: (("service", "site", "school_id"), ("events", "views", "completions", "seconds")),
    ObjectUsage: (
        ("service", "object_type", "object_id"),
        ("events", "views", "completions", "seconds"),
    ),
    DimensionUsage: (("service", "dimension", "value"), ("events", "views", "seconds")),
    PersonUsage: (("user_id", "school_id", "service", "action"), ("events", "seconds")),
}


@dataclass
class RunResult:
    days: list[dt.date] = field(default_factory=list)
    months: list[dt.date] = field(default_factory=list)
    fiscal_year_starts: list[dt.date] = field(default_factory=list)
    seconds: float = 0.0


COUNTS = ("events", "views", "completions", "seconds")


def _counts():
    return {
        "events": Count("id"),
        "views": Count("id", filter=Q(action__in=VIEW_ACTIONS)),
        "completions": Count("id", filter=Q(action__in=COMPLETE_ACTIONS)),
        "seconds": Coalesce(Sum("seconds"), 0.0),
    }


@dataclass(frozen=True)
class ObjectDims:
    subject_group_id: int | None
    grade_level_ids: tuple[int, ...]


def _resolve_objects(keys: set[tuple[str, str]]) -> dict[tuple[str, str], ObjectDims]:
    """Curriculum dimensions of ``keys``, asking the owning app about new or unresolved ones.

    Results are kept in ReportObject (with the label and link pages show).
    Without a resolver for a type, new objects are stored unresolved, so pages
    can still list them, and are not asked about until one is registered.
    """
    known: dict[tuple[str, str], ObjectDims] = {}
    by_type: dict[str, list[str]] = defaultdict(list)
    for object_type, object_id in keys:
        by_type[object_type].append(object_id)
    for object_type, ids in by_type.items():
        stored = ReportObject.objects.filter(object_type=object_type, object_id__in=ids)
        unresolved = set(ids)
        for object_id, resolved, subject, grades in stored.values_list(
            "object_id", "resolved", "subject_group_id", "grade_level_ids"
        ):
            known[(object_type, object_id)] = ObjectDims(subject, tuple(grades or ()))
            if resolved:
                unresolved.discard(object_id)
        missing = [i for i in ids if (object_type, i) not in known]
        ReportObject.objects.bulk_create(
            [ReportObject(object_type=object_type, object_id=i) for i in missing],
            batch_size=1000,
            ignore_conflicts=True,
        )
        resolver = get_dimension_resolver(object_type)
        if resolver is None or not unresolved:
            continue
        for object_id, info in resolver(sorted(unresolved)).items():
            ReportObject.objects.filter(object_type=object_type, object_id=object_id).update(
                label=info.label[:300],
                url=info.url[:500],
                subject_group_id=info.subject_group_id,
                grade_level_ids=list(info.grade_level_ids),
                resolved=True,
            )
            known[(object_type, object_id)] = ObjectDims(
                info.subject_group_id, tuple(info.grade_level_ids)
            )
    return known


def aggregate_days(first: dt.date, last: dt.date) -> None:
    """Rebuild the day rows (usage cells; user sets of the area, services and sites).

    One grouped statement for the whole span, grouped by day as well, so a month
    rebuilds in as many statements as a day; callers keep spans short enough
    (MAX_SPAN_DAYS) for the span's distinct users to fit in memory.
    """
    events = _events(first, last).annotate(day=TruncDate("time", tzinfo=BANGKOK))
    cells = events.values("day", "service", "site", "school_id").annotate(**_counts())
    user_rows = (
        events.filter(user_id__isnull=False)
        .values_list("day", "service", "site", "user_id")
        .distinct()
    )
    sets: dict[tuple, set[int]] = defaultdict(set)
    for day, service, site, user_id in user_rows:
        sets[(day, "all", "")].add(user_id)
        sets[(day, "service", service)].add(user_id)
        sets[(day, "site", site)].add(user_id)
    kind = PeriodKind.DAY
    with transaction.atomic():
        for model in (UsageCell, UserSet):
            model.objects.filter(kind=kind, start__gte=first, start__lte=last).delete()
        insert_select(UsageCell, {"kind": kind}, cells, {"start": "day", **CELL_COLUMNS})
        _write_sets(kind, sets)


def _same(names) -> dict[str, str]:
    return {name: name for name in names}


CELL_COLUMNS = _same(("service", "site", "school_id", *COUNTS))


def _events(first: dt.date, last: dt.date):
    start, _ = day_bounds(first)
    _, end = day_bounds(last)
    return UsageEvent.objects.filter(time__gte=start, time__lt=end).order_by()


def rebuild_month(month: dt.date, networks: dict[int, int] | None = None) -> None:
    """Month rows: cells and area/service/site users from day rows; the rest from raw events.

    Objects, people and school users are kept per month, not per day: per day
    they are nearly one row per event and no report reads them by day.
    """
    if networks is None:
        networks = dict(School.objects.values_list("id", "network_id"))
    events = _events(month, next_month(month) - dt.timedelta(days=1))
    objects = events.exclude(object_id="").values("service", "object_type", "object_id")
    people = events.filter(user_id__isnull=False).values(
        "user_id", "school_id", "service", "action"
    )
    kind = PeriodKind.MONTH
    period = {"kind": kind, "start": month}
    with transaction.atomic():
        rollup(kind, month, (UsageCell,))
        for model in (ObjectUsage, PersonUsage, DimensionUsage):
            model.objects.filter(**period).delete()
        object_columns = ("service", "object_type", "object_id", *COUNTS)
        insert_select(ObjectUsage, period, objects.annotate(**_counts()), _same(object_columns))
        people = people.annotate(events=Count("id"), seconds=Coalesce(Sum("seconds"), 0.0))
        person_columns = ("user_id", "school_id", "service", "action", "events", "seconds")
        insert_select(PersonUsage, period, people, _same(person_columns))
        rows = list(
            ObjectUsage.objects.filter(**period).values(
                "service", "object_type", "object_id", "events", "views", "seconds"
            )
        )
        info = _resolve_objects({(o["object_type"], o["object_id"]) for o in rows})
        dims = _dimension_totals(rows, info)
        insert_rows(
            DimensionUsage,
            ["kind", "start", "service", "dimension", "value", "events", "views", "seconds"],
            [(kind, month, *key, *totals) for key, totals in dims.items()],
        )
        sets: dict[tuple, set[int]] = defaultdict(set)
        school_users = (
            events.filter(user_id__isnull=False, school_id__isnull=False)
            .values_list("school_id", "user_id")
            .distinct()
        )
        for school_id, user_id in school_users:
            sets[(month, "school", str(school_id))].add(user_id)
            if school_id in networks:
                sets[(month, "network", str(networks[school_id]))].add(user_id)
        _write_sets(kind, sets)


def _dimension_totals(objects: list[dict], info: dict) -> dict[tuple, list[float]]:
    """(service, dimension, value) -> [events, views, seconds] from per-object rows."""
    dims: dict[tuple, list[float]] = defaultdict(lambda: [0, 0, 0.0])
    for row in objects:
        obj = info.get((row["object_type"], row["object_id"]))
        if obj is None:
            continue
        values = [("grade_level", g) for g in obj.grade_level_ids]
        if obj.subject_group_id is not None:
            values.append(("subject_group", obj.subject_group_id))
        for dimension, value in values:
            total = dims[(row["service"], dimension, int(value))]
            total[0] += row["events"]
            total[1] += row["views"]
            total[2] += row["seconds"] or 0.0
    return dims


def day_runs(days: set[dt.date], max_span: int) -> list[tuple[dt.date, dt.date]]:
    """Consecutive days grouped into (first, last) spans of at most ``max_span`` days."""
    runs: list[tuple[dt.date, dt.date]] = []
    for day in sorted(days):
        if runs and day - runs[-1][1] == dt.timedelta(days=1):
            first = runs[-1][0]
            if (day - first).days < max_span:
                runs[-1] = (first, day)
                continue
        runs.append((day, day))
    return runs


def _write_sets(kind: str, sets: dict[tuple, set[int]]) -> None:
    """Store sets keyed by (period start, scope, key)."""
    insert_rows(
        UserSet,
        ["kind", "start", "scope", "key", "users", "members"],
        [
            (kind, start, scope, key, len(m), usersets.encode(m))
            for (start, scope, key), m in sets.items()
        ],
    )


def _source(kind: str, start: dt.date) -> tuple[str, dt.date, dt.date]:
    """The finer period kind and [first, stop) range that a roll-up sums."""
    if kind == PeriodKind.MONTH:
        return PeriodKind.DAY, start, next_month(start)
    stop = start.replace(year=start.year + 1)
    return PeriodKind.MONTH, start, stop


def rollup(kind: str, start: dt.date, models=tuple(ROLLUPS)) -> None:
    """Rebuild the month or fiscal-year rows starting at ``start`` from finer rows."""
    source_kind, first, stop = _source(kind, start)
    with transaction.atomic():
        for model in models:
            dims, sums = ROLLUPS[model]
            model.objects.filter(kind=kind, start=start).delete()
            rows = (
                model.objects.filter(kind=source_kind, start__gte=first, start__lt=stop)
                .values(*dims)
                .annotate(**{name: Sum(name) for name in sums})
                .order_by()
            )
            insert_select(
                model, {"kind": kind, "start": start}, rows, {n: n for n in (*dims, *sums)}
            )
        UserSet.objects.filter(kind=kind, start=start).delete()
        merged: dict[tuple, set[int]] = defaultdict(set)
        finer = UserSet.objects.filter(kind=source_kind, start__gte=first, start__lt=stop)
        for scope, key, blob in finer.values_list("scope", "key", "members").iterator(2000):
            merged[(start, scope, key)].update(usersets.decode(blob))
        _write_sets(kind, merged)


def touched_days(since: dt.datetime | None, until: dt.datetime) -> tuple[set[dt.date], object]:
    """Bangkok days of the events received in (since, until], and the newest receipt."""
    received = UsageEvent.objects.filter(received_at__lte=until).order_by()
    if since is not None:
        received = received.filter(received_at__gt=since)
    days = set(
        received.annotate(day=TruncDate("time", tzinfo=BANGKOK))
        .values_list("day", flat=True)
        .distinct()
    )
    newest = received.aggregate(newest=Max("received_at"))["newest"]
    return days, newest


def aggregate_pending(now: dt.datetime | None = None) -> RunResult:
    """One incremental run: recompute the days touched since the watermark, then roll up.

    Runs hold a row lock on the state row, so two workers never rebuild the same
    day at once (on SQLite the write lock does the same).
    """
    started = time.perf_counter()
    now = now or timezone.now()
    result = RunResult()
    with transaction.atomic():
        AggregationState.objects.get_or_create(name=STATE_NAME)
        state = AggregationState.objects.select_for_update().get(name=STATE_NAME)
        since = state.watermark - OVERLAP if state.watermark else None
        days, newest = touched_days(since, now)
        networks = dict(School.objects.values_list("id", "network_id"))
        for first, last in day_runs(days, MAX_SPAN_DAYS):
            aggregate_days(first, last)
        months = sorted({month_start(d) for d in days})
        for month in months:
            rebuild_month(month, networks)
        years = sorted({fiscal_year_start(d) for d in days})
        for year_start in years:
            rollup(PeriodKind.FISCAL_YEAR, year_start)
        if newest is not None and (state.watermark is None or newest > state.watermark):
            state.watermark = newest
        result = RunResult(sorted(days), months, years, time.perf_counter() - started)
        state.last_run_at = now
        state.last_days = [d.isoformat() for d in result.days[-100:]]
        state.last_seconds = result.seconds
        state.save()
    return result


def rebuild_all() -> RunResult:
    """Forget the watermark and recompute everything (after a schema or rule change)."""
    AggregationState.objects.filter(name=STATE_NAME).delete()
    return aggregate_pending()
