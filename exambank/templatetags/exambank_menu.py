"""The exam bank's entries of the site header: my grades, and the grading queue with its count."""

from __future__ import annotations

from django import template

from ..gradebook import grading_queue_count
from ..views.access import TEACHER_PERM

register = template.Library()


@register.inclusion_tag("exambank/_menu.html", takes_context=True)
def exambank_menu(context) -> dict:
    """Links for the signed-in user: "my grades" for everyone, the queue for teachers."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"show": False}
    teacher = user.has_perm(TEACHER_PERM)
    return {
        "show": True,
        "teacher": teacher,
        "grading_count": grading_queue_count(user) if teacher else 0,
    }
