"""The question editor: a form per type, Moodle's checks, a live preview, never JSON."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from core import roles
from exambank.models import Category, Question, Quiz
from exambank.rendering import format_mark

ADD = "wagtailsnippets_exambank_question:add"


def rich(text: str) -> str:
    """What Draftail posts for one paragraph of text."""
    block = {"key": "a1b2c", "type": "unstyled", "depth": 0, "text": text,
             "inlineStyleRanges": [], "entityRanges": []}  # fmt: skip
    return json.dumps({"blocks": [block], "entityMap": {}})


@pytest.fixture
def teacher(make_user, school, client):
    user = make_user("kru-editor", roles.TEACHER, school=school)
    client.force_login(user)
    return user


@pytest.fixture
def category(school):
    return Category.objects.create(name="คณิต", school=school)


def post(client, category, qtype: str, text: str, rows: dict, url=None):
    form = {
        "category": category.pk, "qtype": qtype, "name": f"ข้อ {qtype}", "text": rich(text),
        "general_feedback": "", "default_mark": "1", "status": "ready", "difficulty": "medium",
        "tags": "",
    }  # fmt: skip
    body = {**form, **{f"data-{key}": value for key, value in rows.items()}}
    return client.post(url or reverse(ADD), body)


CASES = {
    "multichoice": (
        {"mc-single": "single", "mc-text": ["๓", "๔", "๕"], "mc-fraction": ["0", "100", "0"],
         "mc-feedback": ["น้อยไป", "ถูก", ""], "mc-format": ["", "", ""]},
        {"single": True, "choices": [
            {"id": "a", "text": "๓", "fraction": 0.0, "feedback": "น้อยไป"},
            {"id": "b", "text": "๔", "fraction": 1.0, "feedback": "ถูก"},
            {"id": "c", "text": "๕", "fraction": 0.0, "feedback": ""}]},
    ),
    "truefalse": (
        {"tf-answer": "false", "tf-feedback-true": "ไม่ใช่", "tf-feedback-false": "ใช่"},
        {"answer": False, "feedback_true": "ไม่ใช่", "feedback_false": "ใช่"},
    ),
    "shortanswer": (
        {"sa-text": ["กรุงเทพ*", "บางกอก"], "sa-fraction": ["100", "50"],
         "sa-feedback": ["", "ชื่อเก่า"]},
        {"answers": [{"text": "กรุงเทพ*", "fraction": 1.0, "feedback": ""},
                     {"text": "บางกอก", "fraction": 0.5, "feedback": "ชื่อเก่า"}],
         "case_sensitive": False},
    ),
    "numerical": (
        {"nu-value": ["9", "1..5", "*"], "nu-tolerance": ["0.5", "", ""],
         "nu-fraction": ["100", "50", "0"], "nu-feedback": ["", "ใกล้", "ผิด"]},
        {"answers": [
            {"value": 9.0, "tolerance": 0.5, "fraction": 1.0, "feedback": ""},
            {"min": 1.0, "max": 5.0, "fraction": 0.5, "feedback": "ใกล้"},
            {"value": "*", "tolerance": 0.0, "fraction": 0.0, "feedback": "ผิด"}]},
    ),
    "matching": (
        {"ma-left": ["แมว", "หมา"], "ma-right": ["เหมียว", "โฮ่ง"], "ma-extra": "ก๊าบ\n"},
        {"pairs": [{"left": "แมว", "right": "เหมียว"}, {"left": "หมา", "right": "โฮ่ง"}],
         "extra_rights": ["ก๊าบ"]},
    ),
    "ordering": (
        {"or-item": ["หนึ่ง", "สอง", "สาม", ""]},
        {"items": ["หนึ่ง", "สอง", "สาม"]},
    ),
    "essay": ({}, {}),
    "description": ({}, {}),
}  # fmt: skip


@pytest.mark.parametrize("qtype", sorted(CASES))
def test_each_type_is_written_with_rows_and_stored_as_the_grader_reads_it(
    db, client, teacher, category, qtype
):
    rows, expected = CASES[qtype]
    response = post(client, category, qtype, "โจทย์", rows)
    assert response.status_code == 302, response.content.decode()[:3000]
    question = Question.objects.get()
    assert question.data == expected
    assert question.versions.get().data == expected  # the hook froze a version


def test_the_editor_never_shows_json_and_labels_every_row(db, client, teacher, category):
    question = Question.objects.create(
        category=category, qtype="multichoice", name="มี", text="<p>2+2</p>",
        data={"single": True, "choices": [{"id": "a", "text": "๔", "fraction": 1},
                                          {"id": "b", "text": "๕", "fraction": 0}]},
    )  # fmt: skip
    page = client.get(
        reverse("wagtailsnippets_exambank_question:edit", args=[question.pk])
    ).content.decode()
    assert "as JSON" not in page and 'name="data"' not in page and "&quot;fraction" not in page
    assert 'name="data-mc-text"' in page and ">๔</textarea>" in page
    assert 'value="100" selected' in page  # the grade picked from Moodle's list
    assert "question-editor.js" in page


def test_moodles_checks_refuse_with_a_message_and_keep_what_was_typed(
    db, client, teacher, category
):
    response = post(client, category, "multichoice", "โจทย์",
                    {"mc-single": "single", "mc-text": ["ก", "ข"], "mc-fraction": ["50", "0"],
                     "mc-feedback": ["", ""], "mc-format": ["", ""]})  # fmt: skip
    page = response.content.decode()
    assert response.status_code == 200 and not Question.objects.exists()
    assert "100%" in page and ">ก</textarea>" in page
    response = post(client, category, "numerical", "โจทย์",
                    {"nu-value": ["เก้า"], "nu-tolerance": [""], "nu-fraction": ["100"],
                     "nu-feedback": [""]})  # fmt: skip
    assert response.status_code == 200 and 'value="เก้า"' in response.content.decode()
    response = post(client, category, "multichoice", "โจทย์",
                    {"mc-single": "multi", "mc-text": ["ก", "ข", "ค"],
                     "mc-fraction": ["50", "33.33333", "-100"], "mc-feedback": ["", "", ""],
                     "mc-format": ["", "", ""]})  # fmt: skip
    assert response.status_code == 200 and not Question.objects.exists()


def test_cloze_is_written_in_moodles_syntax_and_edited_in_it_again(db, client, teacher, category):
    source = "เมืองหลวงของไทยคือ {1:SHORTANSWER:=กรุงเทพ} มี {2:MULTICHOICE:=77~76} จังหวัด"
    assert post(client, category, "cloze", source, {}).status_code == 302
    question = Question.objects.get()
    assert "{#1}" in question.text and "{#2}" in question.text
    assert [g["type"] for g in question.data["gaps"]] == ["shortanswer", "multichoice"]
    edit = reverse("wagtailsnippets_exambank_question:edit", args=[question.pk])
    page = client.get(edit).content.decode()  # Draftail holds the text as escaped JSON
    assert "{1:SHORTANSWER:=" in page and "{2:MULTICHOICE:=77~76}" in page and "{#1}" not in page
    refused = post(client, category, "cloze", "ไม่มีช่อง {1:MULTICHOICE:=เดียว}", {}, url=edit)
    assert refused.status_code == 200
    assert "2" in refused.content.decode() and Question.objects.get().data["gaps"][1]


def test_files_carried_from_moodle_stay_when_the_rows_are_edited(db, client, teacher, category):
    question = Question.objects.create(
        category=category, qtype="shortanswer", name="รูป", text="<p>ภาพนี้คือ</p>",
        data={"answers": [{"text": "ช้าง", "fraction": 1}], "files": {"a.png": 7},
              "text_format": "html"},
    )  # fmt: skip
    edit = reverse("wagtailsnippets_exambank_question:edit", args=[question.pk])
    rows = {"sa-text": ["ช้างไทย"], "sa-fraction": ["100"], "sa-feedback": [""]}
    assert post(client, category, "shortanswer", "ภาพนี้คือ", rows, url=edit).status_code == 302
    question.refresh_from_db()
    assert (
        question.data["files"] == {"a.png": 7} and question.data["answers"][0]["text"] == "ช้างไทย"
    )


def test_preview_shows_the_question_as_a_student_meets_it(db, client, teacher, category):
    rows, _ = CASES["multichoice"]
    body = {
        "category": category.pk, "qtype": "multichoice", "name": "ดู", "text": rich("2+2 เท่ากับ"),
        "general_feedback": "นับนิ้ว", "default_mark": "2", "status": "ready",
        "difficulty": "medium", "tags": "", **{f"data-{k}": v for k, v in rows.items()},
    }  # fmt: skip
    url = reverse("wagtailsnippets_exambank_question:preview_on_add")
    assert client.post(url, body).json()["is_valid"]
    page = client.get(url).content.decode()
    assert 'type="radio" name="q1"' in page and "2+2 เท่ากับ" in page
    assert "๔" in page and "นับนิ้ว" in page and format_mark(2) in page


def test_quiz_slots_reorder_and_the_chooser_filters_the_bank(db, client, teacher, category):
    from core.models import GradeLevel

    grade = GradeLevel.objects.first()
    Question.objects.create(category=category, qtype="essay", name="ป.ของฉัน", text="ก",
                            grade_level=grade)  # fmt: skip
    Question.objects.create(category=category, qtype="essay", name="อื่น", text="ข")
    chooser = reverse("wagtailsnippetchoosers_exambank_question:choose_results")
    listed = client.get(chooser, {"grade_level": grade.pk}).content.decode()
    assert "ป.ของฉัน" in listed and "อื่น" not in listed
    assert "อื่น" in client.get(chooser, {"q": "ข"}).content.decode()
    page = client.get(reverse("wagtailsnippets_exambank_quiz:add")).content.decode()
    assert "data-inline-panel-child-drag" in page or "slots-__prefix__-ORDER" in page
    assert Quiz.objects.count() == 0


def test_a_teacher_files_questions_only_where_they_may(db, client, teacher, category, school):
    from core.models import School

    other = School.objects.create(code="9", name="อื่น", network=school.network)
    theirs = Category.objects.create(name="ของเขา", school=other)
    chooser = reverse("wagtailsnippetchoosers_exambank_category:choose_results")
    assert "ของเขา" not in client.get(chooser).content.decode()
    rows, _ = CASES["essay"]
    assert post(client, theirs, "essay", "แอบใส่", rows).status_code == 200
    assert not Question.objects.exists()
