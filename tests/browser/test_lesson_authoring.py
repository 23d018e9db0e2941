"""A teacher writes a Thai-titled lesson with a video and a quiz in the admin, sends it
for approval, takes it back, sends it again; the school admin approves it; the enrolled
student is told. Everything a teacher clicks is in Thai and the editor never errs."""

import re

import pytest

from core import roles
from tests.conftest import ensure_base_data

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "pass-1234"
TITLE = "เศษส่วนจากวิดีโอ ทดสอบ"


def _course_with_people(school, make_user):
    from django.core.cache import cache
    from django.db import transaction

    from exambank.models import Quiz
    from lms.actions import enrol
    from lms.models import UnitPage
    from lms.moderation import ensure_moderation
    from tests.lms.builders import build_course, courses_index, make_media

    cache.clear()  # site root paths and course facts are cached by id; ids repeat
    ensure_base_data()
    index = courses_index()
    course = build_course(index, units=[("always", [("บทนำ", "viewed", {})])], owner_school=school)
    ensure_moderation()
    make_user("kru-a", roles.TEACHER, school=school, first_name="สมศรี")
    make_user("admin-a", roles.SCHOOL_ADMIN, school=school)
    student = make_user("nakrian-a", roles.STUDENT, school=school, first_name="มานี")
    with transaction.atomic():
        enrol(student, course)
    media = make_media(title="คลิปเศษส่วนบนเส้นจำนวน")
    quiz = Quiz.objects.create(title="แบบทดสอบเศษส่วน", school=school)
    return UnitPage.objects.child_of(course).get(), media, quiz


def _login(page, base: str, username: str, then: str = "/admin/") -> None:
    page.goto(f"{base}/accounts/login/?next={then}")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"**{then}")


def _add_block(page, label: str):
    """Open the body's block picker after the last block and pick one by its Thai label."""
    page.locator('[data-contentpath="body"] button[title="แทรกบล็อก"]').last.click()
    page.get_by_role("option", name=label).first.click()


def _write_lesson(page, base: str, unit_pk: int, media_title: str, quiz_title: str) -> None:
    page.goto(f"{base}/admin/pages/add/lms/lessonpage/{unit_pk}/")
    page.fill("#id_title", TITLE)
    _add_block(page, "ข้อความ")
    editor = page.locator('[data-contentpath="body"] .public-DraftEditor-content').last
    editor.click()
    page.keyboard.type("ดูคลิปแล้วตอบคำถาม")
    _add_block(page, "วิดีโอหรือเสียง")
    page.locator('[data-contentpath="body"] [data-chooser-action-choose]').last.click()
    page.locator(".modal a", has_text=media_title).first.click()
    page.locator(".modal").first.wait_for(state="hidden")
    _add_block(page, "แบบทดสอบ")
    page.locator('[data-contentpath="body"] select').last.select_option(label=quiz_title)


def _footer_action(page, label: str) -> None:
    """A save-bar action; the secondary ones sit behind the bar's toggle."""
    button = page.locator("footer button", has_text=re.compile(label)).first
    if not button.is_visible():
        page.locator("footer .w-dropdown__toggle").first.click()
    # Each action posts the form and lands on a new page: wait for that page,
    # not for the one already loaded.
    with page.expect_navigation():
        button.click()
    page.wait_for_load_state()


@pytest.fixture
def tasks_inline():
    """The live server runs in this process: its Celery tasks (the student's notice)
    run where they are sent, as a worker would run them."""
    from khlang.celery import app

    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = False


def test_teacher_writes_submits_withdraws_resubmits_and_student_is_told(
    page, live_server, school, make_user, tasks_inline
):
    from wagtail.models import WorkflowState

    from lms.models import LessonPage
    from notifications.models import Kind, Notification

    unit, media, quiz = _course_with_people(school, make_user)
    base = live_server.url
    failures: list[str] = []
    page.on(
        "response",
        lambda r: failures.append(f"{r.status} {r.url}") if r.status >= 400 else None,
    )
    page.on("console", lambda m: failures.append(m.text) if m.type == "error" else None)

    _login(page, base, "kru-a")
    _write_lesson(page, base, unit.pk, media.title, quiz.title)
    _footer_action(page, "ส่งขออนุมัติ")
    lesson = LessonPage.objects.get(title=TITLE)
    # The slug keeps every Thai vowel and tone mark.
    assert lesson.slug == "เศษส่วนจากวิดีโอ-ทดสอบ"
    assert [b.block_type for b in lesson.get_latest_revision_as_object().body] == [
        "text",
        "video",
        "quiz",
    ]
    assert WorkflowState.objects.get(object_id=str(lesson.pk)).status == "in_progress"

    # Taken back: the teacher can edit again, in Thai.
    page.goto(f"{base}/admin/pages/{lesson.pk}/edit/")
    _footer_action(page, "ถอนการส่งขออนุมัติ")
    assert not WorkflowState.objects.filter(status="in_progress").exists()
    page.fill("#id_title", TITLE)  # still editable
    _footer_action(page, "ส่งขออนุมัติ")
    assert WorkflowState.objects.filter(status="in_progress").count() == 1

    # The school admin approves from the dashboard's review list.
    page.context.clear_cookies()
    _login(page, base, "admin-a")
    page.locator("main .actions .w-dropdown__toggle").first.click()
    page.locator("main").get_by_role("button", name="อนุมัติ", exact=True).click()
    # Approved from the dashboard, the review list reloads without the lesson.
    page.locator("main a", has_text=TITLE).wait_for(state="detached")
    lesson.refresh_from_db()
    assert lesson.live

    assert Notification.objects.get(user__username="nakrian-a").kind == Kind.NEW_LESSON
    page.context.clear_cookies()
    _login(page, base, "nakrian-a", then="/lms/my/")
    assert page.locator("[data-nav=notifications] .count").inner_text() == "1"
    page.locator("[data-nav=notifications]").click()
    assert TITLE in page.locator(".notice.unread .notice-title").first.inner_text()
    assert not failures, failures
