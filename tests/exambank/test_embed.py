from django.test import RequestFactory

from core import roles
from exambank import actions
from exambank.blocks import QuizChooserBlock
from exambank.embed import render_quiz_embed
from tests.exambank.helpers import make_quiz


def test_embed_follows_the_students_progress(db, make_user, school):
    from django.contrib.auth.models import AnonymousUser

    quiz = make_quiz(1, attempts_allowed=1)
    student = make_user("emb", roles.STUDENT, school=school)
    request = RequestFactory().get("/lesson/")
    request.user = AnonymousUser()
    assert "/accounts/login/" in render_quiz_embed(request, quiz)
    request.user = student
    html = render_quiz_embed(request, quiz)
    assert f"/exams/quiz/{quiz.pk}/start/" in html and 'name="start_key"' in html
    attempt = actions.start_attempt(quiz, student, "e")
    assert f"/exams/attempt/{attempt.pk}/" in render_quiz_embed(request, quiz)
    actions.submit_attempt(attempt.pk)
    html = render_quiz_embed(request, quiz)
    assert f"/exams/attempt/{attempt.pk}/review/" in html and "/start/" not in html  # none left
    block_html = QuizChooserBlock().render(quiz, {"request": request})
    assert "quiz-embed" in block_html and f"/exams/attempt/{attempt.pk}/review/" in block_html
    assert QuizChooserBlock().render(None, {"request": request}) == ""
