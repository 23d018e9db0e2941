"""Timetables and screen links down to school mirrors: the right school gets
them, the key itself never leaves central, and a mirror rebuilds the same rows."""

from __future__ import annotations

import datetime as dt

import pytest

from live import screens
from live.models import Period, Plays, ScreenLink, Timetable, Weekday
from mirror.sources import get_source
from mirror.store import FileStore
from tests.live.timetables import MONDAY, at, grade, make_timetable, other_school, ready_item

pytestmark = pytest.mark.django_db
NAMES = ["live.timetable", "live.screen_link"]


@pytest.fixture
def central(school):
    neighbour = other_school(school)
    item = ready_item("ทบทวน")
    return {
        "area": make_timetable(
            periods=[(Weekday.MONDAY, "09:00", "10:00", Plays.LIVE, item, "ค")], title="เขต"
        ),
        "own": make_timetable(
            school=school,
            periods=[(Weekday.TUESDAY, "13:00", "14:00", Plays.RECORDED, item, None)],
            title="ของเรา",
        ),
        "other": make_timetable(school=neighbour, title="ของเขา"),
        "link": screens.make_link(school),
        "neighbour_link": screens.make_link(neighbour),
        "item": item,
        "neighbour": neighbour,
    }


def test_a_mirror_gets_its_schools_timetables_the_areas_and_only_its_key_digest(
    central, school, registered
):
    from mirror.feed import feed_page, refresh_feed

    refresh_feed()
    entries = [e for e in feed_page(registered, 0, limit=10_000)["entries"] if e["source"] in NAMES]
    timetables = {e["payload"]["title"] for e in entries if e["source"] == "live.timetable"}
    assert timetables == {"เขต", "ของเรา"}
    [link] = [e for e in entries if e["source"] == "live.screen_link"]
    assert link["key"] == school.code
    assert link["payload"]["key_digest"] == screens.digest(central["link"].key)
    assert central["link"].key not in str(entries)  # the key itself stays on central
    assert central["neighbour_link"].key_digest not in str(entries)


def test_a_mirror_rebuilds_the_same_timetables_and_the_screen_opens_there(
    central, school, mirror_conf
):
    before = {n: [(r.key, r.payload, r.scope) for r in get_source(n).records()] for n in NAMES}
    key = central["link"].key
    # This database now plays a mirror starting empty (accounts and items arrive by
    # their own sources).
    Period.objects.all().delete()
    Timetable.objects.all().delete()
    ScreenLink.objects.all().delete()
    store = FileStore()
    for name in NAMES:
        get_source(name).apply_batch(
            [{"key": k, "payload": p, "files": []} for k, p, _ in before[name]], store
        )
    link = ScreenLink.objects.get(school=school)
    assert link.key == "" and screens.account_for_key(school, key) == link.account
    after = {n: [(r.key, r.payload, r.scope) for r in get_source(n).records()] for n in NAMES}
    assert after["live.timetable"] == before["live.timetable"]
    assert [k for k, _, _ in after["live.screen_link"]] == [
        k for k, _, _ in before["live.screen_link"]
    ]
    from live.timetable import FALLBACK, LESSON, now_playing

    # The school follows its own timetable, a school without one the area's.
    tuesday = now_playing(school, grade(), at(MONDAY + dt.timedelta(days=1), "13:30"))
    assert (tuesday.kind, tuesday.item) == (LESSON, central["item"])
    third = other_school(school, "1000000009")
    monday = now_playing(third, grade(), at(MONDAY, "09:30"))
    assert (monday.kind, monday.item) == (FALLBACK, central["item"])
    # Applying again changes nothing; a deletion removes the timetable and its periods.
    get_source("live.timetable").apply_batch(
        [{"key": k, "payload": p, "files": []} for k, p, _ in before["live.timetable"]], store
    )
    assert Period.objects.count() == 2
    get_source("live.timetable").delete(str(central["own"].uuid))
    assert not Timetable.objects.filter(uuid=central["own"].uuid).exists()
    assert Period.objects.count() == 1
