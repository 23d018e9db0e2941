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
