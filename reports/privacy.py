"""Who may see whose activity (staff evaluations touch personal data).

* area admins and supervisors: everyone;
* school admins (permission ``reports.view_school_reports``): their school;
* teachers: themselves and their classes — students of their homeroom (same
  school, grade and room as set on the teacher) plus whoever the apps say they
  teach (reports.registry.register_class_members, e.g. course enrolments);
* anyone else: only themselves.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from core import roles
from core.models import User

from .registry import class_member_ids


def can_view_area(user) -> bool:
    return user.is_authenticated and (
        user.is_superuser or user.has_perm("reports.view_area_reports")
    )


def visible_people(user) -> QuerySet:
    """The users whose activity ``user`` may read."""
    if not user.is_authenticated:
        return User.objects.none()
    if can_view_area(user):
        return User.objects.all()
    if user.has_perm("reports.view_school_reports") and user.school_id:
        return User.objects.filter(Q(school_id=user.school_id) | Q(pk=user.pk))
    if roles.user_has_role(user, roles.TEACHER):
        mine = Q(pk=user.pk) | Q(pk__in=class_member_ids(user))
        if user.school_id and user.grade_level_id and user.classroom:
            mine |= Q(
                school_id=user.school_id,
                grade_level_id=user.grade_level_id,
                classroom=user.classroom,
            )
        return User.objects.filter(mine)
    return User.objects.filter(pk=user.pk)
