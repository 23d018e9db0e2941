"""Who authors and who approves courses: the workflow and the page permissions.

Teachers may *add* pages under a course index (Wagtail then lets them edit the
pages they own) but not publish; their changes go through the "course
approval" workflow, whose one task lets the owner school's admins approve
school courses and the area admins approve area-wide ones. School admins hold
Wagtail's publish permission (an approved revision is published as the
approver) narrowed to their own school's courses by OwnerPermissionTester; area
admins may edit and publish anything.

Idempotent; runs after every migrate and whenever a course index is created.
"""

from __future__ import annotations

from django.contrib.auth.models import Permission
from django.db import transaction
from wagtail.models import GroupPagePermission, Workflow, WorkflowPage, WorkflowTask

from core import roles

# Stored names the code finds the workflow and task by: identifiers, not interface text.
WORKFLOW_NAME = "อนุมัติหลักสูตร"  # i18n: keep (stored name; migration 0003 renamed it)
TASK_NAME = "เจ้าของหลักสูตรอนุมัติ"  # i18n: keep (stored name; migration 0003 renamed it)

PAGE_PERMISSIONS: dict[str, list[str]] = {
    roles.TEACHER: ["add_page"],
    roles.SCHOOL_ADMIN: ["add_page", "publish_page"],  # narrowed by OwnerPermissionTester
    roles.AREA_ADMIN: ["add_page", "change_page", "publish_page", "lock_page", "unlock_page"],
}


@transaction.atomic
def ensure_moderation(using: str = "default") -> Workflow | None:
    from .models import CourseIndexPage, OwnerApprovalTask

    groups = roles.ensure_roles(using=using)
    task = OwnerApprovalTask.objects.using(using).filter(name=TASK_NAME).first()
    if task is None:
        task = OwnerApprovalTask.objects.using(using).create(name=TASK_NAME)
    workflow, _ = Workflow.objects.using(using).get_or_create(name=WORKFLOW_NAME)
    WorkflowTask.objects.using(using).get_or_create(
        workflow=workflow, task=task, defaults={"sort_order": 0}
    )
    perms = {
        p.codename: p
        for p in Permission.objects.using(using).filter(
            content_type__app_label="wagtailcore",
            codename__in={c for codes in PAGE_PERMISSIONS.values() for c in codes},
        )
    }
    for index in CourseIndexPage.objects.using(using).all():
        WorkflowPage.objects.using(using).get_or_create(page=index, defaults={"workflow": workflow})
        for role, codenames in PAGE_PERMISSIONS.items():
            for codename in codenames:
                GroupPagePermission.objects.using(using).get_or_create(
                    group=groups[role], page=index, permission=perms[codename]
                )
    return workflow
