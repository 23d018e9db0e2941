"""The site's top pages. Each domain app adds its own index pages under Home."""

from django.db import models
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page
from wagtail.search import index


class HomePage(Page):
    """หน้าแรก: the one root of the public site."""

    intro = RichTextField("ข้อความต้อนรับ", blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    search_fields = Page.search_fields + [index.SearchField("intro")]
    parent_page_types = ["wagtailcore.Page"]
    max_count = 1

    class Meta:
        verbose_name = "หน้าแรก"

    def get_context(self, request, *args, **kwargs):
        from .curriculum import GradeLevel, SubjectGroup

        context = super().get_context(request, *args, **kwargs)
        context["subject_groups"] = SubjectGroup.objects.all()
        context["grade_levels"] = GradeLevel.objects.all()
        context["sections"] = self.get_children().live().public().specific()
        return context


class SectionPage(Page):
    """A top-level section (media center, courses, exam bank) with an intro.

    The domain apps hang their own index pages below a section, so the section
    itself only introduces and lists what is under it.
    """

    class Section(models.TextChoices):
        MEDIA = "media", "ศูนย์รวมสื่อการเรียนรู้ (Media center)"
        COURSES = "courses", "บทเรียนและหลักสูตร (Courses)"
        EXAMS = "exams", "คลังข้อสอบ (Exam bank)"
        OTHER = "other", "อื่น ๆ (Other)"

    section = models.CharField(
        "หมวด", max_length=16, choices=Section.choices, default=Section.OTHER
    )
    intro = RichTextField("คำอธิบาย", blank=True)

    content_panels = Page.content_panels + [FieldPanel("section"), FieldPanel("intro")]
    search_fields = Page.search_fields + [index.SearchField("intro")]
    parent_page_types = ["core.HomePage"]

    class Meta:
        verbose_name = "หมวดหลัก"
