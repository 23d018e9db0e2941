"""Attempt lifecycle on the embedded default (PostgreSQL races: tests/integration)."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from core import roles
from core.models import UsageEvent
from core.signals import quiz_attempt_finished
from exambank import actions
from exambank.models import Attempt, AttemptState, Category, Question, QuestionVersion
from tests.exambank.helpers import make_quiz


@pytest.fixture
def student(make_user, school):
    return make_user("nong", roles.STUDENT, school=school)


@pytest.fixture
def teacher(make_user, school):
    return make_user("kru", roles.TEACHER, school=school)


def test_every_edit_is_a_version_and_attempts_keep_theirs(
    db, student, django_capture_on_commit_callbacks
):
    quiz = make_quiz(1)
    question = quiz.slots.get().question
    attempt = actions.start_attempt(quiz, student, "k1")
    question.text = "ข้อที่ 1 (แก้ไข)"
    actions.save_question(question)
    assert list(question.versions.values_list("number", flat=True)) == [1, 2]
    actions.save_question(question)  # nothing changed: no new version
    assert question.versions.count() == 2
    assert attempt.slots.get().version.number == 1
    assert actions.version_for_slot(quiz.slots.get()).number == 2
    slot = quiz.slots.get()
    slot.version = question.versions.get(number=1)  # pin
    slot.save()
    actions.set_version_status(question.versions.get(number=2), "hidden")
    assert actions.version_for_slot(quiz.slots.get()).number == 1


def test_start_save_submit_are_idempotent(db, student, django_capture_on_commit_callbacks):
    quiz = make_quiz(3, attempts_allowed=2)
    first = actions.start_attempt(quiz, student, "key-1")
    assert actions.start_attempt(quiz, student, "key-1").pk == first.pk
    assert actions.start_attempt(quiz, student, "key-2").pk == first.pk  # second tab
    slot = first.slots.get(position=1)
    right = next(c["id"] for c in slot.version.data["choices"] if c["fraction"] == 1)
    assert actions.save_answer(first.pk, 1, right, 5)
    assert not actions.save_answer(first.pk, 1, "zz", 4)  # an older autosave arrives late
    assert first.slots.get(position=1).response == right
    received = []
    quiz_attempt_finished.connect(lambda **kw: received.append(kw), weak=False, dispatch_uid="t1")
    try:
        with django_capture_on_commit_callbacks(execute=True):
            done = actions.submit_attempt(first.pk)
        with django_capture_on_commit_callbacks(execute=True):
            again = actions.submit_attempt(first.pk)
    finally:
        quiz_attempt_finished.disconnect(dispatch_uid="t1")
    assert done.state == again.state == AttemptState.FINISHED
    assert done.score == pytest.approx(1 / 3)
    assert len(received) == 1 and received[0]["score"] == pytest.approx(1 / 3)
    assert received[0]["passed"] is False and received[0]["quiz"] == quiz
    assert UsageEvent.objects.filter(service="exambank", action="attempt").count() == 1
    with pytest.raises(actions.AttemptRefused):
        actions.save_answer(first.pk, 2, right, 9)
    assert actions.start_attempt(quiz, student, "key-1").pk == first.pk  # retried start: same
    second = actions.start_attempt(quiz, student, "key-3")
    assert second.number == 2
    actions.submit_attempt(second.pk)
    with pytest.raises(actions.AttemptRefused, match="attempts used"):
        actions.start_attempt(quiz, student, "key-4")
    assert actions.quiz_grade(quiz, student) == pytest.approx(1 / 3)  # highest


def test_time_limit_is_kept_by_the_server(db, student):
    quiz = make_quiz(2, time_limit_seconds=60, grace_seconds=30)
    start = timezone.now()
    attempt = actions.start_attempt(quiz, student, "t", now=start)
    assert attempt.deadline == start + dt.timedelta(seconds=60)
    assert actions.save_answer(attempt.pk, 1, "a", 1, now=start + dt.timedelta(seconds=80))  # grace
    with pytest.raises(actions.AttemptRefused, match="time limit"):
        actions.save_answer(attempt.pk, 2, "a", 1, now=start + dt.timedelta(seconds=95))
    assert actions.close_overdue_attempts(now=start + dt.timedelta(seconds=85)) == 0
    assert actions.close_overdue_attempts(now=start + dt.timedelta(seconds=95)) == 1
    attempt.refresh_from_db()
    assert attempt.state == AttemptState.FINISHED and attempt.closed_by_timer
    assert attempt.slots.get(position=1).response == "a"


def test_essay_goes_to_the_grading_queue(db, student, teacher, client):
    category = Category.objects.create(name="ภาษาไทย")
    essay = Question(category=category, qtype="essay", name="เรียงความ", text="เล่าเรื่อง")
    actions.save_question(essay)
    quiz = make_quiz(1, extra=[essay])
    attempt = actions.start_attempt(quiz, student, "e")
    actions.save_answer(attempt.pk, 2, "วันหยุดของฉัน", 1)
    attempt = actions.submit_attempt(attempt.pk)
    assert attempt.state == AttemptState.NEEDS_GRADING and attempt.score is None
    client.force_login(teacher)
    page = client.get(reverse("exambank:grading"))
    assert "วันหยุดของฉัน" in page.content.decode()
    slot = attempt.slots.get(position=2)
    assert "0 ถึง 1" in page.content.decode()  # marks out of the question's maximum
    refused = client.post(
        reverse("exambank:grading"), {"slot": slot.pk, "mark": "1.5"}, follow=True
    )
    assert "ตั้งแต่ 0 ถึง 1" in refused.content.decode()
    assert Attempt.objects.get(pk=attempt.pk).state == AttemptState.NEEDS_GRADING
    client.post(reverse("exambank:grading"), {"slot": slot.pk, "mark": "0.5", "comment": "ดี"})
    attempt.refresh_from_db()
    assert attempt.state == AttemptState.FINISHED
    assert attempt.marks == pytest.approx(
        0.5 + (1 if attempt.slots.get(position=1).fraction else 0)
    )


def test_pages_take_save_submit_review(db, student, client):
    quiz = make_quiz(2, time_limit_seconds=600)
    client.force_login(student)
    assert client.get(reverse("exambank:quiz", args=[quiz.pk])).status_code == 200
    response = client.post(reverse("exambank:start", args=[quiz.pk]), {"start_key": "abc"})
    attempt = Attempt.objects.get()
    assert response.url == reverse("exambank:attempt", args=[attempt.pk])
    client.post(reverse("exambank:start", args=[quiz.pk]), {"start_key": "abc"})  # double click
    assert Attempt.objects.count() == 1
    page = client.get(response.url).content.decode()
    assert 'name="q1"' in page and 'data-remaining="' in page
    saved = client.post(
        reverse("exambank:save", args=[attempt.pk]), {"position": 1, "seq": 1, "q1": "b"}
    )
    assert saved.json()["saved"] is True
    assert (
        client.post(
            reverse("exambank:save", args=[attempt.pk]), {"position": 9, "seq": 1}
        ).status_code
        == 404
    )
    submit = client.post(reverse("exambank:submit", args=[attempt.pk]), {"q2": "a"})
    assert submit.url == reverse("exambank:review", args=[attempt.pk])
    attempt.refresh_from_db()
    assert (
        attempt.slots.get(position=1).response == "b"
        and attempt.slots.get(position=2).response == "a"
    )
    review = client.get(submit.url).content.decode()
    assert 'id="score"' in review
    late = client.post(
        reverse("exambank:save", args=[attempt.pk]), {"position": 1, "seq": 7, "q1": "c"}
    )
    assert late.status_code == 409


def test_other_students_attempts_are_private(db, student, make_user, school, client):
    quiz = make_quiz(1)
    attempt = actions.start_attempt(quiz, student, "p")
    client.force_login(make_user("other", roles.STUDENT, school=school))
    assert client.get(reverse("exambank:attempt", args=[attempt.pk])).status_code == 404
    save = client.post(
        reverse("exambank:save", args=[attempt.pk]), {"position": 1, "seq": 3, "q1": "a"}
    )
    assert save.status_code == 404 and attempt.slots.get(position=1).response is None
    assert client.get(reverse("exambank:analysis", args=[quiz.pk])).status_code == 404


def test_item_analysis_page_csv_and_task(db, student, teacher, make_user, school, client):
    from exambank.tasks import compute_item_analysis_task

    quiz = make_quiz(2)
    for i, username in enumerate(["s1", "s2", "s3", "s4"]):
        user = make_user(username, roles.STUDENT, school=school)
        attempt = actions.start_attempt(quiz, user, username)
        for slot in attempt.slots.all():
            right = next(c["id"] for c in slot.version.data["choices"] if c["fraction"] == 1)
            actions.save_answer(
                attempt.pk,
                slot.position,
                right if i < 2 or slot.position == 1 and i < 3 else "d",
                1,
            )
        actions.submit_attempt(attempt.pk)
    client.force_login(teacher)
    assert (
        "no-analysis" in client.get(reverse("exambank:analysis", args=[quiz.pk])).content.decode()
    )
    assert compute_item_analysis_task(quiz.pk) == 4
    page = client.get(reverse("exambank:analysis", args=[quiz.pk])).content.decode()
    assert "analysis-chart" in page and "vendor/chart.js/chart.umd.js" in page and "0.75" in page
    csv_text = client.get(
        reverse("exambank:analysis", args=[quiz.pk]) + "?format=csv"
    ).content.decode()
    assert csv_text.splitlines()[0].lstrip("\ufeff").startswith("question_id,name,n,p")
    assert "0.7500" in csv_text and "0.5000" in csv_text


def test_paper_pdf_and_answer_sheet(db, teacher, make_user, school, client):
    from exambank.paper import render_paper

    quiz = make_quiz(3)
    pdf = render_paper(quiz)
    assert pdf.startswith(b"%PDF") and len(pdf) > 1000
    client.force_login(teacher)
    assert (
        client.get(reverse("exambank:paper", args=[quiz.pk]))["Content-Type"] == "application/pdf"
    )
    make_user("p1", roles.STUDENT, school=school)
    make_user("p2", roles.STUDENT, school=school)
    sheet = "student,1,2,3\np1,ก,ก,ก\np2,A,B,ข\n".encode()
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.post(
        reverse("exambank:answer_sheet", args=[quiz.pk]),
        {"file": SimpleUploadedFile("s.csv", sheet)},
    )
    scores = dict(Attempt.objects.values_list("user__username", "score"))
    assert scores == {"p1": pytest.approx(1.0), "p2": pytest.approx(1 / 3)}
    client.post(
        reverse("exambank:answer_sheet", args=[quiz.pk]),
        {"file": SimpleUploadedFile("s.csv", sheet)},
    )
    assert Attempt.objects.count() == 2  # the same sheet twice grades once
    bad = "student,1,2,3\nnobody,ก,ก,ก\np1,ก,ฮ,ก\n".encode()
    page = client.post(
        reverse("exambank:answer_sheet", args=[quiz.pk]), {"file": SimpleUploadedFile("b.csv", bad)}
    )
    text = page.content.decode()
    assert "บรรทัด 2 ช่อง student" in text and "บรรทัด 3 ช่อง 2" in text
    assert Attempt.objects.count() == 2


def test_pdf_text_is_shaped_thai(db):
    """The Thai text goes into the PDF through the embedded Thai font (HarfBuzz-shaped)."""
    from bench._pdf_quality import embedded_fonts
    from exambank.paper import render_paper

    quiz = make_quiz(1)
    pdf = render_paper(quiz)
    assert embedded_fonts(pdf) & {"Garuda", "Loma"}


def test_import_page_all_or_nothing(db, teacher, client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    category = Category.objects.create(name="นำเข้า", school=teacher.school)
    client.force_login(teacher)
    bad = "::ดี:: 1+1 {=2 ~3}\n\n::เสีย:: 2+2 {=4 ~5\n".encode()
    page = client.post(
        reverse("exambank:import"),
        {"category": category.pk, "format": "gift", "file": SimpleUploadedFile("q.gift", bad)},
    )
    assert "ไฟล์ q.gift บรรทัด 3" in page.content.decode()
    assert Question.objects.count() == 0
    good = "$CATEGORY: บวก\n\n::ดี:: 1+1 {=2 ~3}\n\n::ถูกผิด:: ฟ้าสีฟ้า {T}\n".encode()
    client.post(
        reverse("exambank:import"),
        {"category": category.pk, "format": "gift", "file": SimpleUploadedFile("q.gift", good)},
    )
    assert Question.objects.count() == 2 and QuestionVersion.objects.count() == 2
    assert Question.objects.first().category.path == "นำเข้า/บวก"
    exported = client.get(reverse("exambank:export", args=[category.pk, "gift"])).content.decode()
    assert "::ดี::" in exported and "$CATEGORY: บวก" in exported


def test_immediate_feedback_grades_each_saved_answer(db, student, client):
    quiz = make_quiz(1, feedback_mode="immediate")
    attempt = actions.start_attempt(quiz, student, "i")
    client.force_login(student)
    url = reverse("exambank:save", args=[attempt.pk])
    assert client.post(url, {"position": 1, "seq": 1, "q1": "a"}).json()["fraction"] == 1.0
    assert client.post(url, {"position": 1, "seq": 2, "q1": "b"}).json()["fraction"] == 0.0
    quiz.feedback_mode = "deferred"
    quiz.save()
    assert "fraction" not in client.post(url, {"position": 1, "seq": 3, "q1": "a"}).json()


def test_blueprint_draws_per_student_unseen_first_and_only_visible(db, student, school, area):
    from core.models import Indicator, LearningStandard, School, SubjectGroup
    from exambank.models import BlueprintRule, Quiz
    from tests.exambank.helpers import mc_question

    standard = LearningStandard.objects.create(
        subject_group=SubjectGroup.objects.get(code="ค"), code="ค 1.1"
    )
    indicator = Indicator.objects.create(standard=standard, code="ค 1.1 ป.3/1", description="บวก")
    mine = Category.objects.create(name="ของโรงเรียน", school=school)
    other_school = School.objects.create(code="2", name="อื่น", network=school.network,
                                         district="x", size_class="small", link_type="adsl")  # fmt: skip
    private = Category.objects.create(name="ของโรงเรียนอื่น", school=other_school)
    easy = []
    for n in range(4):
        q = mc_question(mine, f"ง่าย {n}", difficulty="easy")
        q.indicators.add(indicator)
        easy.append(q.pk)
    hidden = mc_question(private, "ห้ามเห็น", difficulty="easy")
    hidden.indicators.add(indicator)
    quiz = Quiz.objects.create(title="สุ่ม", mode="blueprint", school=school, attempts_allowed=0)
    BlueprintRule.objects.create(quiz=quiz, indicator=indicator, difficulty="easy", count=2)
    first = actions.start_attempt(quiz, student, "b1")
    seen = set(first.slots.values_list("version__question_id", flat=True))
    actions.submit_attempt(first.pk)
    second = actions.start_attempt(quiz, student, "b2")
    again = set(second.slots.values_list("version__question_id", flat=True))
    assert len(seen) == len(again) == 2
    assert seen.isdisjoint(again) and seen | again == set(easy)  # unseen ones first
    assert hidden.pk not in seen | again
    BlueprintRule.objects.create(quiz=quiz, indicator=indicator, difficulty="hard", count=1)
    actions.submit_attempt(second.pk)
    with pytest.raises(actions.AttemptRefused, match="blueprint row 2"):
        actions.start_attempt(quiz, student, "b3")


def test_admin_lists_only_what_a_teacher_may_use(db, teacher, school, client):
    from core.models import School
    from tests.exambank.helpers import mc_question

    other = School.objects.create(code="3", name="อื่น", network=school.network, district="x",
                                  size_class="small", link_type="adsl")  # fmt: skip
    mc_question(Category.objects.create(name="ของเรา", school=school), "ข้อของเรา")
    mc_question(Category.objects.create(name="ของเขต"), "ข้อของเขต")
    mc_question(Category.objects.create(name="ของเขา", school=other), "ข้อของเขา")
    client.force_login(teacher)
    page = client.get("/admin/snippets/exambank/question/").content.decode()
    assert "ข้อของเรา" in page and "ข้อของเขต" in page and "ข้อของเขา" not in page


def test_admin_forms_render_and_saving_in_the_admin_makes_a_version(db, make_user, client):
    from django.test import RequestFactory

    from exambank.wagtail_hooks import version_question_after_save
    from tests.exambank.helpers import mc_question

    admin = make_user("boss", roles.AREA_ADMIN, is_superuser=True, is_staff=True)
    client.force_login(admin)
    for url in ["/admin/snippets/exambank/question/add/", "/admin/snippets/exambank/quiz/add/",
                "/admin/snippets/exambank/category/add/"]:  # fmt: skip
        assert client.get(url).status_code == 200, url
    question = mc_question(Category.objects.create(name="แก้"), "ก่อนแก้")
    question.text = "หลังแก้"
    question.save()
    request = RequestFactory().post("/")
    request.user = admin
    version_question_after_save(request, question)
    assert list(question.versions.values_list("text", flat=True)) == ["ก่อนแก้", "หลังแก้"]
    assert question.versions.last().created_by == admin


def test_stale_analyses_are_found(db, student):
    from exambank.analysis import compute_item_analysis, stale_quiz_ids

    quiz = make_quiz(1)
    assert stale_quiz_ids() == []
    actions.submit_attempt(actions.start_attempt(quiz, student, "s").pk)
    assert stale_quiz_ids() == [quiz.pk]
    compute_item_analysis(quiz)
    assert stale_quiz_ids() == []


def test_paper_sheet_refuses_a_student_mid_online_attempt(db, teacher, student):
    from exambank.formats import QuestionImportError
    from exambank.paper import import_answer_sheet

    quiz = make_quiz(1)
    online = actions.start_attempt(quiz, student, "online")
    with pytest.raises(QuestionImportError) as exc:
        import_answer_sheet(quiz, "s.csv", b"student,1\nnong,A\n", teacher)
    assert "line 2 field student" in str(exc.value) and "in progress" in str(exc.value)
    online.refresh_from_db()
    assert online.state == AttemptState.IN_PROGRESS and Attempt.objects.count() == 1


def test_export_of_another_schools_private_category_is_refused(db, teacher, school, client):
    from core.models import School
    from tests.exambank.helpers import mc_question

    other = School.objects.create(code="4", name="อื่น", network=school.network, district="x",
                                  size_class="small", link_type="adsl")  # fmt: skip
    private = Category.objects.create(name="ลับ", school=other)
    mc_question(private, "ข้อลับ")
    client.force_login(teacher)
    assert client.get(reverse("exambank:export", args=[private.pk, "gift"])).status_code == 404
    private.published = True
    private.save()
    assert (
        "ข้อลับ" in client.get(reverse("exambank:export", args=[private.pk, "gift"])).content.decode()
    )
