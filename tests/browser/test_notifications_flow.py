"""A teacher's lesson goes through approval; the enrolled student is told, in the header."""

import pytest

from core import roles
from tests.conftest import ensure_base_data

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def approve_new_lesson(school, make_user, *, reject_first: bool = False):
    from django.core.cache import cache
    from django.db import transaction

    from khlang.celery import app
    from lms.actions import enrol
    from lms.models import LessonPage, OwnerApprovalTask, UnitPage
    from lms.moderation import ensure_moderation
    from tests.lms.builders import build_course, courses_index

    cache.clear()  # site root paths and course facts are cached by id; ids repeat
    ensure_base_data()
    index = courses_index()
    ensure_moderation()
    course = build_course(index, units=[("always", [("บทนำ", "viewed", {})])], owner_school=school)
    teacher = make_user("kru-n", roles.TEACHER, school=school)
    admin = make_user("admin-n", roles.SCHOOL_ADMIN, school=school)
    student = make_user("nakrian", roles.STUDENT, school=school, first_name="มานี")
    with transaction.atomic():
        enrol(student, course)
    unit = UnitPage.objects.child_of(course).get()
    draft = LessonPage(title="เศษส่วนที่เท่ากัน", slug="เศษส่วนที่เท่ากัน", live=False, owner=teacher)
    unit.add_child(instance=draft)
    draft.save_revision(user=teacher)
    app.conf.task_always_eager = True
    try:
        workflow = draft.get_workflow()
        task = OwnerApprovalTask.objects.get()
        state = workflow.start(draft, teacher)
        if reject_first:
            task.get_task_states_user_can_moderate(admin).get().reject(user=admin)
            draft.refresh_from_db()
            draft.save_revision(user=teacher)
            state.refresh_from_db()
            state.resume(teacher)  # the teacher sends the changed lesson again
        task.get_task_states_user_can_moderate(admin).get().approve(user=admin)
    finally:
        app.conf.task_always_eager = False
    return teacher, student, LessonPage.objects.get(pk=draft.pk)


def test_student_is_told_of_the_approved_lesson(page, live_server, school, make_user):
    from notifications.models import Kind, Notification

    teacher, student, lesson = approve_new_lesson(school, make_user, reject_first=True)
    kinds = set(Notification.objects.filter(user=teacher).values_list("kind", flat=True))
    assert kinds == {Kind.SENT_BACK, Kind.APPROVED}
    assert Notification.objects.get(user=student).kind == Kind.NEW_LESSON

    page.goto(live_server.url + "/accounts/login/")
    page.fill("input[name=username]", "nakrian")
    page.fill("input[name=password]", "pass-1234")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/lms/my/")
    badge = page.locator("[data-nav=notifications] .count")
    assert badge.inner_text() == "1"
    page.locator("[data-nav=notifications]").click()
    notice = page.locator(".notice.unread .notice-title").first
    assert "เศษส่วนที่เท่ากัน" in notice.inner_text()
    page.get_by_role("button", name="ทำเครื่องหมายว่าอ่านทั้งหมดแล้ว").click()
    page.wait_for_load_state()
    assert page.locator(".notice.unread").count() == 0
    assert page.locator("[data-nav=notifications] .count").count() == 0
