"""Who may do what on the exam bank's pages (checks shared by every view module).

Scope comes from the exam bank's policies (exambank.policies): outside it a thing
does not exist (404).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from ..models import Attempt, Quiz
from ..policies import attempt_policy

TEACHER_PERM = "exambank.change_quiz"


def check_teacher(request, quiz: Quiz | None = None) -> None:
    user = request.user
    if not user.has_perm(TEACHER_PERM):
        raise PermissionDenied
    if quiz is not None and quiz.school_id and not user.is_superuser:
        if user.school_id not in (None, quiz.school_id):
            raise PermissionDenied


def own_attempt(request, pk: int) -> Attempt:
    """The user's own attempt (taking, saving, submitting); anyone else's is a 404."""
    return get_object_or_404(Attempt.objects.select_related("quiz"), pk=pk, user=request.user)


def attempt_in_scope(request, pk: int) -> Attempt:
    """An attempt the user may read (its student, that school's staff, the area)."""
    queryset = Attempt.objects.select_related("quiz")
    return attempt_policy.get_or_404(request.user, "view", queryset=queryset, pk=pk)
