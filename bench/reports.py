"""Reports at area scale: incremental aggregation per day, and the dashboard's p95.

    python -m bench.reports [--quick] [--events N]

On a fresh PostgreSQL database (KHLANG_BENCH_DATABASE_URL, default
postgres://postgres@127.0.0.1:5432/khlang_bench_reports, dropped afterwards):
1. 120 schools in 11 networks; N view events (5,000,000; --quick 100,000) spread
   over fiscal years 2567–2569, made by generate_series inside PostgreSQL;
2. the first aggregation of everything (full_build_s), then the KPI snapshots;
3. incremental runs as the beat task does them: each run receives one day's
   worth of events (N / 1096) pushed up late by a mirror into an already
   aggregated day of FY 2569, so the run rebuilds that day, its month and its
   fiscal year (aggregate_day_s is the median run, aggregate_day_max_s the worst);
   a run with nothing new is the baseline (idle_run_s);
4. the dashboard (/reports/) and the usage page through Django's test client as
   a supervisor: p50/p95 over many requests.
Last line: one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time

from ._setup import django_on_scratch_database, percentile

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/khlang_bench_reports"
SCHOOLS, NETWORKS, DAYS = 120, 11, 1096  # 1 Oct 2023 – 30 Sep 2026: FY 2567–2569

GENERATE = """
INSERT INTO core_usageevent (event_id, time, service, action, object_type, object_id,
                             user_id, school_id, site, seconds, value, received_at)
SELECT md5('bench' || g)::uuid,
       timestamptz '2023-10-01 00:00+07' + (g * %(span)s / %(n)s) * interval '1 second',
       (ARRAY['media','media','media','media','media','media','elearning','elearning',
              'tutor','exambank'])[1 + (g * 7) %% 10],
       'view', 'media_center.mediaitem', ((g * 13) %% 3000)::text,
       s.idx * 200 + (g * 31) %% 167 + 1,
       s.id,
       CASE WHEN g %% 5 = 0 THEN 'm-' || s.code ELSE 'central' END,
       (g %% 300)::float, NULL,
       -- received as they happen at the area office; a mirror's a day later
       timestamptz '2023-10-01 00:00+07' + (g * %(span)s / %(n)s) * interval '1 second'
         + CASE WHEN g %% 5 = 0 THEN interval '1 day' ELSE interval '2 seconds' END
FROM generate_series(0::bigint, %(n)s - 1) AS g
JOIN (SELECT id, code, (row_number() OVER (ORDER BY id)) - 1 AS idx FROM core_school) s
  ON s.idx = (g * 7919) %% %(schools)s
"""

LATE = """
INSERT INTO core_usageevent (event_id, time, service, action, object_type, object_id,
                             user_id, school_id, site, seconds, value, received_at)
SELECT md5('late' || %(run)s || '-' || g)::uuid,
       %(day)s::timestamptz + (g * 86399 / %(n)s) * interval '1 second',
       'media', 'view', 'media_center.mediaitem', ((g * 17) %% 3000)::text,
       100000 + g, s.id, 'm-' || s.code, 30, NULL, now()
FROM generate_series(0::bigint, %(n)s - 1) AS g
JOIN (SELECT id, code, (row_number() OVER (ORDER BY id)) - 1 AS idx FROM core_school) s
  ON s.idx = g %% %(schools)s
"""


def fresh_database(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')


def drop_database(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def make_schools() -> None:
    from core.models import AreaOffice, School, SchoolNetwork

    area = AreaOffice.objects.create(code="B1", name="สพป.ทดสอบสมรรถนะ")
    networks = SchoolNetwork.objects.bulk_create(
        [SchoolNetwork(area=area, name=f"เครือข่ายที่ {i + 1}") for i in range(NETWORKS)]
    )
    sizes, links = ["small", "small", "medium", "large"], ["fibre", "adsl", "adsl", "satellite"]
    School.objects.bulk_create(
        [
            School(
                code=f"{10000 + i}",
                name=f"โรงเรียนบ้าน {i + 1}",
                network=networks[i % NETWORKS],
                district=f"อำเภอ {i % 6 + 1}",
                size_class=sizes[i % 4],
                link_type=links[i % 4],
            )
            for i in range(SCHOOLS)
        ]  # fmt: skip
    )


def timed(fn, *args) -> float:
    started = time.perf_counter()
    fn(*args)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--events", type=int, default=None)
    args = parser.parse_args()
    events = args.events or (100_000 if args.quick else 5_000_000)
    runs, requests = (3, 40) if args.quick else (7, 300)
    url = os.environ.get("KHLANG_BENCH_DATABASE_URL", DEFAULT_URL)

    fresh_database(url)
    django_on_scratch_database(url)
    try:
        result = run(events, runs, requests)
    finally:
        from django.db import connections

        connections.close_all()
        drop_database(url)
    print(json.dumps(result))


def run(events: int, runs: int, requests: int) -> dict:
    import datetime as dt

    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from core import roles
    from core.models import User
    from reports.aggregation import aggregate_pending
    from reports.kpis import refresh_snapshots

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    print(f"migrate {time.perf_counter() - started:.1f}s")
    make_schools()
    with connection.cursor() as cursor:
        # Loading into a table without its secondary indexes and building them
        # afterwards is several times faster than maintaining them row by row.
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'core_usageevent' "
            "AND indexdef NOT LIKE 'CREATE UNIQUE%%'"
        )
        indexes = cursor.fetchall()
        started = time.perf_counter()
        for name, _ in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
        cursor.execute(GENERATE, {"n": events, "span": DAYS * 86400, "schools": SCHOOLS})
        for _, definition in indexes:
            cursor.execute(definition)
        cursor.execute("ANALYZE core_usageevent")
        generate_s = time.perf_counter() - started
    print(f"generated {events:,} events in {generate_s:.1f}s")

    build_s = timed(aggregate_pending)
    print(f"full build {build_s:.1f}s")
    kpi_s = timed(lambda: [refresh_snapshots(y) for y in (2567, 2568, 2569)])

    idle_s = timed(aggregate_pending)
    per_day = max(1, events // DAYS)
    day_runs: list[float] = []
    for i in range(runs):
        day = dt.date(2025, 10, 15) + dt.timedelta(days=29 * i)  # inside FY 2569
        with connection.cursor() as cursor:
            cursor.execute(
                LATE,
                {"run": i, "day": f"{day.isoformat()} 00:00+07", "n": per_day, "schools": SCHOOLS},
            )
        day_runs.append(timed(aggregate_pending))
        print(f"incremental run {i + 1}: {per_day:,} late events into {day}, {day_runs[-1]:.2f}s")

    supervisor = User.objects.create_user("bench-supervisor")
    roles.ensure_roles()
    roles.assign_role(supervisor, roles.SUPERVISOR)
    client = Client()
    client.force_login(supervisor)
    pages = {"dashboard": "/reports/?fy=2569", "usage": "/reports/usage/?fy=2569"}
    timings: dict[str, list[float]] = {name: [] for name in pages}
    for path in pages.values():  # warm templates and caches
        for _ in range(5):
            assert client.get(path).status_code == 200
    for _ in range(requests):
        for name, path in pages.items():
            begun = time.perf_counter()
            response = client.get(path)
            timings[name].append(time.perf_counter() - begun)
            assert response.status_code == 200

    from reports.models import KpiSnapshot, UsageCell

    visits = KpiSnapshot.objects.get(fiscal_year=2569, code="visits_media").value
    counted = sum(UsageCell.objects.filter(kind="fy").values_list("events", flat=True))
    ms = {name: [t * 1000 for t in values] for name, values in timings.items()}
    return {
        "bench": "reports",
        "events": events,
        "events_counted": counted,
        "schools": SCHOOLS,
        "fiscal_years": 3,
        "dashboard_p95_ms": round(percentile(ms["dashboard"], 95), 1),
        "dashboard_p50_ms": round(percentile(ms["dashboard"], 50), 1),
        "usage_page_p95_ms": round(percentile(ms["usage"], 95), 1),
        "aggregate_day_s": round(statistics.median(day_runs), 3),
        "aggregate_day_max_s": round(max(day_runs), 3),
        "events_per_day": per_day,
        "idle_run_s": round(idle_s, 3),
        "full_build_s": round(build_s, 1),
        "full_build_per_day_s": round(build_s / DAYS, 4),
        "kpi_refresh_s": round(kpi_s, 2),
        "generate_s": round(generate_s, 1),
        "visits_media_fy2569": visits,
        "dashboard_goal_ratio": round(percentile(ms["dashboard"], 95) / 300, 3),
        "aggregate_day_goal_ratio": round(statistics.median(day_runs) / 10, 3),
    }


if __name__ == "__main__":
    main()
