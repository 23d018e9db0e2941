"""The exam bank in Wagtail's admin: questions, categories and quizzes as snippets."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from .actions import snapshot_version
from .models import Category, Question, Quiz, visible_to_school


class SchoolScopedViewSet(SnippetViewSet):
    """A teacher sees their school's items, the area's and what is published."""

    scope_prefix = ""

    def get_queryset(self, request):
        queryset = self.model._default_manager.all()
        user = request.user
        if user.is_superuser or user.school_id is None:
            return queryset
        return queryset.filter(visible_to_school(user.school_id, self.scope_prefix)).distinct()


class QuestionViewSet(SchoolScopedViewSet):
    scope_prefix = "category__"
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
            heading="การจัดหมวด (Tagging)",
        ),
    ]


class CategoryViewSet(SchoolScopedViewSet):
    model = Category
    icon = "folder-open-inverse"
    menu_label = _("Question categories")
    list_display = ["name", "parent", "school", "published"]


class QuizViewSet(SnippetViewSet):
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
            heading="เวลาและจำนวนครั้ง (Timing and attempts)",
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
            heading="การให้คะแนนและเฉลย (Grading and review)",
        ),
        InlinePanel("slots", heading="ข้อสอบ (Fixed questions)", label="ข้อ"),
        InlinePanel("blueprint", heading="ตารางกำหนดลักษณะข้อสอบ (Blueprint)", label="แถว"),
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
