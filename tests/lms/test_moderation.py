"""Authoring rights and the course approval workflow."""

import pytest

from core import roles
from lms.models import CoursePage, OwnerApprovalTask
from lms.models.moderation import can_approve
from lms.moderation import WORKFLOW_NAME, ensure_moderation

pytestmark = pytest.mark.django_db


@pytest.fixture
def other_school(school):
    from core.models import School

    return School.objects.create(
        code="1000000002",
        name="โรงเรียนอื่น",
        network=school.network,
        district="เมือง",
        size_class="small",
        link_type="adsl",
    )


@pytest.fixture
def people(make_user, school, other_school):
    return {
        "teacher": make_user("t", roles.TEACHER, school=school),
        "admin_here": make_user("sa", roles.SCHOOL_ADMIN, school=school),
        "admin_there": make_user("sb", roles.SCHOOL_ADMIN, school=other_school),
        "area": make_user("aa", roles.AREA_ADMIN),
    }


def test_teachers_may_add_courses_but_not_publish(index, people):
    ensure_moderation()
    perms = index.permissions_for_user(people["teacher"])
    assert perms.can_add_subpage() and not perms.can_publish_subpage()
    assert index.get_workflow().name == WORKFLOW_NAME
    assert index.permissions_for_user(people["area"]).can_publish_subpage()


def test_ensure_moderation_is_idempotent(index):
    ensure_moderation()
    ensure_moderation()
    assert OwnerApprovalTask.objects.count() == 1


def test_owner_school_admin_approves_school_courses_area_admin_the_rest(index, people, school):
    from tests.lms.builders import build_course

    school_course = build_course(index, units=[], owner_school=school, slug="s")
    area_course = build_course(index, units=[], slug="a")
    assert can_approve(people["admin_here"], school_course)
    assert not can_approve(people["admin_there"], school_course)
    assert not can_approve(people["teacher"], school_course)
    assert not can_approve(people["admin_here"], area_course)
    assert can_approve(people["area"], area_course)
    assert can_approve(people["area"], school_course)


def test_a_teachers_draft_is_published_when_the_school_admin_approves(index, people, school):
    ensure_moderation()
    teacher = people["teacher"]
    draft = CoursePage(
        title="วิทยาศาสตร์ ป.4", slug="sci-p4", kind="elearning", owner_school=school, live=False
    )
    index.add_child(instance=draft)
    draft.owner = teacher
    draft.save()
    revision = draft.save_revision(user=teacher)
    workflow = index.get_workflow()
    workflow.start(draft, teacher)
    task = OwnerApprovalTask.objects.get()
    assert not task.get_task_states_user_can_moderate(people["admin_there"]).exists()
    states = task.get_task_states_user_can_moderate(people["admin_here"])
    assert states.count() == 1
    assert task.get_actions(draft, people["teacher"]) == []
    states.get().approve(user=people["admin_here"])
    draft.refresh_from_db()
    assert draft.live and draft.live_revision_id == revision.pk


def test_school_admins_publish_only_their_own_schools_courses(index, people, school):
    from tests.lms.builders import build_course

    ensure_moderation()
    mine = build_course(index, units=[], owner_school=school, slug="m")
    area_wide = build_course(index, units=[], slug="w")
    admin = people["admin_here"]
    assert mine.permissions_for_user(admin).can_publish()
    assert not area_wide.permissions_for_user(admin).can_publish()
    assert not people["admin_there"].is_superuser
    assert not mine.permissions_for_user(people["admin_there"]).can_publish()
    assert not index.permissions_for_user(admin).can_publish_subpage()
    assert area_wide.permissions_for_user(people["area"]).can_publish()


def test_lesson_drafts_preview_and_revisions(index, people):
    from tests.lms.builders import build_course, lessons_of

    ensure_moderation()
    course = build_course(index, units=[("always", [("ร่าง", "viewed", {})])], slug="d")
    lesson = lessons_of(course)[0]
    lesson.body = [{"type": "text", "value": "<p>ฉบับร่างใหม่</p>"}]
    draft = lesson.save_revision(user=people["area"])
    live = lesson.__class__.objects.get(pk=lesson.pk)
    assert "ฉบับร่างใหม่" not in str(live.body)  # a draft does not change the live page
    request = draft.as_object().make_preview_request()
    assert request.status_code == 200 and "ฉบับร่างใหม่" in request.content.decode()
    draft.publish(user=people["area"])
    assert "ฉบับร่างใหม่" in str(lesson.__class__.objects.get(pk=lesson.pk).body)
    assert lesson.revisions.count() == 1
