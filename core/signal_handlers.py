from django.apps import apps


def ensure_roles_after_migrate(sender, **kwargs) -> None:
    """Create or refresh the role groups once every app has its permissions.

    post_migrate is sent once per app that has models, in INSTALLED_APPS order,
    and each app's permissions are created by its own post_migrate call; acting
    only on the last such app means all permissions exist by then.
    """
    with_models = [config for config in apps.get_app_configs() if config.models_module is not None]
    if sender.label != with_models[-1].label:
        return
    from .roles import ensure_roles

    ensure_roles(using=kwargs.get("using", "default"))


def forget_admin_link(sender, instance, action, reverse, pk_set, **kwargs) -> None:
    """A user's roles changed: the header decides the "Admin" link afresh."""
    if not action.startswith("post_"):
        return
    from django.contrib.auth import get_user_model
    from django.core.cache import cache

    from .context_processors import admin_link_key, nav_profile_key

    if not reverse:
        user_ids = [instance.pk]
    elif pk_set is not None:
        user_ids = list(pk_set)
    else:  # a group cleared of all its members: the members are no longer known
        user_ids = list(get_user_model().objects.values_list("pk", flat=True))
    cache.delete_many(
        [key(user_id) for user_id in user_ids for key in (admin_link_key, nav_profile_key)]
    )


def register() -> None:
    """Connect core's receivers; called once from CoreConfig.ready."""
    from django.contrib.auth import get_user_model
    from django.db.models.signals import m2m_changed, post_migrate, pre_save

    from .html import clean_page_on_save

    # Stored HTML is cleaned when written, whatever path writes it (core.html).
    pre_save.connect(clean_page_on_save, dispatch_uid="khlang-clean-page-html")
    post_migrate.connect(ensure_roles_after_migrate)
    m2m_changed.connect(forget_admin_link, sender=get_user_model().groups.through)
