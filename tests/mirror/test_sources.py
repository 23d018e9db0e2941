"""Sources applied on the same database they were read from must change nothing,
and a user's password hash must let them log in."""

import pytest
from django.contrib.auth import authenticate

from core.models import GradeLevel, Indicator, LearningStandard, SubjectGroup, User
from mirror.sources import get_source, get_sources
from mirror.store import FileStore

pytestmark = pytest.mark.django_db


def test_every_core_source_round_trips(school, make_user, mirror_conf):
    standard = LearningStandard.objects.create(
        subject_group=SubjectGroup.objects.get(code="ค"), code="ค 1.1", description="จำนวน"
    )
    indicator = Indicator.objects.create(standard=standard, code="ค 1.1 ป.5/1", description="บวก")
    indicator.grade_levels.set(GradeLevel.objects.filter(code="ป.5"))
    make_user("s1", password="secret-123", school=school)
    store = FileStore()
    before = {}
    for source in get_sources():
        if source.name.startswith("core."):
            before[source.name] = [(r.key, r.payload) for r in source.records()]
            for record in source.records():
                source.apply(record.key, record.payload, [], store)
    for name, records in before.items():
        assert [(r.key, r.payload) for r in get_source(name).records()] == records, name
    indicator_record = next(r for r in get_source("core.indicator").records())
    assert indicator_record.scope == {"subjects": ["ค"], "grades": ["ป.5"]}


def test_a_synced_user_logs_in_with_the_same_password(school, make_user, mirror_conf):
    make_user("s1", role="student", password="secret-123", school=school)
    source = get_source("core.user")
    record = next(r for r in source.records() if r.key == "s1")
    assert record.scope == {"schools": [school.code]}
    User.objects.filter(username="s1").delete()
    source.apply("s1", record.payload, [], FileStore())
    user = authenticate(username="s1", password="secret-123")
    assert user is not None and user.school == school and user.groups.count() == 1
    source.delete("s1")
    assert authenticate(username="s1", password="secret-123") is None


def test_pages_name_their_parent_and_the_site_root(demo_site, mirror_conf):
    records = list(get_source("wagtail.page").records())
    root = next(r for r in records if r.payload["site_root"])
    assert root.payload["parent"] is None and root.payload["depth"] == 0
    children = [r for r in records if r.payload["parent"] == root.key]
    assert len(children) >= 3
    assert all("owner" not in r.payload["data"] for r in records)
