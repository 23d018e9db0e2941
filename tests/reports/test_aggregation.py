"""Aggregates against a hand-counted week around the 30 Sep / 1 Oct fiscal boundary.

Events (Bangkok time unless said):
  e1 30 Sep 2026 23:59  media view  u1 school A  m1 60 s   -> FY 2569
  e2 30 Sep 2026 17:30 UTC = 1 Oct 00:30 BKK, media view u1 A m1 30 s -> FY 2570
  e3  1 Oct 00:00  media view  u2 A  m2                   -> FY 2570
  e4  1 Oct 10:00  elearning complete u3 school D lesson1
  e5  2 Oct 09:00  media view  u1 A  m1 30 s
  e6  2 Oct 09:05  media view  anonymous, no school, m1
  e7  2 Oct 11:00  media view  u3 D  m2 120 s  from mirror site "m-1004"
FY 2570 by hand: media views 5 (e2 e3 e5 e6 e7); unique users 3 (u1 u2 u3);
school A 3 views, 2 users; m1 3 views 60 s; m2 2 views 120 s.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from reports.aggregation import aggregate_pending
from reports.models import (
    AggregationState,
    ObjectUsage,
    PeriodKind,
    PersonUsage,
    UsageCell,
    UserSet,
)

from .conftest import bkk

FY2569 = dt.date(2025, 10, 1)
FY2570 = dt.date(2026, 10, 1)
OCT = dt.date(2026, 10, 1)


def views(kind, start, **filters) -> int:
    return sum(
        UsageCell.objects.filter(kind=kind, start=start, **filters).values_list("views", flat=True)
    )


def users(kind, start, scope, key="") -> int:
    row = UserSet.objects.filter(kind=kind, start=start, scope=scope, key=key).first()
    return row.users if row else 0


def test_days_split_at_bangkok_midnight(week):
    result = aggregate_pending()
    assert result.days == [dt.date(2026, 9, 30), dt.date(2026, 10, 1), dt.date(2026, 10, 2)]
    assert views(PeriodKind.DAY, dt.date(2026, 9, 30)) == 1
    assert views(PeriodKind.DAY, dt.date(2026, 10, 1)) == 2  # e2 (17:30 UTC) and e3
    assert views(PeriodKind.DAY, dt.date(2026, 10, 2)) == 3


def test_fiscal_years_split_at_30_september(week):
    aggregate_pending()
    assert views(PeriodKind.FISCAL_YEAR, FY2569, service="media") == 1
    assert views(PeriodKind.FISCAL_YEAR, FY2570, service="media") == 5
    assert views(PeriodKind.MONTH, dt.date(2026, 9, 1)) == 1
    assert views(PeriodKind.MONTH, OCT, service="media") == 5
    completions = UsageCell.objects.get(
        kind=PeriodKind.FISCAL_YEAR, start=FY2570, service="elearning"
    )
    assert (completions.completions, completions.views) == (1, 0)


def test_unique_users_are_exact_across_days(week):
    aggregate_pending()
    assert users(PeriodKind.DAY, dt.date(2026, 10, 1), "all") == 3
    assert users(PeriodKind.DAY, dt.date(2026, 10, 2), "all") == 2
    assert users(PeriodKind.MONTH, OCT, "all") == 3  # u1 on both days counts once
    assert users(PeriodKind.FISCAL_YEAR, FY2570, "all") == 3
    assert users(PeriodKind.FISCAL_YEAR, FY2570, "service", "media") == 3
    assert users(PeriodKind.FISCAL_YEAR, FY2570, "service", "elearning") == 1
    assert users(PeriodKind.FISCAL_YEAR, FY2569, "all") == 1
    assert users(PeriodKind.FISCAL_YEAR, FY2570, "school", str(week["a"].pk)) == 2
    assert users(PeriodKind.FISCAL_YEAR, FY2570, "network", str(week["a"].network_id)) == 2
    assert users(PeriodKind.FISCAL_YEAR, FY2570, "site", "m-1004") == 1


def test_per_object_and_per_person(week):
    aggregate_pending()
    m1 = ObjectUsage.objects.get(kind=PeriodKind.FISCAL_YEAR, start=FY2570, object_id="1",
                                 object_type="media_center.mediaitem")  # fmt: skip
    assert (m1.views, m1.seconds) == (3, 60)
    m2 = ObjectUsage.objects.get(kind=PeriodKind.FISCAL_YEAR, start=FY2570, object_id="2")
    assert (m2.views, m2.seconds) == (2, 120)
    u1 = PersonUsage.objects.get(kind=PeriodKind.FISCAL_YEAR, start=FY2570, user_id=week["u1"].pk)
    assert (u1.events, u1.seconds, u1.action) == (2, 60, "view")


def test_mirror_events_arriving_late_are_counted_once(week, schools, make_user, add_event):
    from core.models import UsageEvent

    aggregate_pending()
    # Later runs found nothing new; the raw events are long received.
    UsageEvent.objects.update(received_at=timezone.now() - dt.timedelta(hours=2))
    AggregationState.objects.filter(name="usage").update(
        watermark=timezone.now() - dt.timedelta(hours=1)
    )
    u4 = make_user("u4", school=week["d"])
    add_event(bkk(2026, 10, 1, 8, 0), user=u4, school=week["d"], obj=("media_center.mediaitem", "2"),
              site="m-1004")  # fmt: skip
    result = aggregate_pending()
    assert result.days == [dt.date(2026, 10, 1)]  # only the day the late event belongs to
    assert result.fiscal_year_starts == [FY2570]
    assert views(PeriodKind.FISCAL_YEAR, FY2570, service="media") == 6
    assert users(PeriodKind.FISCAL_YEAR, FY2570, "all") == 4
    assert views(PeriodKind.FISCAL_YEAR, FY2570, school_id=week["d"].pk) == 2
    assert views(PeriodKind.FISCAL_YEAR, FY2569) == 1  # the other year is untouched
    again = aggregate_pending()  # nothing new beyond the overlap: same figures
    assert views(PeriodKind.FISCAL_YEAR, FY2570, service="media") == 6
    assert again.days == [dt.date(2026, 10, 1)]


def test_rerun_is_idempotent(week):
    aggregate_pending()
    first = list(UsageCell.objects.order_by("kind", "start", "service", "site", "school_id")
                 .values_list("kind", "start", "service", "views", "events"))  # fmt: skip
    aggregate_pending()
    aggregate_pending()
    again = list(UsageCell.objects.order_by("kind", "start", "service", "site", "school_id")
                 .values_list("kind", "start", "service", "views", "events"))  # fmt: skip
    assert first == again


def test_touched_days_are_rebuilt_in_short_consecutive_spans():
    from reports.aggregation import day_runs

    d = dt.date(2026, 10, 1)
    days = {d, d + dt.timedelta(1), d + dt.timedelta(2), d + dt.timedelta(5)}
    assert day_runs(days, 31) == [
        (d, d + dt.timedelta(2)),
        (d + dt.timedelta(5), d + dt.timedelta(5)),
    ]
    assert day_runs(days, 2) == [(d, d + dt.timedelta(1)), (d + dt.timedelta(2), d + dt.timedelta(2)),
                                 (d + dt.timedelta(5), d + dt.timedelta(5))]  # fmt: skip
    assert day_runs(set(), 31) == []


def test_command_rebuilds_everything(week):
    import io

    from django.core.management import call_command

    out = io.StringIO()
    call_command("aggregate_usage", stdout=out)
    UsageCell.objects.all().delete()  # as if the tables were damaged
    call_command("aggregate_usage", "--rebuild", stdout=out)
    assert "aggregated 3 days" in out.getvalue()
    assert views(PeriodKind.FISCAL_YEAR, FY2570, service="media") == 5
