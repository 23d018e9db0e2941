"""Supervision in Wagtail's admin: the area edits rubrics, plans, focus areas and targets.

These are area-level objects that no school owns, so Wagtail's own model
permissions govern them (core.roles: the area admin edits, supervisors read);
records themselves are written on the supervision pages, not here.
"""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from .models import FocusArea, Plan, Rubric, UseTarget


class RubricViewSet(SnippetViewSet):
    model = Rubric
    icon = "list-ol"
    menu_label = _("Rubrics")
    list_display = ["title", "is_active"]
    search_fields = ["title"]
    panels = [
        FieldPanel("title"),
        FieldPanel("description"),
        FieldPanel("is_active"),
        InlinePanel(
            "criteria",
            heading=_("Criteria, each with what levels 1 to 5 look like"),
            label=_("Criterion"),
            panels=[
                FieldPanel("title"),
                FieldPanel("description"),
                MultiFieldPanel(
                    [FieldPanel(f"level_{n}") for n in range(1, 6)], heading=_("Levels")
                ),
            ],
        ),
    ]


class PlanViewSet(SnippetViewSet):
    model = Plan
    icon = "date"
    menu_label = _("Supervision plans")
    list_display = ["__str__", "fiscal_year", "term", "rubric"]
    list_filter = ["fiscal_year", "term"]
    panels = [
        FieldPanel("fiscal_year"),
        FieldPanel("term"),
        FieldPanel("supervisor"),
        FieldPanel("rubric"),
        FieldPanel("focus_areas"),
        FieldPanel("notes"),
        InlinePanel(
            "entries",
            heading=_("Caseload: schools, and teachers there"),
            label=_("School or teacher"),
            panels=[FieldPanel("school"), FieldPanel("teacher"), FieldPanel("planned_on")],
        ),
    ]


class FocusAreaViewSet(SnippetViewSet):
    model = FocusArea
    icon = "tag"
    menu_label = _("Focus areas")
    list_display = ["name", "code"]


class UseTargetViewSet(SnippetViewSet):
    model = UseTarget
    icon = "success"
    menu_label = _("Media-use targets")
    list_display = ["fiscal_year", "min_uses", "min_teachers"]


class SupervisionGroup(SnippetViewSetGroup):
    menu_label = _("Supervision")
    menu_icon = "clipboard-list"
    menu_order = 260
    items = (PlanViewSet, RubricViewSet, FocusAreaViewSet, UseTargetViewSet)


register_snippet(SupervisionGroup)


@hooks.register("register_admin_menu_item")
def register_supervision_pages_item():
    return MenuItem(
        _("Supervision records"), reverse("supervision:home"), icon_name="doc-full", order=261
    )
