"""The exam bank's side of lessons' quiz seam (lms.quiz_bridge).

Registered at start-up by ExambankConfig.ready when the courses app is
installed; lessons then list, embed and check quizzes without importing us.
"""

from __future__ import annotations

from .actions import quiz_grade
from .embed import render_quiz_embed
from .models import Quiz

REF_PREFIX = "exambank.quiz:"


class ExamBankQuizProvider:
    def choices(self) -> list[tuple[str, str]]:
        quizzes = Quiz.objects.order_by("title").values_list("pk", "title")
        return [(f"{REF_PREFIX}{pk}", title) for pk, title in quizzes]

    def lookup(self, ref: str) -> Quiz | None:
        if not ref.startswith(REF_PREFIX) or not ref[len(REF_PREFIX) :].isdigit():
            return None
        return Quiz.objects.filter(pk=int(ref[len(REF_PREFIX) :])).first()

    def render(self, quiz: Quiz, request, lesson) -> str:
        return render_quiz_embed(request, quiz)

    def passed(self, user, quiz: Quiz) -> bool:
        grade = quiz_grade(quiz, user)
        return grade is not None and grade >= float(quiz.pass_fraction)
