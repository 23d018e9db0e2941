"""StreamField block for lessons: choose a quiz, render it through exambank.embed."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from wagtail.snippets.blocks import SnippetChooserBlock

from .embed import render_quiz_embed


class QuizChooserBlock(SnippetChooserBlock):
    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Quiz"))
        kwargs.setdefault("icon", "form")
        super().__init__("exambank.Quiz", **kwargs)

    def render(self, value, context=None):
        if value is None:
            return ""
        request = (context or {}).get("request")
        return render_quiz_embed(request, value)
