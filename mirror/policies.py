"""Who may see and govern which school mirrors (central).

In the shape of Wagtail's collection ownership policy: one policy object whose
``for_user(user)`` queryset every mirror view, export and menu item reads.
Area admins and supervisors see every mirror of the area, a school admin the
mirrors of their own school, anyone else none; outside one's scope a mirror
does not exist (views answer 404). Revoking a key also needs the
``mirror.change_mirror`` permission (area admins).
"""

from __future__ import annotations

from django.db.models import QuerySet

from core import roles

from .models import Mirror


class MirrorPolicy:
    model = Mirror

    def for_user(self, user) -> QuerySet[Mirror]:
        mirrors = Mirror.objects.select_related("school")
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return mirrors.none()
        if user.is_superuser or any(
            roles.user_has_role(user, role) for role in (roles.AREA_ADMIN, roles.SUPERVISOR)
        ):
            return mirrors.all()
        if user.school_id and roles.user_has_role(user, roles.SCHOOL_ADMIN):
            return mirrors.filter(school_id=user.school_id)
        return mirrors.none()

    def can_change(self, user, mirror: Mirror) -> bool:
        return self.for_user(user).filter(pk=mirror.pk).exists() and user.has_perm(
            "mirror.change_mirror"
        )


mirror_policy = MirrorPolicy()


def for_user(user) -> QuerySet[Mirror]:
    return mirror_policy.for_user(user)
