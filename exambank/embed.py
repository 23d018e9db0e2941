"""The seam lessons use to show a quiz: one function, no knowledge of attempts needed.

    from exambank.embed import render_quiz_embed
    html = render_quiz_embed(request, quiz)   # safe HTML: title, status, start/continue, grade

exambank.blocks.QuizChooserBlock wraps it for a lesson's StreamField.
"""

from __future__ import annotations

import uuid

from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from .actions import quiz_grade
from .models import AttemptState, Quiz


def quiz_embed_context(request, quiz: Quiz) -> dict:
    user = getattr(request, "user", None)
    context = {"quiz": quiz, "start_key": uuid.uuid4().hex, "open": quiz.is_open()}
    if user is not None and user.is_authenticated:
        attempts = list(quiz.attempts.filter(user=user).order_by("number"))
        context["in_progress"] = next(
            (a for a in attempts if a.state == AttemptState.IN_PROGRESS), None
        )
        context["last_done"] = next(
            (a for a in reversed(attempts) if a.state != AttemptState.IN_PROGRESS), None
        )
        context["grade"] = quiz_grade(quiz, user)
        context["attempts_left"] = (
            None if not quiz.attempts_allowed else max(0, quiz.attempts_allowed - len(attempts))
        )
    return context


def render_quiz_embed(request, quiz: Quiz) -> SafeString:
    return render_to_string(
        "exambank/embed.html", quiz_embed_context(request, quiz), request=request
    )
