"""A teacher writes every question type in the admin's form editor, previews one,
builds a quiz from the bank; a student takes it; both read the marks."""

import re

import pytest
from django.urls import reverse

from core import roles
from exambank.models import Attempt, Category, Question, Quiz
from tests.conftest import ensure_base_data

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "pass-1234"


def _login(page, base: str, username: str, then: str) -> None:
    page.goto(f"{base}/accounts/login/?next={then}")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"**{then}")


def _rows(page, kind: str, field: str):
    return page.locator(f'[data-rows="{kind}"] [name="data-{field}"]')


def _open_new_question(page, base: str, qtype: str, name: str, text: str) -> None:
    page.goto(base + reverse("wagtailsnippets_exambank_question:add"))
    page.locator("#id_category-chooser [data-chooser-action-choose]").first.click()
    page.locator(".modal a", has_text="คณิตคิดเร็ว").first.click()
    page.locator(".modal").first.wait_for(state="hidden")
    page.select_option("#id_qtype", qtype)
    page.fill("#id_name", name)
    editor = page.locator('[data-contentpath="text"] .public-DraftEditor-content').first
    editor.click()
    page.keyboard.type(text)
    editor.filter(has_text=text[:8]).wait_for()
    # Draft.js keeps its own state: the form's hidden input holds the text once it took it.
    page.wait_for_function(
        "t => document.querySelector('#id_text').value.includes(t)", arg=text[-4:]
    )


def _save(page) -> None:
    page.locator("form button[type=submit]", has_text=re.compile("บันทึก|Save")).first.click()
    page.wait_for_load_state()
    page.locator(".messages .success, [data-w-messages-target] .success").first.wait_for()


def _write_every_type(page, base: str) -> None:
    _open_new_question(page, base, "multichoice", "บวกเลข", "2 + 2 เท่ากับเท่าไร")
    section = page.locator('[data-qtype-section="multichoice"]')
    assert (
        section.is_visible() and not page.locator('[data-qtype-section="numerical"]').is_visible()
    )
    page.locator('[data-add-row="mc"]').click()
    for i, (text, grade) in enumerate([("๓", "0"), ("๔", "100"), ("๕", "0")]):
        _rows(page, "mc", "mc-text").nth(i).fill(text)
        _rows(page, "mc", "mc-fraction").nth(i).select_option(grade)
    _rows(page, "mc", "mc-feedback").nth(0).fill("น้อยไปหนึ่ง")
    # The live preview: the question as a student meets it.
    page.locator('[data-side-panel-toggle="preview"]').click()
    frame = page.frame_locator("#w-preview-iframe")
    frame.locator(".qtext", has_text="เท่ากับเท่าไร").wait_for(timeout=20_000)
    assert frame.locator('label.choice input[type="radio"][name="q1"]').count() == 3
    frame.locator(".preview-key", has_text="๔").wait_for()  # the key, as on review
    page.locator('[data-side-panel-toggle="preview"]').click()
    _save(page)

    _open_new_question(page, base, "truefalse", "ทิศ", "ดวงอาทิตย์ขึ้นทางทิศตะวันออก")
    page.locator('[name="data-tf-answer"][value="true"]').check()
    _save(page)

    _open_new_question(page, base, "shortanswer", "เมืองหลวง", "เมืองหลวงของไทยคือ")
    _rows(page, "sa", "sa-text").first.fill("กรุงเทพ*")
    _save(page)

    _open_new_question(page, base, "numerical", "คูณ", "3 × 3 เท่ากับ")
    _rows(page, "nu", "nu-value").first.fill("9")
    _rows(page, "nu", "nu-tolerance").first.fill("0.5")
    _save(page)

    _open_new_question(page, base, "matching", "เสียงสัตว์", "จับคู่สัตว์กับเสียง")
    for i, (left, right) in enumerate([("แมว", "เหมียว"), ("หมา", "โฮ่ง")]):
        _rows(page, "ma", "ma-left").nth(i).fill(left)
        _rows(page, "ma", "ma-right").nth(i).fill(right)
    page.fill('[name="data-ma-extra"]', "ก๊าบ")
    _save(page)

    _open_new_question(page, base, "ordering", "เรียงเลข", "เรียงจากน้อยไปมาก")
    for i, item in enumerate(["สอง", "หนึ่ง", "สาม"]):
        _rows(page, "or", "or-item").nth(i).fill(item)
    # From the keyboard: "หนึ่ง" moved up above "สอง".
    page.locator('[data-rows="or"] .qe-row').nth(1).locator('[data-move="up"]').click()
    _save(page)

    _open_new_question(page, base, "essay", "เรียงความ", "เล่าเรื่องวันหยุดของฉัน")
    assert page.locator('[data-qtype-section~="essay"]').is_visible()
    _save(page)

    _open_new_question(page, base, "cloze", "เติมคำ", "เมืองหลวงคือ {1:SHORTANSWER:=กรุงเทพ} ค่ะ")
    _save(page)

    _open_new_question(page, base, "description", "อ่านก่อน", "อ่านให้ครบทุกข้อ")
    _save(page)


def _build_quiz(page, base: str, count: int) -> None:
    page.goto(base + reverse("wagtailsnippets_exambank_quiz:add"))
    page.fill("#id_title", "ทดสอบทุกชนิด")
    for i in range(count):
        page.locator("#id_slots-ADD").click()
        child = page.locator(f"#inline_child_slots-{i}")
        child.locator("[data-chooser-action-choose]").first.click()
        modal = page.locator(".modal").first
        modal.locator("a", has_text=EXPECTED_ORDER[i]).first.wait_for()
        modal.locator("a", has_text=EXPECTED_ORDER[i]).first.click()
        modal.wait_for(state="hidden")
    _save(page)


EXPECTED_ORDER = ["บวกเลข", "ทิศ", "เมืองหลวง", "คูณ", "เสียงสัตว์", "เรียงเลข", "เรียงความ", "เติมคำ"]


def _take(page, quiz: Quiz) -> None:
    page.locator("#start-quiz").click()
    page.wait_for_url("**/exams/attempt/*/")
    page.locator("#question-1 label.choice", has_text="๔").locator("input").check()
    page.locator('#question-2 input[value="true"]').check()
    page.fill("#question-3 input[type=text]", "กรุงเทพมหานคร")
    page.fill("#question-4 input[type=text]", "9.2")
    for select, animal in zip(
        page.locator("#question-5 select").all(), ["เหมียว", "โฮ่ง"], strict=True
    ):
        select.select_option(animal)
    for item in page.locator("#question-6 ol.ordering li").all():
        text = item.inner_text().split("\n")[-1].strip()  # after the rank's options
        rank = {"หนึ่ง": "1", "สอง": "2", "สาม": "3"}[text]
        item.locator("select").select_option(rank)
    page.fill("#question-7 textarea", "ไปเที่ยวทะเลกับครอบครัว")
    page.fill("#question-8 input[type=text]", "กรุงเทพ")
    page.locator("#submit-attempt").click()
    page.wait_for_url("**/review/")


def test_teacher_writes_every_type_builds_a_quiz_student_takes_it(
    page, live_server, make_user, school, screenshot_dir
):
    ensure_base_data()
    base = live_server.url
    make_user("kru", roles.TEACHER, password=PASSWORD, school=school)
    make_user("nong", roles.STUDENT, password=PASSWORD, school=school)
    Category.objects.create(name="คณิตคิดเร็ว", school=school)

    _login(page, base, "kru", "/admin/")
    _write_every_type(page, base)
    assert Question.objects.count() == 9
    stored = {q.name: q for q in Question.objects.all()}
    assert stored["เรียงเลข"].data["items"] == ["หนึ่ง", "สอง", "สาม"]
    assert stored["คูณ"].data["answers"][0] == {
        "value": 9.0, "tolerance": 0.5, "fraction": 1.0, "feedback": ""}  # fmt: skip
    assert stored["เติมคำ"].data["gaps"][0]["answers"][0]["text"] == "กรุงเทพ"
    page.screenshot(path=str(screenshot_dir / "question-editor.png"), full_page=True)

    _build_quiz(page, base, len(EXPECTED_ORDER))
    quiz = Quiz.objects.get()
    assert [s.question.name for s in quiz.slots.order_by("order")] == EXPECTED_ORDER

    page.context.clear_cookies()
    _login(page, base, "nong", f"/exams/quiz/{quiz.pk}/")
    _take(page, quiz)
    attempt = Attempt.objects.get()
    # Seven marked at once (all right); the essay waits for the teacher.
    assert float(attempt.slots.exclude(version__qtype="essay").count()) == 7
    assert all(s.fraction == 1 for s in attempt.slots.exclude(version__qtype="essay")), [
        (s.position, s.response, s.fraction) for s in attempt.slots.all()
    ]
    page.screenshot(path=str(screenshot_dir / "question-editor-review.png"), full_page=True)

    page.context.clear_cookies()
    _login(page, base, "kru", reverse("exambank:grading"))
    page.fill("input[name=mark]", "0.5")
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_load_state()
    page.goto(base + reverse("exambank:gradebook"))
    assert "nong" in page.locator("main").inner_text()
    assert "93.75" in page.locator("main").inner_text()  # 7.5 of 8

    page.context.clear_cookies()
    _login(page, base, "nong", reverse("exambank:my_grades"))
    assert "7.5 / 8" in page.locator("main").inner_text()
