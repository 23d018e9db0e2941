from django.templatetags.static import static
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from . import views
from .models import AreaOffice, Indicator, LearningStandard, School, SchoolNetwork


@hooks.register("insert_global_admin_css")
def thai_admin_css():
    """Room for Thai vowel and tone marks in the admin's labels (no clipped "สื่อ")."""
    return format_html('<link rel="stylesheet" href="{}">', static("khlang/admin-thai.css"))


@hooks.register("insert_global_admin_js")
def thai_slug_js():
    """Slug suggestions that keep Thai marks, as the server's slug rule does."""
    return format_html('<script src="{}" defer></script>', static("khlang/admin-thai-slug.js"))


@hooks.register("register_admin_viewset")
def page_viewset():
    """Replaces Wagtail's default page viewset (registered before, at order -1)."""
    from wagtail.models import Page

    from .admin_pages import SitePageViewSet

    return SitePageViewSet(model=Page, name="site_pages")


@hooks.register("register_admin_urls")
def register_admin_urls():
    return [path("system-status/", views.system_status, name="khlang_system_status")]


@hooks.register("register_admin_scopes")
def admin_scopes():
    """Image and document edit, delete, usage and chooser views: in scope or 404."""
    from .admin_scope import AdminScope
    from .policies import document_policy, image_policy

    images, documents = image_policy(), document_policy()
    return [
        AdminScope("wagtailimages", images, kwarg="image_id"),
        AdminScope("wagtailimages_chooser", images, kwarg=("pk", "image_id")),
        AdminScope("wagtaildocs", documents, kwarg=("document_id", "doc_id")),
        AdminScope("wagtaildocs_chooser", documents),
    ]


@hooks.register("insert_global_admin_js")
def admin_init_without_inline_scripts():
    """Starts the widgets whose inline scripts the CSP blocks (see the JS file)."""
    return format_html('<script src="{}" defer></script>', static("core/js/admin-init.js"))


@hooks.register("register_settings_menu_item")
def register_system_status_menu_item():
    return MenuItem(
        _("System status"), reverse("khlang_system_status"), icon_name="cogs", order=900
    )


class SchoolViewSet(SnippetViewSet):
    model = School
    icon = "home"
    list_display = [
        "code",
        "name",
        "network",
        "district",
        "size_class",
        "link_type",
        "bandwidth_kbps",
    ]
    list_filter = ["network", "size_class", "link_type"]
    search_fields = ["code", "name", "district"]


class SchoolNetworkViewSet(SnippetViewSet):
    model = SchoolNetwork
    icon = "group"
    list_display = ["name", "area"]


class AreaOfficeViewSet(SnippetViewSet):
    model = AreaOffice
    icon = "site"
    list_display = ["code", "name"]


class OrganisationGroup(SnippetViewSetGroup):
    menu_label = _("Schools")
    menu_icon = "home"
    menu_order = 300
    items = (SchoolViewSet, SchoolNetworkViewSet, AreaOfficeViewSet)


class IndicatorViewSet(SnippetViewSet):
    model = Indicator
    icon = "tag"
    list_display = ["code", "description"]
    search_fields = ["code", "description"]


class LearningStandardViewSet(SnippetViewSet):
    model = LearningStandard
    icon = "list-ul"
    list_display = ["code", "subject_group", "description"]


class CurriculumGroup(SnippetViewSetGroup):
    menu_label = _("Curriculum")
    menu_icon = "tag"
    menu_order = 310
    items = (LearningStandardViewSet, IndicatorViewSet)


register_snippet(OrganisationGroup)
register_snippet(CurriculumGroup)
