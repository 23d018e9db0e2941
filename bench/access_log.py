"""What the Computer Crime Act access log costs a request.

    python -m bench.access_log [--quick]

Serves the demo home page through Django's full middleware stack, in one
process, in three configurations measured in the same run and interleaved so
drift hits them alike:
  off      no access-log middleware (the floor);
  batched  our middleware, rows buffered and bulk-inserted (the default);
  per-row  one INSERT per request (what a naive implementation does).
Prints per-configuration latency and, last, one JSON line with the overheads.
"""

from __future__ import annotations

import argparse
import json
import time

from ._setup import django_on_scratch_database, summary_ms

MIDDLEWARE_PATH = "core.access_log.AccessLogMiddleware"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--requests", type=int, default=None)
    args = parser.parse_args()
    rounds = args.requests or (300 if args.quick else 2000)

    django_on_scratch_database()
    from django.core.management import call_command
    from django.test import Client, override_settings

    from core import access_log
    from core.demo import load_demo
    from core.models import AccessLog

    call_command("migrate", verbosity=0)
    load_demo()
    from django.conf import settings

    without = [m for m in settings.MIDDLEWARE if m != MIDDLEWARE_PATH]
    configs = {
        "off": override_settings(MIDDLEWARE=without),
        "batched": override_settings(KHLANG={**settings.KHLANG, "ACCESS_LOG_BATCH_SIZE": 50}),
        "per_row": override_settings(KHLANG={**settings.KHLANG, "ACCESS_LOG_BATCH_SIZE": 1}),
    }
    timings: dict[str, list[float]] = {name: [] for name in configs}
    # A Client builds its middleware chain on its first request, so each
    # configuration gets its own, made while its settings are in force.
    clients: dict[str, Client] = {}
    for name, override in configs.items():  # warm caches and templates
        with override:
            clients[name] = Client()
            for _ in range(20):
                clients[name].get("/")
    access_log.flush()
    AccessLog.objects.all().delete()

    block = 25  # interleave blocks so background noise hits every configuration
    for _ in range(rounds // block):
        for name, override in configs.items():
            with override:
                for _ in range(block):
                    started = time.perf_counter()
                    response = clients[name].get("/")
                    timings[name].append(time.perf_counter() - started)
                    assert response.status_code == 200
                access_log.flush()

    stats = {name: summary_ms(values) for name, values in timings.items()}
    for name, figures in stats.items():
        print(f"{name:8} {figures}")
    logged = AccessLog.objects.count()
    expected = 2 * len(timings["off"])
    result = {
        "bench": "access_log",
        "requests_per_config": len(timings["off"]),
        "off_mean_ms": stats["off"]["mean_ms"],
        "batched_mean_ms": stats["batched"]["mean_ms"],
        "per_row_mean_ms": stats["per_row"]["mean_ms"],
        "batched_overhead_ratio": round(stats["batched"]["mean_ms"] / stats["off"]["mean_ms"], 3),
        "per_row_overhead_ratio": round(stats["per_row"]["mean_ms"] / stats["off"]["mean_ms"], 3),
        "batched_p95_ratio": round(stats["batched"]["p95_ms"] / stats["off"]["p95_ms"], 3),
        "rows_logged": logged,
        "rows_expected": expected,
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
