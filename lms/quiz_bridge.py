"""The one place lessons meet quizzes, without importing the exam bank.

A lesson's quiz block stores a plain reference string ``"app_label.model:pk"``
(see :func:`ref_for`). The exam bank, when installed, registers a provider at
start-up::

    from lms import quiz_bridge
    quiz_bridge.register(MyQuizProvider())

Until then, quiz blocks render a "not available" note and completion still
works from the ``core.signals.quiz_attempt_finished`` signal, which carries the
quiz object itself.
"""

from __future__ import annotations

from typing import Any, Protocol

from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _


class QuizProvider(Protocol):
    """What the exam bank offers to lessons."""

    def choices(self) -> list[tuple[str, str]]:
        """(ref, label) pairs an author may pick in a lesson's quiz block."""

    def lookup(self, ref: str) -> Any | None:
        """The quiz object for a reference, or None when it is gone."""

    def render(self, quiz: Any, request, lesson) -> str:
        """HTML that embeds the quiz in a lesson page (or links to it)."""

    def passed(self, user, quiz: Any) -> bool:
        """Whether the user has a passing attempt (used to back-fill progress)."""


_provider: QuizProvider | None = None


def register(provider: QuizProvider | None) -> None:
    """Install (or, with None, remove) the quiz provider."""
    global _provider
    _provider = provider


def provider() -> QuizProvider | None:
    return _provider


def available() -> bool:
    return _provider is not None


def ref_for(quiz: Any) -> str:
    """A stable reference for any model instance: ``"exambank.quiz:12"``."""
    if isinstance(quiz, str):
        return quiz
    meta = quiz._meta
    return f"{meta.app_label}.{meta.model_name}:{quiz.pk}"


def choices() -> list[tuple[str, str]]:
    """For the quiz block's chooser; empty until a provider is registered."""
    return list(_provider.choices()) if _provider else []


def lookup(ref: str) -> Any | None:
    return _provider.lookup(ref) if (_provider and ref) else None


def passed(user, ref: str) -> bool:
    quiz = lookup(ref)
    return bool(quiz is not None and _provider.passed(user, quiz))


def render(ref: str, request, lesson) -> SafeString:
    """The quiz embedded in a lesson, or a clear note when it cannot be shown."""
    quiz = lookup(ref)
    if quiz is None:
        return format_html(
            '<div class="callout callout-warning quiz-unavailable" data-quiz-ref="{}">{}</div>',
            ref,
            _("This quiz is not available yet."),
        )
    return format_html(
        '<div class="lesson-quiz" data-quiz-ref="{}">{}</div>',
        ref,
        SafeString(_provider.render(quiz, request, lesson)),
    )
