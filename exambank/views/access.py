"""Who may do what on the exam bank's pages (checks shared by every view module)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from ..models import Attempt, Quiz

TEACHER_PERM = "exambank.change_quiz"


def check_teacher(request, quiz: Quiz | None = None) -> None:
    user = request.user
    if not user.has_perm(TEACHER_PERM):
        raise PermissionDenied
    if quiz is not None and quiz.school_id and not user.is_superuser:
        if user.school_id not in (None, quiz.school_id):
            raise PermissionDenied


def can_take(user, quiz: Quiz) -> bool:
    return quiz.school_id is None or user.school_id == quiz.school_id or user.has_perm(TEACHER_PERM)


def own_attempt(request, pk: int) -> Attempt:
    attempt = get_object_or_404(Attempt.objects.select_related("quiz"), pk=pk)
    if attempt.user_id != request.user.pk and not request.user.has_perm(TEACHER_PERM):
        raise PermissionDenied
    return attempt
