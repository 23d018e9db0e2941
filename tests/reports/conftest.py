"""Fixtures for the reports: a small area with hand-countable usage."""

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

    def add(when, service="media", action="view", *, user=None, school=None, obj=("media_center.mediaitem", "1"),
            seconds=0.0, site="central", value=None):
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
