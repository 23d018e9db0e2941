"""Who sees which record: every role, in and out of scope (out of scope is a 404)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from supervision.policies import (
    observation_policy,
    plan_policy,
    school_summary_policy,
)

pytestmark = pytest.mark.django_db

# person → the records they may read
VISIBLE = {
    "a1": {"shared"},  # the teacher: records about themselves, once shared
    "a2": set(),  # a colleague at the same school: nothing
    "b1": {"other"},
    "director": {"shared"},  # their school's shared records
    "student": set(),
    "s1": {"shared", "draft"},  # their caseload (school A) and what they wrote
    "s2": {"other"},  # wrote it, though no plan names school B
    "admin": {"shared", "draft", "other"},
}


def test_each_role_sees_exactly_its_records(sv):
    records = sv["records"]
    for person, expected in VISIBLE.items():
        user = sv["people"][person]
        seen = set(observation_policy.for_user(user).values_list("pk", flat=True))
        assert seen == {records[name].pk for name in expected}, person


def test_the_detail_page_answers_404_outside_the_scope(sv):
    for person, expected in VISIBLE.items():
        client = Client()
        client.force_login(sv["people"][person])
        for name, record in sv["records"].items():
            status = client.get(reverse("supervision:record", args=[record.pk])).status_code
            assert status == (200 if name in expected else 404), (person, name, status)


def test_a_signed_out_visitor_is_sent_to_log_in(sv, client):
    response = client.get(reverse("supervision:record", args=[sv["records"]["shared"].pk]))
    assert response.status_code == 302 and "login" in response["Location"]


def test_only_the_caseload_supervisor_and_the_area_change_a_record(sv):
    record = sv["records"]["shared"]
    allowed = {
        person
        for person, user in sv["people"].items()
        if observation_policy.user_has_permission_for_instance(user, "change", record)
    }
    assert allowed == {"s1", "admin"}
    client = Client()
    client.force_login(sv["people"]["a1"])
    assert client.get(reverse("supervision:assess", args=[record.pk])).status_code == 404


def test_plans_and_school_summaries_follow_the_same_rules(sv):
    plan, school_a = sv["plan"], sv["schools"]["A"]
    seen_plan = {p for p, u in sv["people"].items() if plan_policy.for_user(u).filter(pk=plan.pk)}
    assert seen_plan == {"s1", "director", "admin"}
    seen_school = {
        p
        for p, u in sv["people"].items()
        if school_summary_policy.for_user(u).filter(pk=school_a.pk)
    }
    assert seen_school == {"s1", "director", "admin"}
    client = Client()
    client.force_login(sv["people"]["s2"])
    assert client.get(reverse("supervision:plan", args=[plan.pk])).status_code == 404
    assert client.get(reverse("supervision:school", args=[school_a.pk])).status_code == 404


def test_reading_a_record_is_in_the_access_log(sv):
    from core.models import AccessLog

    record = sv["records"]["shared"]
    reader = sv["people"]["director"]
    client = Client()
    client.force_login(reader)
    AccessLog.objects.all().delete()
    url = reverse("supervision:record", args=[record.pk])
    assert client.get(url).status_code == 200
    assert client.get(reverse("supervision:pdf", args=[record.pk])).status_code == 200
    rows = list(AccessLog.objects.filter(user_id=reader.pk).values_list("path", "status"))
    assert (url, 200) in rows
    assert (reverse("supervision:pdf", args=[record.pk]), 200) in rows


def test_the_header_offers_supervision_to_staff_and_observed_teachers(sv):
    from supervision.navigation import shows_link

    shown = {p for p, u in sv["people"].items() if shows_link(u)}
    assert shown == {"a1", "b1", "director", "s1", "s2", "admin"}
    client = Client()
    client.force_login(sv["people"]["a1"])
    html = client.get(reverse("supervision:home")).content.decode()
    assert 'data-nav="supervision"' in html and "นิเทศ" in html
