"""Notifications: who gets what, counts in the header, only one's own, what's due."""

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from core import roles
from notifications import actions
from notifications.due import DueItem, month_grid
from notifications.models import Kind, Notification

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def tasks_run_at_once():
    """E-mails and fan-outs are Celery tasks; here they run in the test's process."""
    from khlang.celery import app

    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = False


def test_notify_once_per_key_counts_in_the_header_and_mails(
    client, demo_site, make_user, django_capture_on_commit_callbacks
):
    student = make_user("n-s", roles.STUDENT, email="s@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        actions.notify([student.pk], Kind.ANNOUNCEMENT, "ประกาศปิดเรียน", dedupe_key="a:1")
        actions.notify([student.pk], Kind.ANNOUNCEMENT, "ประกาศปิดเรียน", dedupe_key="a:1")
    assert Notification.objects.filter(user=student).count() == 1
    assert [m.to for m in mail.outbox] == [["s@example.org"]]
    client.force_login(student)
    html = client.get("/").content.decode()
    assert 'data-nav="notifications"' in html and '<span class="count"' in html
    client.post(reverse("notifications:read_all"))
    assert '<span class="count"' not in client.get("/").content.decode()


def test_a_user_opens_only_their_own_notifications(client, demo_site, make_user):
    owner = make_user("n-owner", roles.STUDENT)
    other = make_user("n-other", roles.STUDENT)
    actions.notify([owner.pk], Kind.GRADED, "<b>คะแนน</b>", url="/lms/my/")
    notice = Notification.objects.get(user=owner)
    client.force_login(other)
    assert client.post(reverse("notifications:open", args=[notice.pk])).status_code == 404
    client.force_login(owner)
    page = client.get(reverse("notifications:list")).content.decode()
    assert "&lt;b&gt;คะแนน&lt;/b&gt;" in page  # what a user wrote is escaped
    response = client.post(reverse("notifications:open", args=[notice.pk]))
    assert response["Location"] == "/lms/my/"
    notice.refresh_from_db()
    assert notice.read_at is not None


def test_an_outside_address_is_never_followed(client, demo_site, make_user):
    owner = make_user("n-away", roles.STUDENT)
    actions.notify([owner.pk], Kind.GRADED, "x", url="https://evil.example/")
    client.force_login(owner)
    notice = Notification.objects.get(user=owner)
    response = client.post(reverse("notifications:open", args=[notice.pk]))
    assert response["Location"] == reverse("notifications:list")


def test_a_school_announcement_reaches_that_school_only(
    demo_site, make_user, school, django_capture_on_commit_callbacks
):
    from notifications.models import Announcement

    inside = make_user("n-in", roles.STUDENT, school=school)
    outside = make_user("n-out", roles.STUDENT)
    with django_capture_on_commit_callbacks(execute=True):
        Announcement.objects.create(title="หยุดเรียนวันศุกร์", school=school)
    assert Notification.objects.filter(user=inside, kind=Kind.ANNOUNCEMENT).count() == 1
    assert not Notification.objects.filter(user=outside).exists()


def test_a_graded_quiz_notifies_the_student(demo_site, make_user):
    from core.signals import quiz_attempt_finished
    from exambank.models import Quiz

    student = make_user("n-graded", roles.STUDENT)
    quiz = Quiz.objects.create(title="แบบทดสอบเศษส่วน")

    class Attempt:
        pk = 991

    quiz_attempt_finished.send(
        sender=None, user=student, quiz=quiz, attempt=Attempt(), score=0.8, passed=True
    )
    notice = Notification.objects.get(user=student)
    assert notice.kind == Kind.GRADED and "80%" in notice.title and "เศษส่วน" in notice.title


def test_month_grid_starts_on_sunday_and_places_items():
    when = timezone.make_aware(dt.datetime(2026, 12, 24, 9, 0))
    weeks = month_grid(2026, 12, [DueItem(when, "สอบ", "Quiz closes", "/q/")], dt.date(2026, 12, 6))
    assert weeks[0][0].date.weekday() == 6  # Sunday
    days = {d.date: d for week in weeks for d in week}
    assert days[dt.date(2026, 12, 24)].items[0].title == "สอบ"
    assert days[dt.date(2026, 12, 6)].is_today


def test_whats_due_shows_buddhist_era_dates(client, demo_site, make_user):
    from exambank.models import Quiz

    student = make_user("n-due", roles.STUDENT)
    closes = timezone.now() + dt.timedelta(days=3)
    Quiz.objects.create(title="ทดสอบก่อนเรียน", close_at=closes)
    client.force_login(student)
    html = client.get(reverse("notifications:due")).content.decode()
    assert "ทดสอบก่อนเรียน" in html
    assert str(timezone.localtime(closes).year + 543) in html
