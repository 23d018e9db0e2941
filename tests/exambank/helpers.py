"""Builders for exam bank tests: a category, questions with versions, a quiz."""

from __future__ import annotations

from exambank.actions import save_question
from exambank.formats import label
from exambank.models import Category, Question, Quiz, QuizSlot


def mc_question(category, text: str, right: int = 0, n: int = 4, **fields) -> Question:
    choices = [
        {
            "id": label(i),
            "text": f"ตัวเลือก {i + 1}",
            "fraction": 1.0 if i == right else 0.0,
            "feedback": "",
        }
        for i in range(n)
    ]
    question = Question(
        category=category,
        qtype="multichoice",
        name=text[:40],
        text=text,
        data={"single": True, "choices": choices},
        **fields,
    )
    save_question(question)
    return question


def make_quiz(
    n_questions: int = 3, school=None, extra: list[Question] | None = None, **quiz_fields
) -> Quiz:
    category, _ = Category.objects.get_or_create(name="ทดสอบ", parent=None, school=school)
    quiz = Quiz.objects.create(title="แบบทดสอบคณิต", school=school, **quiz_fields)
    questions = [mc_question(category, f"ข้อที่ {i + 1}: 2 + {i} = ?") for i in range(n_questions)]
    for order, question in enumerate(questions + list(extra or [])):
        QuizSlot.objects.create(quiz=quiz, order=order, question=question)
    return quiz
