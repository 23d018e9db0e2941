"""Distinct seconds watched: merging the ranges a player reports. Pure.

Seeking back and watching again does not count twice; skipping ahead does not
count what was skipped.
"""

from __future__ import annotations


def merge_ranges(ranges: list[list[float]], duration: float | None = None) -> list[list[float]]:
    cleaned = []
    for pair in ranges:
        try:
            start, end = float(pair[0]), float(pair[1])
        except (TypeError, ValueError, IndexError):
            continue
        start = max(0.0, start)
        if duration:
            end = min(end, duration)
        if end > start:
            cleaned.append([start, end])
    cleaned.sort()
    merged: list[list[float]] = []
    for start, end in cleaned:
        if merged and start <= merged[-1][1] + 0.5:  # half a second of slack between reports
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [[round(s, 2), round(e, 2)] for s, e in merged]


def covered_seconds(ranges: list[list[float]]) -> float:
    return round(sum(end - start for start, end in ranges), 2)
