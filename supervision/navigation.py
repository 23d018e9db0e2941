"""Whether the header offers "Supervision" to a user, cached like core's nav profile."""

from __future__ import annotations

from django.core.cache import cache

from core import roles
from core.policy import role_of

KEY = "khlang:supervision-nav:{}"
SECONDS = 300
STAFF = {roles.AREA_ADMIN, roles.SUPERVISOR, roles.SCHOOL_ADMIN}


def shows_link(user) -> bool:
    """Supervisors, area admins and directors always; a teacher once records are about them."""
    if not user.is_authenticated:
        return False
    role = role_of(user)
    if role in STAFF:
        return True
    if role != roles.TEACHER:
        return False
    key = KEY.format(user.pk)
    found = cache.get(key)
    if found is None:
        from .policies import observation_policy

        found = observation_policy.for_user(user).exists()
        cache.set(key, found, SECONDS)
    return found


def forget(user_id: int | None) -> None:
    if user_id:
        cache.delete(KEY.format(user_id))
