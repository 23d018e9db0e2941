from __future__ import annotations

from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mass_mail
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Kind

REMIND_AHEAD = timedelta(hours=24)


@shared_task
def send_emails_task(user_ids: list[int], title: str, url: str, body: str) -> int:
    """E-mail the people who have an address (the console backend in the embedded default)."""
    users = get_user_model().objects.filter(pk__in=user_ids, is_active=True).exclude(email="")
    base = settings.WAGTAILADMIN_BASE_URL.rstrip("/")
    text = "\n\n".join(part for part in (body, base + url if url else "") if part)
    messages = [(title, text, None, [user.email]) for user in users.only("email")]
    return send_mass_mail(messages, fail_silently=True) if messages else 0


@shared_task
def fan_out_announcement_task(announcement_id: int) -> int:
    from django.urls import reverse

    from .actions import notify
    from .models import Announcement

    announcement = Announcement.objects.filter(pk=announcement_id).first()
    if announcement is None:
        return 0
    people = get_user_model().objects.filter(is_active=True)
    if announcement.school_id:
        people = people.filter(school_id=announcement.school_id)
    return notify(
        people.values_list("pk", flat=True),
        Kind.ANNOUNCEMENT,
        announcement.title,
        url=reverse("notifications:list"),
        body=announcement.body,
        dedupe_key=f"announcement:{announcement.pk}",
    )


@shared_task
def quiz_reminders_task() -> int:
    """Tell students of a quiz's school (or the area's) it opens or closes within a day."""
    from django.db.models import Q
    from django.urls import reverse

    from core import roles
    from core.thaidate import thai_datetime
    from exambank.models import Quiz

    from .actions import in_site_language, notify

    now = timezone.now()
    soon = now + REMIND_AHEAD
    sent = 0
    students = get_user_model().objects.filter(
        is_active=True, groups__name=roles.ROLE_GROUP_NAMES[roles.STUDENT]
    )
    quizzes = Quiz.objects.filter(
        Q(open_at__gt=now, open_at__lte=soon) | Q(close_at__gt=now, close_at__lte=soon)
    )
    for quiz in quizzes:
        audience = students if quiz.school_id is None else students.filter(school_id=quiz.school_id)
        ids = list(audience.values_list("pk", flat=True))
        url = reverse("exambank:quiz", args=[quiz.pk])
        with in_site_language():
            if quiz.open_at and now < quiz.open_at <= soon:
                title = _("Quiz “%(quiz)s” opens %(when)s") % {
                    "quiz": quiz.title,
                    "when": thai_datetime(quiz.open_at),
                }
                sent += notify(
                    ids, Kind.QUIZ_OPENING, title, url, dedupe_key=f"quiz-open:{quiz.pk}"
                )
            if quiz.close_at and now < quiz.close_at <= soon:
                finished = set(
                    quiz.attempts.exclude(state="in_progress").values_list("user_id", flat=True)
                )
                title = _("Quiz “%(quiz)s” closes %(when)s") % {
                    "quiz": quiz.title,
                    "when": thai_datetime(quiz.close_at),
                }
                sent += notify(
                    [pk for pk in ids if pk not in finished],
                    Kind.QUIZ_CLOSING,
                    title,
                    url,
                    dedupe_key=f"quiz-close:{quiz.pk}",
                )
    return sent


@shared_task
def new_lesson_task(lesson_id: int) -> int:
    """A lesson went live for the first time: tell the students enrolled in its course."""
    from lms.models import CoursePage, Enrolment, LessonPage

    from .actions import in_site_language, notify

    lesson = LessonPage.objects.live().filter(pk=lesson_id).first()
    if lesson is None:
        return 0
    course = CoursePage.objects.ancestor_of(lesson).first()
    if course is None:
        return 0
    ids = Enrolment.objects.filter(course=course, status=Enrolment.Status.ACTIVE).values_list(
        "user_id", flat=True
    )
    with in_site_language():
        title = _("New lesson in “%(course)s”: %(lesson)s") % {
            "course": course.title,
            "lesson": lesson.title,
        }
    return notify(ids, Kind.NEW_LESSON, title, lesson.url or "", dedupe_key=f"lesson:{lesson.pk}")
