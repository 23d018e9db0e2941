"""Media items in Wagtail's admin (wagtailmedia's views): per-object views in scope or 404."""

from wagtail import hooks

from core.admin_scope import AdminScope

from .policies import media_item_policy


@hooks.register("register_admin_scopes")
def admin_scopes():
    return [AdminScope("wagtailmedia", media_item_policy, kwarg="media_id")]
