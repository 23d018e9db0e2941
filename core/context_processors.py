from django.conf import settings
from django.core.cache import cache

# How long the header's "Admin" link decision is reused. The link is only a
# shortcut (the admin checks permissions itself on every request), so a role
# change may take this long to show in the header of public pages.
ADMIN_LINK_SECONDS = 300


def admin_link_key(user_id: int) -> str:
    return f"khlang:admin-link:{user_id}"


def nav_profile_key(user_id: int) -> str:
    return f"khlang:nav-profile:{user_id}"


def nav_profile(user) -> dict:
    """What the header needs to know about a user's roles, cached like the Admin link.

    Roles and permissions change rarely; the header is drawn on every page. The
    same signal that forgets the Admin link forgets this (core.signal_handlers).
    """
    if not user.is_authenticated:
        return {"roles": [], "grade": "", "admin": False, "grading": False, "reports": False}
    key = nav_profile_key(user.pk)
    profile = cache.get(key)
    if profile is None:
        from .roles import ROLE_GROUP_NAMES

        names = set(user.groups.values_list("name", flat=True))
        roles = [role for role, name in ROLE_GROUP_NAMES.items() if name in names]
        if user.is_superuser and "area_admin" not in roles:
            roles.append("area_admin")
        perms = user.get_all_permissions() if not user.is_superuser else None

        def has(perm: str) -> bool:
            return perms is None or perm in perms

        profile = {
            "roles": roles,
            "grade": getattr(user.grade_level, "code", "") if user.grade_level_id else "",
            "admin": has("wagtailadmin.access_admin"),
            "grading": has("exambank.change_quiz"),
            "reports": has("reports.view_school_reports") or has("reports.view_area_reports"),
        }
        cache.set(key, profile, ADMIN_LINK_SECONDS)
    return profile


def may_open_admin(user) -> bool:
    """Whether the header shows the "Admin" link, without two permission queries a page.

    ``perms.wagtailadmin.access_admin`` reads the user's own and group permissions
    on every page a student opens; the answer changes only when roles change, so
    it is kept in the cache (Redis in production) per user.
    """
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    key = admin_link_key(user.pk)
    allowed = cache.get(key)
    if allowed is None:
        allowed = user.has_perm("wagtailadmin.access_admin")
        cache.set(key, allowed, ADMIN_LINK_SECONDS)
    return allowed


def khlang(request):
    user = getattr(request, "user", None)
    return {
        "KHLANG_ROLE": settings.KHLANG_ROLE,
        "SITE_NAME": settings.WAGTAIL_SITE_NAME,
        # A callable: templates call it only on pages that draw the header.
        "SHOW_ADMIN_LINK": (lambda: may_open_admin(user)) if user is not None else False,
    }
