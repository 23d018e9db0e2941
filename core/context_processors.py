from django.conf import settings
from django.core.cache import cache

# How long the header's "Admin" link decision is reused. The link is only a
# shortcut (the admin checks permissions itself on every request), so a role
# change may take this long to show in the header of public pages.
ADMIN_LINK_SECONDS = 300


def admin_link_key(user_id: int) -> str:
    return f"khlang:admin-link:{user_id}"


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
