"""Watch time, resume position, visibility and statistics."""

import pytest
from django.urls import reverse

from core.models import UsageEvent
from core.signals import media_watch_progress
from media_center import stats
from media_center.access import can_view, visible_items
from media_center.models import MediaItem, Status, Visibility
from media_center.watch import covered_seconds, merge_ranges


def test_merge_ranges_counts_each_second_once():
    ranges = merge_ranges([[0, 10], [5, 12], [30, 40], [11.8, 15], [-3, 1], [50, 49]], duration=35)
    assert ranges == [[0, 15], [30, 35]]
    assert covered_seconds(ranges) == 20


@pytest.fixture
def item(school, teacher):
    return MediaItem.objects.create(
        title="น้ำ", type="video", licence="cc-by", copyright_holder="สพป.", duration=100,
        owner_school=school, visibility=Visibility.SCHOOL, status=Status.READY,
        uploaded_by_user=teacher,
    )  # fmt: skip


def test_visibility_rules(item, make_user, school):
    from django.contrib.auth.models import AnonymousUser

    classmate = make_user("s1", role="student", school=school)
    outsider = make_user("s2", role="student")
    assert can_view(classmate, item) and not can_view(outsider, item)
    assert not can_view(AnonymousUser(), item)
    assert list(visible_items(classmate)) == [item] and not visible_items(outsider).exists()
    item.visibility = Visibility.PRIVATE
    item.save()
    assert not can_view(classmate, item) and can_view(item.uploaded_by_user, item)
    item.visibility = Visibility.PUBLIC
    item.save()
    assert can_view(AnonymousUser(), item)


def test_watch_reports_distinct_seconds_resume_and_signal(client, item, make_user, school):
    student = make_user("s1", role="student", school=school)
    client.force_login(student)
    received = []
    handler = lambda **kw: received.append(kw)  # noqa: E731
    media_watch_progress.connect(handler)
    try:
        url = reverse("media_center:watch", args=[item.pk])
        first = client.post(
            url, {"position": 20, "ranges": [[0, 20]], "seq": 1}, content_type="application/json"
        )
        assert first.json() == {"seconds_watched": 20.0, "gained": 20.0}
        # Seeking back over what was seen adds nothing; the same report twice neither.
        again = client.post(
            url, {"position": 15, "ranges": [[5, 15]], "seq": 2}, content_type="application/json"
        )
        assert again.json()["gained"] == 0
        later = client.post(
            url, {"position": 60, "ranges": [[50, 60]], "seq": 3}, content_type="application/json"
        )
        assert later.json()["seconds_watched"] == 30.0
    finally:
        media_watch_progress.disconnect(handler)
    assert [r["seconds_watched"] for r in received] == [20.0, 30.0]
    assert received[0]["media_item"] == item and received[0]["duration"] == 100
    events = UsageEvent.objects.filter(action="watch")
    assert sorted(e.seconds for e in events) == [10.0, 20.0]
    assert {e.school_id for e in events} == {school.pk}
    page = client.get(reverse("media_center:detail", args=[item.pk]))
    assert page.context["resume"] == 60
    assert client.post(url, "nonsense", content_type="application/json").status_code == 400


def test_anonymous_watch_of_public_item(client, item):
    item.visibility = Visibility.PUBLIC
    item.save()
    url = reverse("media_center:watch", args=[item.pk])
    client.get(reverse("media_center:detail", args=[item.pk]))
    response = client.post(
        url, {"position": 5, "ranges": [[0, 5]], "seq": 1}, content_type="application/json"
    )
    assert response.json()["gained"] == 5


def test_stats_per_item_school_day(client, item, teacher):
    client.force_login(teacher)
    client.get(reverse("media_center:detail", args=[item.pk]))
    client.post(
        reverse("media_center:watch", args=[item.pk]),
        {"position": 9, "ranges": [[0, 9]], "seq": 1},
        content_type="application/json",
    )
    days = client.get(reverse("media_center:stats", args=[item.pk])).json()["days"]
    assert len(days) == 1 and days[0]["views"] == 1 and days[0]["watch_seconds"] == 9
    rows = stats.by_item_school_day()
    assert rows[0]["object_id"] == str(item.pk) and rows[0]["school_id"] == teacher.school_id


def test_browse_filters_and_pages(client, item, settings, teacher):
    from core.models import GradeLevel, SubjectGroup

    settings.MEDIA_CENTER = {**settings.MEDIA_CENTER, "PAGE_SIZE": 1}
    item.visibility = Visibility.PUBLIC
    item.save()
    subject = SubjectGroup.objects.get(code="ค")
    item.subject_groups.add(subject)
    item.grade_levels.add(GradeLevel.objects.first())
    MediaItem.objects.create(
        title="อื่น", type="audio", licence="cc0", copyright_holder="x", status=Status.READY
    )
    page = client.get(reverse("media_center:browse"), {"subject": "ค"})
    assert [i.pk for i in page.context["page_obj"]] == [item.pk]
    both = client.get(reverse("media_center:browse"))
    assert both.context["page_obj"].paginator.num_pages == 2
    assert (
        client.get(reverse("media_center:browse"), {"type": "audio"}).context["page_obj"][0].title
        == "อื่น"
    )
