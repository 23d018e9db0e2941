"""Authorisation of the exam bank, through core.policy's rules table.

Content (categories, questions, quizzes) belongs to a school or, with no school,
to the area; a category marked published is shared area-wide. Attempts are
records: their student's, their school's staff's, and the area's.
"""

from __future__ import annotations

from django.db.models import Q

from core import roles
from core.policy import RECORD, SHARED, ScopePolicy, role_of

from .models import Attempt, Category, Question, Quiz


class CategoryPolicy(ScopePolicy):
    model = Category
    school_field = "school"

    def shared_q(self) -> Q:
        return Q(school__isnull=True) | Q(published=True)


class QuestionPolicy(ScopePolicy):
    model = Question
    school_field = "category__school"

    def shared_q(self) -> Q:
        return Q(category__school__isnull=True) | Q(category__published=True)


class QuizPolicy(ScopePolicy):
    model = Quiz
    school_field = "school"

    def shared_q(self) -> Q:
        return Q(school__isnull=True)

    def relations(self, user, action: str) -> frozenset[str]:
        found = super().relations(user, action)
        if action == "stats" and role_of(user) in {roles.TEACHER, roles.SCHOOL_ADMIN}:
            # An area quiz's item analysis (difficulty, discrimination: no names)
            # is what its teachers use to judge the questions; no school owns it.
            found = found | {SHARED}
        return found


class AttemptPolicy(ScopePolicy):
    model = Attempt
    kind = RECORD
    owner_field = "user"
    school_field = "user__school"


category_policy = CategoryPolicy()
question_policy = QuestionPolicy()
quiz_policy = QuizPolicy()
attempt_policy = AttemptPolicy()
