"""Shared set-up for benchmarks: a throwaway var/ and Django configured on it."""

from __future__ import annotations

import os
import statistics
import tempfile


def django_on_scratch_database(database_url: str | None = None) -> str:
    """Point settings at a fresh var/ (and optionally a database URL), then set Django up."""
    var_dir = tempfile.mkdtemp(prefix="khlang-bench-")
    os.environ["KHLANG_VAR_DIR"] = var_dir
    os.environ.setdefault("KHLANG_ENV", "test")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "khlang.settings")
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    import django

    django.setup()
    return var_dir


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    index = min(len(ordered) - 1, max(0, round(pct / 100 * (len(ordered) - 1))))
    return ordered[index]


def summary_ms(seconds: list[float]) -> dict[str, float]:
    ms = [s * 1000 for s in seconds]
    return {
        "mean_ms": round(statistics.fmean(ms), 3),
        "p50_ms": round(percentile(ms, 50), 3),
        "p95_ms": round(percentile(ms, 95), 3),
        "p99_ms": round(percentile(ms, 99), 3),
    }
