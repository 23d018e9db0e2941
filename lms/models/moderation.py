"""Approval by the course's owner: a school's admins, or the area's admins.

Wagtail's group approval task asks one fixed group; a course tree mixes school
courses and area-wide ones, so this task picks the approvers from the course
the page belongs to.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from wagtail.models import PagePermissionTester, Task, TaskState

from core import roles


def owner_school_id(obj) -> int | None:
    """The owner school of the course ``obj`` is (or is under), None if area-wide."""
    from .pages import CoursePage

    page = getattr(obj, "specific", obj)
    if isinstance(page, CoursePage):
        return page.owner_school_id
    course_id = getattr(page, "course_id", None)
    if course_id is None and getattr(page, "path", None):
        course = CoursePage.objects.filter(path__in=_ancestor_paths(page)).first()
        return course.owner_school_id if course else None
    return CoursePage.objects.filter(pk=course_id).values_list("owner_school_id", flat=True).first()


def _ancestor_paths(page) -> list[str]:
    return [page.path[: i * page.steplen] for i in range(1, page.depth)]


def can_approve(user, obj) -> bool:
    if not user.is_authenticated:
        return False
    if user.is_superuser or roles.user_has_role(user, roles.AREA_ADMIN):
        return True
    school_id = owner_school_id(obj)
    return (
        school_id is not None
        and user.school_id == school_id
        and roles.user_has_role(user, roles.SCHOOL_ADMIN)
    )


class OwnerApprovalTask(Task):
    def user_can_access_editor(self, obj, user) -> bool:
        return can_approve(user, obj)

    def locked_for_user(self, obj, user) -> bool:
        return not can_approve(user, obj)

    def user_can_lock(self, obj, user) -> bool:
        return can_approve(user, obj)

    def user_can_unlock(self, obj, user) -> bool:
        return False

    def get_actions(self, obj, user):
        if can_approve(user, obj):
            return [
                ("reject", _("Request changes"), True),
                ("approve", _("Approve"), False),
                ("approve", _("Approve with comment"), True),
            ]
        return []

    def get_task_states_user_can_moderate(self, user, **kwargs):
        states = self.task_states.filter(status=TaskState.STATUS_IN_PROGRESS)
        if user.is_superuser or roles.user_has_role(user, roles.AREA_ADMIN):
            return states
        if not roles.user_has_role(user, roles.SCHOOL_ADMIN) or not user.school_id:
            return TaskState.objects.none()
        ids = [
            state.pk
            for state in states.select_related("workflow_state")
            if can_approve(user, state.workflow_state.content_object)
        ]
        return TaskState.objects.filter(pk__in=ids)

    @classmethod
    def get_description(cls):
        return _("The owner school's admins approve school courses; area admins the rest")

    class Meta:
        verbose_name = _("course owner approval")
        verbose_name_plural = _("course owner approvals")


class OwnerPermissionTester(PagePermissionTester):
    """Wagtail's page permissions, narrowed by course owner for publishing.

    School admins hold "publish" on the whole course tree (Wagtail publishes an
    approved revision as the approver), so this keeps them to their own
    school's courses; creating and publishing a new course in one step is left
    to area admins.
    """

    def _owner_allows(self) -> bool:
        return self.user.is_superuser or can_approve(self.user, self.page)

    def can_publish(self) -> bool:
        return super().can_publish() and self._owner_allows()

    def can_unpublish(self) -> bool:
        return super().can_unpublish() and self._owner_allows()

    def can_publish_subpage(self) -> bool:
        return super().can_publish_subpage() and self._owner_allows()


class OwnerModeratedPage:
    """Mixin for the course tree's page models."""

    def permissions_for_user(self, user):
        return OwnerPermissionTester(user, self)
