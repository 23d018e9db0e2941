"""Classical item analysis, as pure functions over a score matrix.

``scores[s][i]`` is student s's fraction on item i (0..1), or None when the
item was not in that student's attempt (blueprint quizzes). Totals are sums
of the items a student had. Upper and lower groups are the top and bottom 27%
by total (Kelley's groups, the Thai classroom standard): p = proportion right,
r = p(upper) − p(lower). Variances are population variances (divide by N), as
KR-20 and Cronbach's alpha are usually taught.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field

from django.utils.translation import gettext_noop

from core.i18n import bilingual

P_RANGE = (0.2, 0.8)
MIN_DISCRIMINATION = 0.2


def mean(values: list[float]) -> float:
    return sum(values) / len(values) if values else 0.0


def pvariance(values: list[float]) -> float:
    if not values:
        return 0.0
    m = mean(values)
    return sum((v - m) ** 2 for v in values) / len(values)


def pearson(xs: list[float], ys: list[float]) -> float | None:
    if len(xs) < 2:
        return None
    mx, my = mean(xs), mean(ys)
    sxy = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True))
    sxx = sum((x - mx) ** 2 for x in xs)
    syy = sum((y - my) ** 2 for y in ys)
    if sxx == 0 or syy == 0:
        return None
    return sxy / math.sqrt(sxx * syy)


def group_size(n: int, share: float = 0.27) -> int:
    return max(1, int(math.floor(n * share + 0.5))) if n else 0


@dataclass
class ItemStats:
    item: str
    n: int
    p: float
    p_upper: float
    p_lower: float
    r: float
    rest_r: float | None
    distractors: dict = field(default_factory=dict)  # choice → {"upper", "lower", "all"}
    flags: list[str] = field(default_factory=list)


def groups(totals: list[float]) -> tuple[list[int], list[int]]:
    """Indices of the upper and lower 27% by total (ties broken by position, stably)."""
    order = sorted(range(len(totals)), key=lambda s: (-totals[s], s))
    k = group_size(len(totals))
    return order[:k], order[len(order) - k :]


def reliability(scores: list[list[float | None]]) -> dict:
    """KR-20 (all items scored 0/1) and Cronbach's alpha over students who had every item."""
    complete = [row for row in scores if row and all(v is not None for v in row)]
    k = len(scores[0]) if scores else 0
    result = {"students": len(complete), "items": k, "kr20": None, "alpha": None}
    if k < 2 or len(complete) < 2:
        return result
    totals = [sum(row) for row in complete]
    total_var = pvariance(totals)
    if total_var == 0:
        return result
    columns = [[row[i] for row in complete] for i in range(k)]
    item_vars = sum(pvariance(c) for c in columns)
    result["alpha"] = k / (k - 1) * (1 - item_vars / total_var)
    if all(v in (0, 1, 0.0, 1.0) for c in columns for v in c):
        pq = sum(mean(c) * (1 - mean(c)) for c in columns)
        result["kr20"] = k / (k - 1) * (1 - pq / total_var)
    return result


def analyse(
    items: list[str],
    scores: list[list[float | None]],
    choices: list[list[str | None]] | None = None,
    keys: dict[str, set[str]] | None = None,
) -> dict:
    """Item statistics, test reliability and review flags.

    ``choices[s][i]`` is the choice id student s picked on item i (multiple
    choice only) for the distractor table; ``keys[item]`` the right choice ids.
    """
    totals = [sum(v for v in row if v is not None) for row in scores]
    upper, lower = groups(totals)
    out_items = []
    for i, item in enumerate(items):
        takers = [s for s in range(len(scores)) if scores[s][i] is not None]
        values = [scores[s][i] for s in takers]
        up = [scores[s][i] for s in upper if scores[s][i] is not None]
        low = [scores[s][i] for s in lower if scores[s][i] is not None]
        rest = [totals[s] - scores[s][i] for s in takers]
        stats = ItemStats(
            item=item,
            n=len(takers),
            p=mean(values),
            p_upper=mean(up),
            p_lower=mean(low),
            r=mean(up) - mean(low),
            rest_r=pearson(values, rest),
        )
        if choices is not None:
            table: dict[str, dict[str, int]] = {}
            for s in takers:
                picked = choices[s][i]
                for choice in picked if isinstance(picked, list) else [picked]:
                    key = choice if choice is not None else "-"
                    row = table.setdefault(key, {"upper": 0, "lower": 0, "all": 0})
                    row["all"] += 1
                    row["upper"] += s in upper
                    row["lower"] += s in lower
            stats.distractors = table
        stats.flags = flags_for(stats, keys.get(item) if keys else None)
        out_items.append(asdict(stats))
    return {
        "students": len(scores),
        "group_size": group_size(len(scores)),
        "mean_total": mean(totals),
        "reliability": reliability(scores),
        "items": out_items,
    }


def flags_for(stats: ItemStats, key: set[str] | None = None) -> list[str]:
    flags = []
    if stats.p < P_RANGE[0]:
        flags.append("too_hard")
    elif stats.p > P_RANGE[1]:
        flags.append("too_easy")
    if stats.r < MIN_DISCRIMINATION:
        flags.append("low_discrimination")
    if stats.rest_r is not None and stats.rest_r < 0:
        flags.append("negative_item_rest")
    if key is not None and stats.distractors is not None:
        for choice, row in stats.distractors.items():
            if choice in key or choice == "-":
                continue
            if row["upper"] > row["lower"]:
                flags.append(f"distractor_{choice}_attracts_upper")
    return flags


FLAG_LABELS = {
    "too_hard": gettext_noop("too hard"),
    "too_easy": gettext_noop("too easy"),
    "low_discrimination": gettext_noop("low discrimination"),
    "negative_item_rest": gettext_noop("negative item–rest correlation"),
}


def flag_label(flag: str) -> str:
    """A flag as the analysis page shows it: Thai / English, from the catalogue."""
    if flag.startswith("distractor_"):
        choice = flag.split("_")[1]
        return bilingual("distractor %(choice)s draws the upper group", choice=choice)
    return bilingual(FLAG_LABELS[flag]) if flag in FLAG_LABELS else flag
