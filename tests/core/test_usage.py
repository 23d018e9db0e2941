import datetime as dt

import pytest

from core.models import School, Service, UsageEvent
from core.usage import event_id_for, record_event


@pytest.mark.django_db
def test_record_event_fills_user_school_and_object(make_user, school):
    user = make_user("nong", school=school)
    event = record_event(service=Service.MEDIA, action="view", obj=school, user=user, seconds=12.5)
    assert (event.object_type, event.object_id) == ("core.school", str(school.pk))
    assert (event.user_id, event.school_id, event.site) == (user.pk, school.pk, "central")


@pytest.mark.django_db
def test_same_key_is_recorded_once():
    when = dt.datetime(2026, 10, 1, tzinfo=dt.UTC)
    first = record_event(
        service=Service.ELEARNING, action="complete", key="mirror-7:progress:42", time=when
    )
    again = record_event(
        service=Service.ELEARNING, action="complete", key="mirror-7:progress:42", time=when
    )
    assert first is not None and again is None
    assert UsageEvent.objects.count() == 1
    assert first.event_id == event_id_for("mirror-7:progress:42")


@pytest.mark.django_db
def test_anonymous_events_have_no_user(school):
    from django.contrib.auth.models import AnonymousUser

    event = record_event(service=Service.SITE, action="view", user=AnonymousUser(), school_id=None)
    assert event.user_id is None and event.school_id is None
    assert School.objects.count() == 1
