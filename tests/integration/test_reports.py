"""The beat task's aggregation run by a real Celery worker on PostgreSQL + Redis."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.conf import settings

from core.models import School, SchoolNetwork, UsageEvent
from reports.models import KpiSnapshot, PeriodKind, UsageCell, UserSet
from reports.periods import BANGKOK

from .conftest import wait_until

pytestmark = pytest.mark.integration


def _event(when, school, user_id, site="central"):
    UsageEvent.objects.create(
        event_id=uuid.uuid4(), time=when, service="media", action="view",
        object_type="media_center.mediaitem", object_id="1", user_id=user_id,
        school_id=school.pk, site=site, seconds=10,
    )  # fmt: skip


def test_beat_entry_names_the_registered_task():
    from khlang.celery import app

    entry = settings.CELERY_BEAT_SCHEDULE["reports-aggregate-usage"]
    app.loader.import_default_modules()
    assert entry["task"] in app.tasks


@pytest.mark.django_db(transaction=True)
def test_worker_aggregates_and_refreshes_kpis(celery_worker_process, area):
    from reports.tasks import aggregate_usage_task

    network = SchoolNetwork.objects.create(area=area, name="เครือข่ายทดสอบ")
    a, b = (
        School.objects.create(
            code=c, name=c, network=network, district="เมือง", size_class="small", link_type="adsl"
        )  # fmt: skip
        for c in ("2001", "2002")
    )
    boundary_before = dt.datetime(2026, 9, 30, 23, 59, 59, tzinfo=BANGKOK)
    boundary_after = dt.datetime(2026, 10, 1, 0, 0, 0, tzinfo=BANGKOK)
    _event(boundary_before, a, 1)
    _event(boundary_after, a, 1)
    _event(boundary_after, b, 2, site="m-2002")
    aggregate_usage_task.delay()
    fy2570 = dt.date(2026, 10, 1)

    def views_2570():
        cells = UsageCell.objects.filter(kind=PeriodKind.FISCAL_YEAR, start=fy2570)
        return sum(c.views for c in cells)

    wait_until(lambda: views_2570() == 2, what="the worker to aggregate FY 2570")
    # A mirror pushes up an event of an aggregated day; the next run counts it once.
    _event(dt.datetime(2026, 10, 1, 9, 0, tzinfo=BANGKOK), b, 3, site="m-2002")
    aggregate_usage_task.delay()
    wait_until(lambda: views_2570() == 3, what="the late event to be aggregated")
    users = UserSet.objects.get(kind=PeriodKind.FISCAL_YEAR, start=fy2570, scope="all", key="")
    assert users.users == 3
    assert (
        sum(c.views for c in UsageCell.objects.filter(kind="fy", start=dt.date(2025, 10, 1))) == 1
    )

    def snapshot():
        snap = KpiSnapshot.objects.filter(fiscal_year=2570, code="visits_media").first()
        return snap if snap and snap.value == 3 else None

    snap = wait_until(snapshot, what="the KPI snapshot of FY 2570")
    assert snap.breakdown == {"central": 1, "m-2002": 2}
    schools = KpiSnapshot.objects.get(fiscal_year=2570, code="schools_using_media")
    assert schools.value == 2
