"""Adoption against hand counts: 5 schools, A and D active in FY 2570 (B, C, E not)."""

from __future__ import annotations

import datetime as dt

from django.utils import translation

from reports.adoption import adoption
from reports.aggregation import aggregate_pending
from reports.models import PeriodKind

from .conftest import bkk

FY2570 = dt.date(2026, 10, 1)


def shares(groups):
    return {g.label: (len(g.schools), len(g.active), g.share) for g in groups}


def test_adoption_per_network(week):
    aggregate_pending()
    groups = adoption(PeriodKind.FISCAL_YEAR, FY2570, "network")
    assert shares(groups) == {"เครือข่ายเหนือ": (3, 1, 33.3), "เครือข่ายใต้": (2, 1, 50.0)}
    inactive = {g.label: [s["code"] for s in g.inactive] for g in groups}
    assert inactive == {"เครือข่ายเหนือ": ["1002", "1003"], "เครือข่ายใต้": ["1005"]}


def test_adoption_per_district_size_and_link(week):
    aggregate_pending()
    assert shares(adoption(PeriodKind.FISCAL_YEAR, FY2570, "district")) == {
        "เมือง": (2, 1, 50.0),
        "ดอย": (3, 1, 33.3),
    }
    by_size = shares(adoption(PeriodKind.FISCAL_YEAR, FY2570, "size"))
    assert by_size["เล็ก (≤ 120)"] == (3, 2, 66.7)
    by_link = shares(adoption(PeriodKind.FISCAL_YEAR, FY2570, "link"))
    assert by_link["ดาวเทียม"] == (2, 2, 100.0)
    assert by_link["ไฟเบอร์"] == (2, 0, 0.0)
    # Group labels come from the catalogue: the English switch shows English.
    with translation.override("en"):
        assert shares(adoption(PeriodKind.FISCAL_YEAR, FY2570, "link"))["Satellite"] == (
            2,
            2,
            100.0,
        )


def test_adoption_per_service_and_month(week, add_event, schools):
    add_event(
        bkk(2026, 11, 3, 9, 0), "exambank", "attempt", school=schools[4], obj=("exambank.quiz", "9")
    )
    aggregate_pending()
    media = shares(adoption(PeriodKind.FISCAL_YEAR, FY2570, "network", "media"))
    assert media["เครือข่ายใต้"] == (2, 1, 50.0)  # E used only the exam bank
    november = shares(adoption(PeriodKind.MONTH, dt.date(2026, 11, 1), "network"))
    assert november == {"เครือข่ายเหนือ": (3, 0, 0.0), "เครือข่ายใต้": (2, 1, 50.0)}
    # the previous fiscal year: only A (30 Sep 23:59)
    fy2569 = shares(adoption(PeriodKind.FISCAL_YEAR, dt.date(2025, 10, 1), "network"))
    assert fy2569 == {"เครือข่ายเหนือ": (3, 1, 33.3), "เครือข่ายใต้": (2, 0, 0.0)}
