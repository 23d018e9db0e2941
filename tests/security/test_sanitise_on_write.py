"""Untrusted HTML is cleaned where it is stored, whichever path writes it."""

import pytest

from exambank.importing import import_questions
from exambank.models import Category, Question, QuestionVersion
from exambank.rendering import question_html
from tests.lms.builders import build_course, courses_index, lessons_of

pytestmark = pytest.mark.django_db

ATTACK = (
    '<script>alert(1)</script><img src=x onerror="alert(2)"><a href="javascript:alert(3)">x</a>'
)


def _assert_clean(html: str) -> None:
    lowered = html.lower()
    for bad in ("<script", "onerror", "javascript:", "alert(1)"):
        assert bad not in lowered, html


def test_gift_html_question_is_stored_clean(school):
    category = Category.objects.create(name="นำเข้า", school=school)
    gift = f"::xss:: [html]<p>2+2 = ?</p>{ATTACK} {{=4 ~5}}\n".encode()
    (question,) = import_questions("q.gift", gift, "gift", category)
    question.refresh_from_db()
    _assert_clean(question.text)
    assert "2+2" in question.text
    _assert_clean(QuestionVersion.objects.get(question=question).text)


def test_moodle_xml_question_is_stored_clean(school):
    category = Category.objects.create(name="xml", school=school)
    xml = f"""<?xml version="1.0" encoding="UTF-8"?>
<quiz><question type="truefalse"><name><text>tf</text></name>
<questiontext format="html"><text><![CDATA[<p>จริงไหม</p>{ATTACK}]]></text></questiontext>
<answer fraction="100"><text>true</text></answer><answer fraction="0"><text>false</text></answer>
</question></quiz>""".encode()
    (question,) = import_questions("q.xml", xml, "xml", category)
    question.refresh_from_db()
    _assert_clean(question.text)
    assert "จริงไหม" in question.text


def test_a_row_written_around_the_model_is_cleaned_when_shown(school):
    """Defence in depth: even a row updated directly renders without script."""
    category = Category.objects.create(name="raw", school=school)
    question = Question.objects.create(category=category, qtype="essay", text="<p>ok</p>", data={})
    Question.objects.filter(pk=question.pk).update(text=f"<p>ok</p>{ATTACK}")
    question.refresh_from_db()
    _assert_clean(str(question_html(question.text, question.data)))


def test_plain_text_questions_keep_what_was_typed(school):
    category = Category.objects.create(name="plain", school=school)
    question = Question.objects.create(
        category=category, qtype="essay", text="2 < 3 & 4 > 1", data={"text_format": "plain"}
    )
    question.refresh_from_db()
    assert question.text == "2 < 3 & 4 > 1"
    assert "2 &lt; 3 &amp; 4 &gt; 1" in question_html(question.text, question.data)


def test_lesson_body_and_course_summary_are_stored_clean():
    index = courses_index()
    course = build_course(
        index,
        units=[
            (
                "always",
                [
                    (
                        "บทที่ 1",
                        "viewed",
                        {"body": [{"type": "text", "value": f"<p>เนื้อหา</p>{ATTACK}"}]},
                    )
                ],
            )
        ],
        summary=f"<p>สรุป</p>{ATTACK}",
    )
    course.refresh_from_db()
    _assert_clean(course.summary)
    (lesson,) = lessons_of(course)
    lesson.refresh_from_db()
    source = lesson.body[0].value.source
    _assert_clean(source)
    assert "เนื้อหา" in source
