"""The exam bank's entries of the site header: my grades, and the grading queue with its count."""

from __future__ import annotations

from django import template
from django.core.cache import cache

from ..gradebook import grading_queue_slots
from ..views.access import TEACHER_PERM

register = template.Library()

# Whether a user marks answers changes only with their roles: remembered per
# user (as core.context_processors does for the admin link) so that a student's
# pages never read permissions for the header. The queue page checks for itself.
TEACHER_SECONDS = 300


def marks_answers(user) -> bool:
    if user.is_superuser:
        return True
    key = f"exambank:marks-answers:{user.pk}"
    allowed = cache.get(key)
    if allowed is None:
        allowed = user.has_perm(TEACHER_PERM)
        cache.set(key, allowed, TEACHER_SECONDS)
    return allowed


@register.inclusion_tag("exambank/_menu.html", takes_context=True)
def exambank_menu(context) -> dict:
    """Links for the signed-in user: "my grades" for everyone, the queue for teachers."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"show": False}
    teacher = marks_answers(user)
    return {
        "show": True,
        "teacher": teacher,
        "grading_count": grading_queue_slots(user).count() if teacher else 0,
    }
