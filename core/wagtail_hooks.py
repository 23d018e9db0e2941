from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from . import views
from .models import AreaOffice, Indicator, LearningStandard, School, SchoolNetwork


@hooks.register("register_admin_urls")
def register_admin_urls():
    return [path("system-status/", views.system_status, name="khlang_system_status")]


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
