"""Classroom timetables: what is refused (Thai first, naming the period), who sees
and edits which timetable, and the admin's form."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from core import roles
from live.models import Period, Plays, Timetable, Weekday
from live.policies import classroom_policy, timetable_policy
from live.timetable import overlap_messages, overlapping_periods
from tests.live.timetables import TERM, grade, make_timetable, other_school, ready_item

pytestmark = pytest.mark.django_db


def _p(weekday, starts, ends):
    return SimpleNamespace(
        weekday=weekday,
        starts_at=dt.time.fromisoformat(starts),
        ends_at=dt.time.fromisoformat(ends),
    )


def test_overlapping_periods_of_a_day_are_found_back_to_back_ones_are_not():
    first, touching, clash = (
        _p(0, "09:00", "10:00"),
        _p(0, "10:00", "11:00"),
        _p(0, "10:30", "10:45"),
    )
    other_day = _p(1, "09:30", "10:30")
    assert overlapping_periods([touching, first, other_day]) == []
    assert overlapping_periods([clash, first, touching, other_day]) == [(touching, clash)]
    inside = _p(0, "09:15", "09:45")
    assert overlapping_periods([first, inside]) == [(first, inside)]


def test_the_overlap_message_is_thai_first_and_names_the_day_and_both_periods(settings):
    [message] = overlap_messages([_p(0, "09:00", "10:00"), _p(0, "09:30", "10:30")])
    thai, english = message.split(" / ")
    assert "จันทร์" in thai and "09:00–10:00" in thai and "09:30–10:30" in thai
    assert english == "The Monday period 09:00–10:00 overlaps the period 09:30–10:30."


def test_a_period_must_end_after_it_starts_and_say_what_it_plays(school):
    timetable = make_timetable()
    backwards = Period(
        timetable=timetable, weekday=Weekday.TUESDAY, starts_at=dt.time(10), ends_at=dt.time(9)
    )
    with pytest.raises(ValidationError) as raised:
        backwards.full_clean()
    assert "คาบวันอังคาร 10:00–09:00" in str(raised.value.message_dict["ends_at"])
    recorded = Period(
        timetable=timetable, weekday=Weekday.MONDAY, starts_at=dt.time(9), ends_at=dt.time(10),
        plays=Plays.RECORDED,
    )  # fmt: skip
    with pytest.raises(ValidationError) as raised:
        recorded.full_clean()
    assert "media item or a lesson" in str(raised.value.message_dict["media_item"])
    recorded.media_item = ready_item()
    recorded.full_clean()
    live = Period(
        timetable=timetable, weekday=Weekday.MONDAY, starts_at=dt.time(9), ends_at=dt.time(10)
    )
    live.full_clean()  # a live period may have no fallback: the screen then waits


def test_one_timetable_per_owner_grade_and_day(school):
    area = make_timetable()
    clash = Timetable(
        grade_level=grade(),
        starts_on=TERM[1] - dt.timedelta(days=10),
        ends_on=TERM[1] + dt.timedelta(days=60),
    )
    with pytest.raises(ValidationError) as raised:
        clash.full_clean()
    message = " ".join(raised.value.messages)
    assert message.startswith("เขตพื้นที่") and "ป.4" in message and "2570" in message
    # The school's own, another grade's, or the next term's is fine.
    Timetable(school=school, grade_level=grade(), starts_on=TERM[0], ends_on=TERM[1]).full_clean()
    Timetable(grade_level=grade("ป.5"), starts_on=TERM[0], ends_on=TERM[1]).full_clean()
    later = TERM[1] + dt.timedelta(days=1)
    Timetable(
        grade_level=grade(), starts_on=later, ends_on=later + dt.timedelta(days=90)
    ).full_clean()
    area.full_clean()  # itself is not a clash
    backwards = Timetable(grade_level=grade("ป.6"), starts_on=TERM[1], ends_on=TERM[0])
    with pytest.raises(ValidationError):
        backwards.full_clean()


@pytest.fixture
def people(school, make_user):
    neighbour = other_school(school)
    users = {
        role: make_user(f"u-{role}", role, school=None if role in ("supervisor", "area_admin") else school)
        for role in (roles.STUDENT, roles.TEACHER, roles.SCHOOL_ADMIN, roles.SUPERVISOR, roles.AREA_ADMIN)
    }  # fmt: skip
    timetables = {
        "area": make_timetable(),
        "own": make_timetable(school=school),
        "other": make_timetable(school=neighbour),
    }
    return {"users": users, "timetables": timetables, "neighbour": neighbour}


def test_who_sees_and_changes_which_timetable(people):
    t = people["timetables"]

    def names(role, action):
        found = timetable_policy.for_user(people["users"][role], action)
        return {key for key, timetable in t.items() if timetable in found}

    assert names(roles.STUDENT, "view") == {"area", "own"}
    assert names(roles.SCHOOL_ADMIN, "view") == {"area", "own"}
    assert names(roles.SCHOOL_ADMIN, "change") == {"own"}
    assert names(roles.SUPERVISOR, "view") == {"area", "own", "other"}
    assert names(roles.SUPERVISOR, "change") == set()
    assert names(roles.AREA_ADMIN, "change") == {"area", "own", "other"}
    assert timetable_policy.for_user(None, "view").count() == 0


def test_a_schools_classroom_pages_are_its_own_accounts_and_the_areas(people, school):
    users, neighbour = people["users"], people["neighbour"]
    assert list(classroom_policy.for_user(users[roles.STUDENT], "view")) == [school]
    assert not classroom_policy.for_user(users[roles.STUDENT], "change").exists()
    assert list(classroom_policy.for_user(users[roles.TEACHER], "change")) == [school]
    assert set(classroom_policy.for_user(users[roles.SUPERVISOR], "view")) == {school, neighbour}
    assert not classroom_policy.for_user(users[roles.SUPERVISOR], "change").exists()
    assert set(classroom_policy.for_user(users[roles.AREA_ADMIN], "change")) == {school, neighbour}


def _form(school_id, periods, starts_on=TERM[0], ends_on=TERM[1], level=None) -> dict:
    data = {
        "title": "ภาคเรียนที่ 2/2569",
        "school": school_id or "",
        "grade_level": (level or grade()).pk,
        "starts_on": starts_on.isoformat(),
        "ends_on": ends_on.isoformat(),
        "periods-TOTAL_FORMS": len(periods),
        "periods-INITIAL_FORMS": 0,
        "periods-MIN_NUM_FORMS": 0,
        "periods-MAX_NUM_FORMS": 1000,
    }
    for n, (weekday, starts, ends, plays, item) in enumerate(periods):
        data.update({
            f"periods-{n}-weekday": weekday, f"periods-{n}-starts_at": starts,
            f"periods-{n}-ends_at": ends, f"periods-{n}-plays": plays,
            f"periods-{n}-media_item": item.pk if item else "", f"periods-{n}-lesson": "",
            f"periods-{n}-subject_group": "", f"periods-{n}-title": "",
        })  # fmt: skip
    return data


def test_a_school_admin_makes_their_schools_timetable_and_overlaps_are_refused(people, school):
    client = Client()
    client.force_login(people["users"][roles.SCHOOL_ADMIN])
    add = reverse("wagtailsnippets_live_timetable:add")
    item = ready_item(school=school, visibility="school")
    clash = [
        (0, "09:00", "10:00", "live", None),
        (0, "09:30", "10:30", "recorded", item),
    ]
    response = client.post(add, _form(school.pk, clash, level=grade("ป.6")))
    assert response.status_code == 200
    html = response.content.decode()
    assert "คาบวันจันทร์ 09:00–10:00 ซ้อนกับคาบ 09:30–10:30" in html
    assert not Timetable.objects.filter(grade_level=grade("ป.6")).exists()
    # Another school is not offered: the form refuses it.
    response = client.post(add, _form(people["neighbour"].pk, clash[:1], level=grade("ป.6")))
    assert (
        response.status_code == 200
        and not Timetable.objects.filter(grade_level=grade("ป.6")).exists()
    )
    fine = [clash[0], (0, "10:00", "11:00", "recorded", item)]
    response = client.post(add, _form(school.pk, fine, level=grade("ป.6")))
    assert response.status_code == 302, response.content.decode()[:2000]
    made = Timetable.objects.get(grade_level=grade("ป.6"))
    assert made.school == school and made.periods.count() == 2
    # The area's timetable is the school admin's to read, not to edit.
    area = people["timetables"]["area"]
    assert (
        client.get(reverse("wagtailsnippets_live_timetable:edit", args=[area.pk])).status_code
        == 404
    )
    listing = client.get(reverse("wagtailsnippets_live_timetable:list")).content.decode()
    assert "โรงเรียนบ้านอื่น" not in listing


def test_teachers_read_timetables_and_do_not_edit_them(people, school):
    client = Client()
    client.force_login(people["users"][roles.TEACHER])
    own = people["timetables"]["own"]
    assert client.get(reverse("wagtailsnippets_live_timetable:list")).status_code == 200
    response = client.post(reverse("wagtailsnippets_live_timetable:add"), _form(school.pk, []))
    assert response.status_code in (302, 403) and Timetable.objects.count() == 3
    edit = client.get(reverse("wagtailsnippets_live_timetable:edit", args=[own.pk]))
    assert edit.status_code in (302, 403)


def test_an_area_admin_makes_the_areas_timetable(people):
    client = Client()
    client.force_login(people["users"][roles.AREA_ADMIN])
    later = TERM[1] + dt.timedelta(days=1)
    data = _form(None, [(4, "13:00", "14:00", "live", None)], later, later + dt.timedelta(days=90))
    response = client.post(reverse("wagtailsnippets_live_timetable:add"), data)
    assert response.status_code == 302
    made = Timetable.objects.get(starts_on=later)
    assert made.school is None and made.periods.get().weekday == Weekday.FRIDAY
