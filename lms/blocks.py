"""Blocks of a lesson body.

Media is chosen through wagtailmedia's chooser blocks, which resolve
``get_media_model()`` when used, so the lesson tables never hold a foreign key
to a media model: when WAGTAILMEDIA["MEDIA_MODEL"] points at the media center's
model, lessons follow without a migration of their own. Quizzes are stored as a
reference string and resolved through :mod:`lms.quiz_bridge`.
"""

from __future__ import annotations

from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.images.blocks import ImageChooserBlock
from wagtailmedia.blocks import AbstractMediaChooserBlock

from . import quiz_bridge


def hls_url(item) -> str:
    """The HLS playlist of a media item, if its model offers one (duck-typed)."""
    value = getattr(item, "hls_url", None)
    if callable(value):
        value = value()
    return value or ""


def file_url(item) -> str:
    """Where the browser fetches the file: a model's own play URL, else the file's.

    A model that has ``play_url`` but no value yet (still being encoded) gets no
    source at all, never its page address.
    """
    if not hasattr(item, "play_url"):
        return item.url
    value = item.play_url
    if callable(value):
        value = value()
    return value or ""


class LessonMediaBlock(AbstractMediaChooserBlock):
    """Video or audio from the media library, played by lms/blocks/video.html.

    Subclasses AbstractMediaChooserBlock (not VideoChooserBlock) so one block
    takes either kind, and so the template decides how to play it.
    """

    def render_basic(self, value, context=None) -> str:
        # Only the revision comparison view calls this; the page uses VideoBlock.
        return format_html("<span>{}</span>", value.title) if value else ""

    class Meta:
        icon = "media"
        label = _("Video or audio")


class VideoBlock(blocks.StructBlock):
    media = LessonMediaBlock(label=_("Media"))
    caption = blocks.CharBlock(required=False, label=_("Caption"))

    class Meta:
        icon = "media"
        label = _("Video or audio")
        template = "lms/blocks/video.html"

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        item = value.get("media")
        context.update(
            item=item,
            hls=hls_url(item) if item else "",
            src=file_url(item) if item else "",
            caption=value.get("caption"),
        )
        return context


class DocumentViewerBlock(blocks.StructBlock):
    """A PDF or e-book shown in the page, with a download link for the rest."""

    document = DocumentChooserBlock(label=_("Document or e-book"))
    height = blocks.IntegerBlock(default=640, min_value=200, max_value=2000, label=_("Height"))

    class Meta:
        icon = "doc-full"
        label = _("Document viewer")
        template = "lms/blocks/document.html"


class AttachmentBlock(blocks.StructBlock):
    document = DocumentChooserBlock(label=_("File"))
    title = blocks.CharBlock(required=False, label=_("Link text"))

    class Meta:
        icon = "download"
        label = _("Attachment")
        template = "lms/blocks/attachment.html"


class ExternalLinkBlock(blocks.StructBlock):
    url = blocks.URLBlock(label=_("Address"))
    title = blocks.CharBlock(label=_("Title"))
    description = blocks.TextBlock(required=False, label=_("Description"))

    class Meta:
        icon = "link"
        label = _("External resource")
        template = "lms/blocks/link.html"


class CalloutBlock(blocks.StructBlock):
    style = blocks.ChoiceBlock(
        choices=[("info", _("Note")), ("tip", _("Tip")), ("warning", _("Caution"))],
        default="info",
        label=_("Style"),
    )
    text = blocks.RichTextBlock(features=["bold", "italic", "link", "ul", "ol"], label=_("Text"))

    class Meta:
        icon = "warning"
        label = _("Callout")
        template = "lms/blocks/callout.html"


class ImageBlock(blocks.StructBlock):
    image = ImageChooserBlock(label=_("Image"))
    caption = blocks.CharBlock(required=False, label=_("Caption"))

    class Meta:
        icon = "image"
        label = _("Image")
        template = "lms/blocks/image.html"


class QuizBlock(blocks.StructBlock):
    """A quiz from the exam bank, by reference (see lms.quiz_bridge)."""

    quiz = blocks.ChoiceBlock(
        choices=quiz_bridge.choices,
        label=_("Quiz"),
        help_text=_("Quizzes appear here once the exam bank is installed."),
    )
    required_to_complete = blocks.BooleanBlock(
        required=False, default=True, label=_("Must pass to complete the lesson")
    )

    class Meta:
        icon = "form"
        label = _("Quiz")
        template = "lms/blocks/quiz.html"

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        parent_context = parent_context or {}
        context["quiz_html"] = quiz_bridge.render(
            value.get("quiz") or "", parent_context.get("request"), parent_context.get("page")
        )
        return context


class LessonBodyBlock(blocks.StreamBlock):
    text = blocks.RichTextBlock(
        features=["h2", "h3", "bold", "italic", "link", "ol", "ul", "hr", "blockquote"],
        label=_("Text"),
        template="lms/blocks/text.html",
    )
    video = VideoBlock()
    document = DocumentViewerBlock()
    image = ImageBlock()
    quiz = QuizBlock()
    link = ExternalLinkBlock()
    attachment = AttachmentBlock()
    callout = CalloutBlock()
