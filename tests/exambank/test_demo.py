from django.urls import reverse

from exambank.demo import load_exambank_demo
from exambank.models import Question


def test_demo_quiz_has_every_kind_and_can_be_taken(demo_site, client):
    quiz = load_exambank_demo()  # already loaded by the demo: the same quiz again
    assert quiz.slots.count() == 7
    kinds = set(Question.objects.values_list("qtype", flat=True))
    assert kinds == {"multichoice", "truefalse", "numerical", "shortanswer", "matching", "essay"}
    assert client.login(username="student", password="khlang-demo")
    listing = client.get(reverse("exambank:quizzes")).content.decode()
    assert quiz.title in listing
    started = client.post(reverse("exambank:start", args=[quiz.pk]), {"start_key": "demo"})
    page = client.get(started.url).content.decode()
    assert "25 + 17" in page and 'name="q7"' in page
