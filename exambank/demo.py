"""Demo content of the exam bank: a few questions of every kind and an open quiz."""

from __future__ import annotations

from pathlib import Path

from .importing import import_questions
from .models import Category, Quiz, QuizSlot

FIXTURE = Path(__file__).parent / "fixtures" / "demo_questions.gift"


def load_exambank_demo() -> Quiz:
    """Idempotent: a second call returns the quiz made by the first."""
    quiz = Quiz.objects.filter(title="แบบทดสอบตัวอย่าง ป.3").first()
    if quiz is not None:
        return quiz
    root, _ = Category.objects.get_or_create(
        name="คลังกลางของเขต", parent=None, school=None, defaults={"published": True}
    )
    questions = import_questions(FIXTURE.name, FIXTURE.read_bytes(), "gift", root)
    quiz = Quiz.objects.create(
        title="แบบทดสอบตัวอย่าง ป.3",
        intro="ทดลองทำแบบทดสอบ 7 ข้อ มีเวลา 15 นาที ระบบบันทึกคำตอบให้ทุกข้อ",
        time_limit_seconds=15 * 60,
        attempts_allowed=0,
        review_answers="after_submit",
        review_feedback="after_submit",
    )
    for order, question in enumerate(questions):
        QuizSlot.objects.create(quiz=quiz, order=order, question=question)
    return quiz


# Found by core.demo.load_demo: this app's place among the apps, then its loader.
DEMO_ORDER = 10
load_demo_content = load_exambank_demo
