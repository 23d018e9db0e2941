"""Surveys are managed in Wagtail's admin by area admins; a menu link leads to the reports."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .models import Survey
from .privacy import can_view_area


class SurveyViewSet(SnippetViewSet):
    model = Survey
    icon = "list-ul"
    menu_label = _("Surveys")
    add_to_admin_menu = True
    list_display = ["title", "service", "site", "content_type", "is_open", "created_at"]
    list_filter = ["is_open", "service"]
    search_fields = ["title"]


register_snippet(SurveyViewSet)


class ReportsMenuItem(MenuItem):
    def is_shown(self, request) -> bool:
        return can_view_area(request.user)


@hooks.register("register_admin_menu_item")
def register_reports_menu_item():
    return ReportsMenuItem(_("Reports"), reverse("reports_dashboard"), icon_name="table", order=950)
