"""A question as a student meets it, for the editor's live preview.

The admin's preview posts the unsaved form; the question it builds is drawn
here through the very code that draws an attempt (exambank.rendering), as the
first question of a fresh attempt, followed by the key a student reads on review.
"""

from __future__ import annotations

from types import SimpleNamespace

from django.utils.safestring import mark_safe

from . import rendering


def preview_context(question) -> dict:
    version = SimpleNamespace(
        qtype=question.qtype,
        text=question.text or "",
        data=question.data or {},
        general_feedback=question.general_feedback or "",
    )
    slot = SimpleNamespace(
        position=1, version=version, layout={}, response=None, mark=question.default_mark,
        fraction=None, needs_manual=False, comment="", saved_at=None,
    )  # fmt: skip
    view = rendering.slot_view(slot, prefix="q1", version=version)
    return {
        "question": question,
        "question_html": mark_safe(rendering.question_form_html(view)),
        "correct_text": view.get("correct_text", ""),
        "general_feedback": version.general_feedback,
        "mark_text": rendering.format_mark(question.default_mark),
    }
