"""Fixtures for the reports: a small area with hand-countable usage.

``week``: see tests/reports/test_aggregation.py for the events and hand counts.
"""

from __future__ import annotations

import datetime as dt
import uuid

import pytest

from reports.periods import BANGKOK


def bkk(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=BANGKOK)


@pytest.fixture
def add_event(db):
    from core.models import UsageEvent

    def add(
        when,
        service="media",
        action="view",
        *,
        user=None,
        school=None,
        obj=("media_center.mediaitem", "1"),
        seconds=0.0,
        site="central",
        value=None,
    ):
        return UsageEvent.objects.create(
            event_id=uuid.uuid4(), time=when, service=service, action=action,
            object_type=obj[0] if obj else "", object_id=obj[1] if obj else "",
            user_id=getattr(user, "pk", user), school_id=getattr(school, "pk", school),
            site=site, seconds=seconds, value=value,
        )  # fmt: skip

    return add


@pytest.fixture
def schools(area):
    """Five schools in two networks, two districts, mixed sizes and links."""
    from core.models import School, SchoolNetwork

    north = SchoolNetwork.objects.create(area=area, name="เครือข่ายเหนือ")
    south = SchoolNetwork.objects.create(area=area, name="เครือข่ายใต้")
    spec = [
        ("1001", "บ้านหนึ่ง", north, "เมือง", "small", "satellite"),
        ("1002", "บ้านสอง", north, "เมือง", "small", "adsl"),
        ("1003", "บ้านสาม", north, "ดอย", "medium", "fibre"),
        ("1004", "บ้านสี่", south, "ดอย", "small", "satellite"),
        ("1005", "บ้านห้า", south, "ดอย", "large", "fibre"),
    ]
    return [
        School.objects.create(code=c, name=n, network=net, district=d, size_class=s, link_type=lk)
        for c, n, net, d, s, lk in spec
    ]


@pytest.fixture
def clean_registry():
    """Counters and resolvers a test registers are removed afterwards."""
    from reports import registry

    counters = dict(registry._counters)
    dims = dict(registry._dimensions)
    members = list(registry._class_members)
    yield registry
    registry._counters.clear()
    registry._counters.update(counters)
    registry._dimensions.clear()
    registry._dimensions.update(dims)
    registry._class_members[:] = members


@pytest.fixture
def week(schools, make_user, add_event):
    a, d = schools[0], schools[3]
    u1 = make_user("u1", school=a)
    u2 = make_user("u2", school=a)
    u3 = make_user("u3", school=d)
    m1, m2 = ("media_center.mediaitem", "1"), ("media_center.mediaitem", "2")
    add_event(bkk(2026, 9, 30, 23, 59), user=u1, school=a, obj=m1, seconds=60)
    add_event(
        dt.datetime(2026, 9, 30, 17, 30, tzinfo=dt.UTC), user=u1, school=a, obj=m1, seconds=30
    )
    add_event(bkk(2026, 10, 1, 0, 0), user=u2, school=a, obj=m2)
    add_event(
        bkk(2026, 10, 1, 10, 0), "elearning", "complete", user=u3, school=d, obj=("lms.lesson", "1")
    )
    add_event(bkk(2026, 10, 2, 9, 0), user=u1, school=a, obj=m1, seconds=30)
    add_event(bkk(2026, 10, 2, 9, 5), obj=m1)
    add_event(bkk(2026, 10, 2, 11, 0), user=u3, school=d, obj=m2, seconds=120, site="m-1004")
    return {"a": a, "d": d, "u1": u1, "u2": u2, "u3": u3}
