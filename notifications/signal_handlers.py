"""Receivers only build a short text and enqueue or write rows (no heavy work here)."""

from __future__ import annotations

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from .models import Kind


def on_quiz_graded(sender, user, quiz, attempt, score, **kwargs) -> None:
    from .actions import in_site_language, notify

    if getattr(attempt, "pk", None) is None:
        return  # a result without an attempt to review (another quiz source)
    with in_site_language():
        title = _("Your quiz “%(quiz)s” has been graded: %(score)s%%") % {
            "quiz": getattr(quiz, "title", str(quiz)),
            "score": round(score * 100),
        }
    notify(
        [user.pk],
        Kind.GRADED,
        title,
        url=reverse("exambank:review", args=[attempt.pk]),
        dedupe_key=f"graded:{attempt.pk}",
    )


def _workflow_outcome(instance, kind: str, approved: bool) -> None:
    from .actions import in_site_language, notify

    requester = instance.requested_by_id
    page = instance.content_object
    if requester is None or page is None:
        return
    edit_url = reverse("wagtailadmin_pages:edit", args=[page.pk]) if hasattr(page, "depth") else ""
    with in_site_language():
        if approved:
            title = _("“%(title)s” was approved and published") % {"title": str(page)}
        else:
            title = _("“%(title)s” was sent back for changes") % {"title": str(page)}
    # One per outcome of each submission: a lesson sent back, changed and sent
    # again is a new task state.
    key = f"workflow:{kind}:{instance.pk}:{instance.current_task_state_id or ''}"
    notify([requester], kind, title, url=edit_url, dedupe_key=key)


def on_workflow_approved(sender, instance, **kwargs) -> None:
    _workflow_outcome(instance, Kind.APPROVED, approved=True)


def on_workflow_rejected(sender, instance, **kwargs) -> None:
    _workflow_outcome(instance, Kind.SENT_BACK, approved=False)


def on_page_published(sender, instance, **kwargs) -> None:
    from lms.models import LessonPage

    if not isinstance(instance, LessonPage):
        return
    from .tasks import new_lesson_task

    lesson_id = instance.pk
    transaction.on_commit(lambda: new_lesson_task.delay(lesson_id))


def on_announcement_saved(sender, instance, created, **kwargs) -> None:
    if created:
        from .actions import announce

        announce(instance)


def register() -> None:
    from django.db.models.signals import post_save
    from wagtail.signals import page_published, workflow_approved, workflow_rejected

    from core.signals import quiz_attempt_finished

    from .models import Announcement

    quiz_attempt_finished.connect(on_quiz_graded, dispatch_uid="notifications.graded")
    workflow_approved.connect(on_workflow_approved, dispatch_uid="notifications.approved")
    workflow_rejected.connect(on_workflow_rejected, dispatch_uid="notifications.rejected")
    page_published.connect(on_page_published, dispatch_uid="notifications.page_published")
    post_save.connect(
        on_announcement_saved, sender=Announcement, dispatch_uid="notifications.announcement"
    )
