"""The classroom screen's pages: what ``now`` answers, the screen link's key and
the session it opens, the school's page and the printed week."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from core import roles
from live import screens
from live.classroom import screen_state
from live.models import Plays, ScreenLink, Weekday
from tests.live.timetables import (
    MONDAY,
    at,
    grade,
    live_session,
    make_timetable,
    other_school,
    ready_item,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(school, make_user):
    recorded = ready_item("ทบทวนเศษส่วน")
    own_only = ready_item("ของโรงเรียนอื่น", school=other_school(school), visibility="school")
    make_timetable(
        periods=[
            (Weekday.MONDAY, "09:00", "10:00", Plays.LIVE, recorded, "ค"),
            (Weekday.MONDAY, "10:00", "11:00", Plays.RECORDED, recorded, "ค"),
            (Weekday.MONDAY, "11:00", "12:00", Plays.RECORDED, own_only, "ว"),
        ]
    )
    student = make_user("nakrian", roles.STUDENT, school=school)
    teacher = make_user("kru", roles.TEACHER, school=school)
    return {"item": recorded, "student": student, "teacher": teacher, "school": school}


class _Request:
    def __init__(self, user):
        self.user = user


def test_the_state_says_what_plays_with_signed_urls_and_the_next_period(setup, school):
    state = screen_state(_Request(setup["student"]), school, grade(), at(MONDAY, "10:15"))
    assert state["kind"] == "lesson"
    assert state["period"]["label"] == "คณิตศาสตร์" and state["period"]["time"] == "10:00–11:00"
    assert state["period"]["day"] == "จันทร์"
    item = state["item"]
    assert item["id"] == setup["item"].pk and "/media-center/files/" in item["hls"]
    assert item["offset"] == 15 * 60 and item["aspect"] == "640 / 360"
    assert state["next"]["time"] == "11:00–12:00" and state["until"] == "11:00"
    assert state["session"] is None


def test_an_item_the_school_may_not_see_is_not_played(setup, school):
    state = screen_state(_Request(setup["student"]), school, grade(), at(MONDAY, "11:15"))
    assert state["kind"] == "nothing" and state["item"] is None and state["until"] == "12:00"


def test_a_live_period_names_the_sessions_state_and_stream_urls(setup, school):
    session = live_session(state="live")
    state = screen_state(_Request(setup["student"]), school, grade(), at(MONDAY, "09:05"))
    assert state["kind"] == "live"
    assert state["session"] == {
        "id": session.pk,
        "title": session.title,
        "state_url": f"/live/{session.pk}/state/",
        "hls": f"/live/{session.pk}/hls/index.m3u8",
    }
    assert state["item"]["id"] == setup["item"].pk  # played while the stream is not there
    # Without a session the period falls back to its item, and says so.
    session.delete()
    assert (
        screen_state(_Request(setup["student"]), school, grade(), at(MONDAY, "09:05"))["kind"]
        == "fallback"
    )


def test_now_answers_the_schools_accounts_only(setup, school, make_user):
    url = reverse("live:classroom_now", args=[school.code, "p4"])
    client = Client()
    assert client.get(url).status_code == 404  # a visitor
    client.force_login(setup["student"])
    state = client.get(url).json()
    assert {"kind", "key", "now_ms", "period", "next", "item", "session"} <= set(state)
    stranger = make_user("other-student", roles.STUDENT, school=other_school(school, "1000000003"))
    client.force_login(stranger)
    assert client.get(url).status_code == 404
    assert client.get(reverse("live:classroom_screen", args=[school.code, "p4"])).status_code == 404


def test_the_screen_link_signs_the_tv_in_and_keeps_it_on_the_screen(setup, school):
    link = screens.make_link(school)
    screen_url = reverse("live:classroom_screen", args=[school.code, "p4"])
    tv = Client()
    page = tv.get(screen_url)
    assert page.status_code == 302 and "login" in page["Location"]  # no key: sign in
    assert tv.get(screen_url, {"key": "guess"}).status_code == 404
    page = tv.get(screen_url, {"key": link.key})
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="screen-state"' in html and "เปิดเสียง" in html and "โรงเรียนบ้านทดสอบ" in html
    assert tv.get(reverse("live:classroom_now", args=[school.code, "p4"])).status_code == 200
    session = live_session(state="scheduled")
    assert tv.get(reverse("live:state", args=[session.pk])).json()["state"] == "scheduled"
    # The rest of the site is not the screen's.
    assert tv.get(reverse("media_center:browse")).status_code == 404
    assert tv.get(reverse("live:list")).status_code == 404
    assert tv.get(reverse("live:classroom", args=[school.code])).status_code == 404
    # A new key ends the sessions opened with the old one.
    screens.make_link(school)
    assert tv.get(reverse("live:classroom_now", args=[school.code, "p4"])).status_code == 404
    assert tv.get(screen_url, {"key": link.key}).status_code == 404


def test_one_schools_key_opens_no_other_schools_screen(setup, school):
    neighbour = other_school(school, "1000000004")
    link = screens.make_link(school)
    screens.make_link(neighbour)
    tv = Client()
    other_url = reverse("live:classroom_screen", args=[neighbour.code, "p4"])
    assert tv.get(other_url, {"key": link.key}).status_code == 404
    tv.get(reverse("live:classroom_screen", args=[school.code, "p4"]), {"key": link.key})
    assert tv.get(reverse("live:classroom_now", args=[neighbour.code, "p4"])).status_code == 404


def test_a_signed_in_member_keeps_their_own_session_on_the_screen(setup, school):
    link = screens.make_link(school)
    client = Client()
    client.force_login(setup["teacher"])
    client.get(reverse("live:classroom_screen", args=[school.code, "p4"]), {"key": link.key})
    assert client.get(reverse("live:list")).status_code == 200  # still the teacher


def test_the_school_page_gives_staff_the_tvs_address(setup, school):
    page_url = reverse("live:classroom", args=[school.code])
    client = Client()
    client.force_login(setup["student"])
    html = client.get(page_url).content.decode()
    assert reverse("live:classroom_screen", args=[school.code, "p4"]) in html
    assert "?key=" not in html
    assert client.post(reverse("live:classroom_new_link", args=[school.code])).status_code == 404
    client.force_login(setup["teacher"])
    response = client.post(reverse("live:classroom_new_link", args=[school.code]))
    assert response.status_code == 302
    link = ScreenLink.objects.get(school=school)
    assert link.account.school == school and not link.account.has_usable_password()
    assert not link.account.groups.exists()  # no role: what a student of the school sees
    assert f"/classroom/{school.code}/p4/?key={link.key}" in client.get(page_url).content.decode()


def test_the_printed_week_is_a_grid_of_days_and_periods_in_be_dates(setup, school):
    client = Client()
    client.force_login(setup["student"])
    url = reverse("live:classroom_week", args=[school.code, "p4"])
    html = client.get(url, {"on": MONDAY.isoformat()}).content.decode()
    assert 'class="week-grid"' in html
    for day in ("จันทร์", "อังคาร", "พุธ", "พฤหัสบดี", "ศุกร์"):
        assert day in html
    assert "09:00–10:00" in html and "คณิตศาสตร์" in html and "2569" in html
    assert "ถ่ายทอดสด" in html
    empty = client.get(url, {"on": (MONDAY + dt.timedelta(days=400)).isoformat()})
    assert "week-grid" not in empty.content.decode()
