from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from . import views
from .policies import mirror_policy


@hooks.register("register_admin_urls")
def register_admin_urls():
    return [
        path("mirrors/", views.mirror_status_view, name="mirror_status"),
        path("mirrors/mirrors.csv", views.mirror_status_csv, name="mirror_status_csv"),
        path("mirrors/<int:pk>/revoke/", views.revoke_view, name="mirror_revoke"),
    ]


class MirrorMenuItem(MenuItem):
    def is_shown(self, request) -> bool:
        return mirror_policy.for_user(request.user).exists() or request.user.has_perm(
            "mirror.view_mirror"
        )


@hooks.register("register_settings_menu_item")
def register_mirror_menu_item():
    return MirrorMenuItem(
        _("School mirrors"), reverse("mirror_status"), icon_name="site", order=910
    )
