"""Course index → course → unit → lesson, as Wagtail pages.

Units and lessons carry their course as a plain foreign key (kept by ``save``),
so progress and reports group by course with one indexed column instead of
walking the page tree.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from core.thai_slugs import ThaiSlugPage

from ..blocks import LessonBodyBlock
from ..completion import Rule, Unlock
from .moderation import OwnerModeratedPage


class CourseKind(models.TextChoices):
    # Values equal core.models.Service values, so usage events use them as is.
    ELEARNING = "elearning", _("e-Learning lesson")
    TUTOR = "tutor", _("Tutor Online")
    TRAINING = "training", _("Training Online")


class CourseIndexPage(ThaiSlugPage, OwnerModeratedPage, Page):
    """Lists courses; lives under the "courses" section page."""

    intro = RichTextField(_("Introduction"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["core.SectionPage"]
    subpage_types = ["lms.CoursePage"]
    template = "lms/course_index_page.html"

    class Meta:
        verbose_name = _("course index")

    @classmethod
    def can_create_at(cls, parent) -> bool:
        specific = parent.specific
        return super().can_create_at(parent) and getattr(specific, "section", "") == "courses"

    def route(self, request, path_components):
        """Find a course, unit or lesson by its url_path in one query.

        Wagtail's default walks one level per query (and one more for each
        page's specific type); lessons sit three levels below this page and are
        the most requested pages of the site.
        """
        models_by_depth = {1: CoursePage, 2: UnitPage, 3: LessonPage}
        model = models_by_depth.get(len(path_components))
        if model is not None:
            url_path = f"{self.url_path}{'/'.join(path_components)}/"
            page = model.objects.filter(
                slug=path_components[-1],  # indexed; url_path is not
                depth=self.depth + len(path_components),
                url_path=url_path,
                live=True,
            ).first()
            if page is not None:
                return page.route(request, [])
        return super().route(request, path_components)

    def get_context(self, request, *args, **kwargs):
        from ..views.catalog import course_listing

        context = super().get_context(request, *args, **kwargs)
        context.update(course_listing(self, request))
        return context


class CoursePage(ThaiSlugPage, OwnerModeratedPage, Page):
    kind = models.CharField(_("Kind"), max_length=16, choices=CourseKind.choices)
    summary = RichTextField(_("Summary"), blank=True)
    subject_group = models.ForeignKey(
        "core.SubjectGroup",
        verbose_name=_("Subject group"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    grade_levels = ParentalManyToManyField(
        "core.GradeLevel", verbose_name=_("Grade levels"), blank=True, related_name="+"
    )
    indicators = ParentalManyToManyField(
        "core.Indicator", verbose_name=_("Indicators"), blank=True, related_name="+"
    )
    owner_school = models.ForeignKey(
        "core.School",
        verbose_name=_("Owner school"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Leave empty for an area-wide course (approved by the area admin)."),
    )
    owner_area = models.ForeignKey(
        "core.AreaOffice",
        verbose_name=_("Owner area"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    enrol_open = models.BooleanField(_("Self-enrolment open"), default=True)
    enrolment_key = models.CharField(
        _("Enrolment key"),
        max_length=64,
        blank=True,
        help_text=_("If set, learners must type it to enrol themselves."),
    )
    cohort_schools = ParentalManyToManyField(
        "core.School",
        verbose_name=_("Cohort schools"),
        blank=True,
        related_name="+",
        help_text=_("If any are chosen, only members of these schools may enrol themselves."),
    )
    hours = models.DecimalField(_("Hours"), max_digits=5, decimal_places=1, default=0)
    completion_percent = models.PositiveSmallIntegerField(
        _("Lessons to complete (%)"),
        default=100,
        help_text=_("The course is complete when this share of its lessons is complete."),
    )

    content_panels = Page.content_panels + [
        FieldPanel("kind"),
        FieldPanel("summary"),
        MultiFieldPanel(
            [FieldPanel("subject_group"), FieldPanel("grade_levels"), FieldPanel("indicators")],
            heading=_("Curriculum"),
        ),
        MultiFieldPanel([FieldPanel("owner_school"), FieldPanel("owner_area")], heading=_("Owner")),
        MultiFieldPanel(
            [
                FieldPanel("enrol_open"),
                FieldPanel("enrolment_key"),
                FieldPanel("cohort_schools"),
            ],
            heading=_("Enrolment"),
        ),
        FieldRowPanel([FieldPanel("hours"), FieldPanel("completion_percent")]),
    ]
    search_fields = Page.search_fields + [index.SearchField("summary")]
    # The site's Thai-aware catalog (search/pages.py) indexes courses by subject and grade.
    search_catalog = True
    catalog_doc_type = "course"
    catalog_body_fields = ["summary"]
    parent_page_types = ["lms.CourseIndexPage"]
    subpage_types = ["lms.UnitPage"]
    template = "lms/course_page.html"

    class Meta:
        verbose_name = _("course")

    def catalog_document(self, doc):
        from lms.catalog import describe_course

        return describe_course(self, doc)

    @property
    def service(self) -> str:
        return self.kind

    @property
    def issues_certificate(self) -> bool:
        return self.kind == CourseKind.TRAINING

    def save(self, *args, **kwargs):
        from ..facts import forget_course

        result = super().save(*args, **kwargs)
        forget_course(self.pk)  # its title and address are in the cached facts
        return result

    def get_context(self, request, *args, **kwargs):
        from ..views.catalog import course_context

        context = super().get_context(request, *args, **kwargs)
        context.update(course_context(self, request))
        return context


class UnitPage(ThaiSlugPage, OwnerModeratedPage, Page):
    """A section of a course; may open only after the previous one, or on a date."""

    intro = RichTextField(_("Introduction"), blank=True)
    unlock_rule = models.CharField(
        _("Opens"),
        max_length=12,
        default=Unlock.ALWAYS,
        choices=[
            (Unlock.ALWAYS, _("Always")),
            (Unlock.PREVIOUS, _("When the previous units are complete")),
            (Unlock.DATE, _("On a date")),
        ],
    )
    unlock_at = models.DateTimeField(_("Opens at"), null=True, blank=True)
    course = models.ForeignKey(
        CoursePage, null=True, editable=False, on_delete=models.SET_NULL, related_name="+"
    )

    content_panels = Page.content_panels + [
        FieldPanel("intro"),
        FieldRowPanel([FieldPanel("unlock_rule"), FieldPanel("unlock_at")]),
    ]
    parent_page_types = ["lms.CoursePage"]
    subpage_types = ["lms.LessonPage"]
    template = "lms/unit_page.html"

    class Meta:
        verbose_name = _("unit")

    def save(self, *args, **kwargs):
        from ..facts import forget_course

        self.course_id = _ancestor_id(self, CoursePage, levels_up=1) or self.course_id
        result = super().save(*args, **kwargs)
        forget_course(self.course_id)
        return result

    def serve(self, request, *args, **kwargs):
        from django.shortcuts import redirect

        # A unit has no page of its own to read: its course lists its lessons.
        parent = self.get_parent()
        return redirect(parent.url + f"#unit-{self.pk}")


class LessonPage(ThaiSlugPage, OwnerModeratedPage, Page):
    body = StreamField(LessonBodyBlock(), verbose_name=_("Body"), blank=True)
    minutes = models.PositiveSmallIntegerField(_("Minutes"), default=0)
    completion_rule = models.CharField(
        _("Complete when"),
        max_length=12,
        default=Rule.VIEWED,
        choices=[
            (Rule.VIEWED, _("Viewed")),
            (Rule.VIDEO, _("Video watched to the percentage below")),
            (Rule.QUIZ, _("Quiz passed")),
            (Rule.MANUAL, _("Learner marks it done")),
        ],
    )
    video_percent = models.PositiveSmallIntegerField(_("Video watched (%)"), default=90)
    course = models.ForeignKey(
        CoursePage, null=True, editable=False, on_delete=models.SET_NULL, related_name="+"
    )
    # Media ids of the body's video blocks, refreshed on save: the heartbeat and
    # completion read this instead of parsing the StreamField.
    tracked_media = models.JSONField(default=list, editable=False, blank=True)

    content_panels = Page.content_panels + [
        FieldPanel("body"),
        FieldRowPanel(
            [FieldPanel("completion_rule"), FieldPanel("video_percent"), FieldPanel("minutes")]
        ),
    ]
    search_fields = Page.search_fields + [index.SearchField("body")]
    search_catalog = True
    catalog_doc_type = "lesson"
    catalog_body_fields = ["body"]
    parent_page_types = ["lms.UnitPage"]
    subpage_types: list[str] = []
    template = "lms/lesson_page.html"

    class Meta:
        verbose_name = _("lesson")

    def catalog_document(self, doc):
        from lms.catalog import describe_lesson

        return describe_lesson(self, doc)

    def quiz_refs(self) -> list[tuple[str, bool]]:
        """(reference, must pass) for each quiz block in the body."""
        refs = []
        for block in self.body:
            if block.block_type == "quiz" and block.value.get("quiz"):
                refs.append((block.value["quiz"], bool(block.value.get("required_to_complete"))))
        return refs

    def media_ids(self) -> list[str]:
        ids = []
        for block in self.body:
            if block.block_type == "video":
                raw = block.value.get("media")
                if raw is not None:
                    ids.append(str(getattr(raw, "pk", raw)))
        return ids

    def save(self, *args, **kwargs):
        from ..body import forget_body
        from ..facts import forget_course, forget_lesson
        from .learning import LessonQuiz

        self.course_id = _ancestor_id(self, CoursePage, levels_up=2) or self.course_id
        # Saving a draft revision saves only bookkeeping fields while the object
        # holds the draft body: the live lesson's videos and quizzes stay as they are.
        update_fields = kwargs.get("update_fields")
        body_saved = update_fields is None or "body" in update_fields
        if body_saved:
            self.tracked_media = self.media_ids()
        result = super().save(*args, **kwargs)
        if body_saved:
            LessonQuiz.sync(self)

        forget_lesson(self.pk)
        forget_body(self.pk, self.live_revision_id)
        forget_course(self.course_id)
        return result

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context.update(getattr(request, "lms_context", {}))
        return context

    def get_view_restrictions(self):
        # Set by lms.routing when it served this lesson from the route cache (the
        # same restrictions, read when the entry was made); everywhere else,
        # Wagtail's query.
        cached = getattr(self, "_lms_view_restrictions", None)
        if cached is not None:
            return cached
        return super().get_view_restrictions()

    def serve(self, request, *args, **kwargs):
        from ..views.lesson import serve_lesson

        return serve_lesson(self, request, super().serve, *args, **kwargs)


def _ancestor_id(page: Page, model: type[Page], levels_up: int) -> int | None:
    """The id of the ancestor ``levels_up`` above ``page``, if it is a ``model``."""
    if not page.path or page.depth is None or page.depth <= levels_up:
        return None
    path = page.path[: (page.depth - levels_up) * page.steplen]
    return model.objects.filter(path=path).values_list("pk", flat=True).first()
