"""The exam bank in Wagtail's admin: questions, categories and quizzes as snippets."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel, ObjectList
from wagtail.admin.panels.model_utils import extract_panel_definitions_from_model_class
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.chooser import (
    ChooseResultsView,
    ChooseView,
    SnippetChooserViewSet,
)
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from core.admin_scope import AdminScope

from .actions import snapshot_version
from .editing.choosing import QuestionFilterForm
from .editing.forms import QuestionAdminForm, ScopedAdminForm
from .models import Category, Question, Quiz
from .policies import category_policy, question_policy, quiz_policy


class ScopedChooseView(ChooseView):
    def get_object_list(self):
        return self.policy.for_user(self.request.user, "view")


class ScopedChooseResultsView(ChooseResultsView):
    def get_object_list(self):
        return self.policy.for_user(self.request.user, "view")


class SchoolScopedViewSet(SnippetViewSet):
    """Lists, choosers and every per-object admin view ask the model's policy
    (per-object views through core.admin_scope, registered below)."""

    policy = None
    chooser_filter_form = None
    # Wagtail's snippet viewsets take the form's base class from the edit
    # handler only, so the edit handler is built here with it.
    base_form_class = ScopedAdminForm

    def get_edit_handler(self):
        panels = getattr(self, "panels", None) or extract_panel_definitions_from_model_class(
            self.model, exclude=self.get_exclude_form_fields()
        )
        return ObjectList(panels, base_form_class=self.base_form_class).bind_to_model(self.model)

    def get_queryset(self, request):
        return self.policy.for_user(request.user, "view")

    @property
    def chooser_viewset_class(self):
        scoped = {"policy": self.policy, "filter_form_class": self.chooser_filter_form}
        return type(
            "ScopedChooserViewSet",
            (SnippetChooserViewSet,),
            {
                "choose_view_class": type("Choose", (ScopedChooseView,), scoped),
                "choose_results_view_class": type(
                    "ChooseResults", (ScopedChooseResultsView,), scoped
                ),
            },
        )


class QuestionViewSet(SchoolScopedViewSet):
    policy = question_policy
    chooser_filter_form = QuestionFilterForm
    base_form_class = QuestionAdminForm
    model = Question
    icon = "help"
    menu_label = _("Questions")
    list_display = [
        "name",
        "qtype",
        "category",
        "subject_group",
        "grade_level",
        "difficulty",
        "status",
    ]
    list_filter = ["qtype", "status", "difficulty", "subject_group", "grade_level"]
    search_fields = ["name", "text"]
    panels = [
        FieldPanel("category"),
        FieldPanel("qtype"),
        FieldPanel("name"),
        FieldPanel("text"),
        FieldPanel("data"),
        FieldPanel("general_feedback"),
        FieldPanel("default_mark"),
        FieldPanel("status"),
        MultiFieldPanel(
            [
                FieldPanel("subject_group"),
                FieldPanel("grade_level"),
                FieldPanel("indicators"),
                FieldPanel("difficulty"),
                FieldPanel("tags"),
            ],
            heading=_("Tagging"),
        ),
    ]


class CategoryViewSet(SchoolScopedViewSet):
    policy = category_policy
    model = Category
    icon = "folder-open-inverse"
    menu_label = _("Question categories")
    list_display = ["name", "parent", "school", "published"]


class QuizViewSet(SchoolScopedViewSet):
    policy = quiz_policy
    model = Quiz
    icon = "form"
    menu_label = _("Quizzes")
    list_display = ["title", "mode", "school", "open_at", "close_at"]
    panels = [
        FieldPanel("title"),
        FieldPanel("intro"),
        FieldPanel("school"),
        FieldPanel("mode"),
        MultiFieldPanel(
            [
                FieldPanel("open_at"),
                FieldPanel("close_at"),
                FieldPanel("time_limit_seconds"),
                FieldPanel("grace_seconds"),
                FieldPanel("attempts_allowed"),
            ],
            heading=_("Timing and attempts"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("grading_method"),
                FieldPanel("pass_fraction"),
                FieldPanel("feedback_mode"),
                FieldPanel("review_marks"),
                FieldPanel("review_answers"),
                FieldPanel("review_feedback"),
                FieldPanel("shuffle_questions"),
                FieldPanel("shuffle_choices"),
            ],
            heading=_("Grading and review"),
        ),
        InlinePanel(
            "slots",
            panels=[FieldPanel("question"), FieldPanel("mark")],
            heading=_("Questions of the quiz: pick from the bank, drag to reorder"),
            label=_("Question"),
        ),
        InlinePanel("blueprint", heading=_("Blueprint"), label=_("Row")),
    ]


class ExamBankGroup(SnippetViewSetGroup):
    menu_label = _("Exam bank")
    menu_icon = "help"
    menu_order = 250
    items = (QuestionViewSet, CategoryViewSet, QuizViewSet)


register_snippet(ExamBankGroup)


@hooks.register("after_create_snippet")
@hooks.register("after_edit_snippet")
def version_question_after_save(request, instance):
    """Every save of a question in the admin freezes a new version."""
    if isinstance(instance, Question):
        snapshot_version(instance, request.user)


@hooks.register("register_admin_menu_item")
def register_import_menu_item():
    return MenuItem(
        _("Import questions"), reverse("exambank:import"), icon_name="upload", order=251
    )


@hooks.register("register_admin_scopes")
def admin_scopes():
    """Edit, delete, history, copy, usage, revisions and chooser views: in scope or 404."""
    models = {"question": question_policy, "category": category_policy, "quiz": quiz_policy}
    return [
        AdminScope(f"{prefix}_exambank_{name}", policy)
        for name, policy in models.items()
        for prefix in ("wagtailsnippets", "wagtailsnippetchoosers")
    ]
