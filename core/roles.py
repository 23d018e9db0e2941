"""Roles are Django groups with a fixed set of permissions.

Group names are Thai (what admins see); the role keys are the stable English
identifiers the code uses. ``ensure_roles`` is idempotent and runs after every
migrate, so a permission added by a later app reaches its roles automatically.
"""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission

STUDENT = "student"
TEACHER = "teacher"
SCHOOL_ADMIN = "school_admin"
AREA_ADMIN = "area_admin"
SUPERVISOR = "supervisor"

# Group names are rows in the database that code looks up by name, so they are
# identifiers, not interface text: a translator changing one would orphan the
# group. They stay as written here; the role's English name is its key.
ROLE_GROUP_NAMES: dict[str, str] = {
    STUDENT: "นักเรียน",  # i18n: keep (stored group name)
    TEACHER: "ครู",  # i18n: keep (stored group name)
    SCHOOL_ADMIN: "ผู้ดูแลระบบโรงเรียน",  # i18n: keep (stored group name)
    AREA_ADMIN: "ผู้ดูแลระบบเขตพื้นที่",  # i18n: keep (stored group name)
    SUPERVISOR: "ศึกษานิเทศก์",  # i18n: keep (stored group name)
}

# app_label.codename; a role also holds every permission of the roles it lists
# in ROLE_INHERITS. Permissions of apps not yet built are simply absent.
_AUTHORING = [
    "wagtailadmin.access_admin",
    "wagtailimages.add_image", "wagtailimages.change_image", "wagtailimages.choose_image",
    "wagtaildocs.add_document", "wagtaildocs.change_document", "wagtaildocs.choose_document",
    "wagtailmedia.add_media", "wagtailmedia.change_media",
    # Exam bank: teachers write questions and quizzes and read their results.
    "exambank.add_question", "exambank.change_question", "exambank.view_question",
    "exambank.add_category", "exambank.change_category", "exambank.view_category",
    "exambank.add_quiz", "exambank.change_quiz", "exambank.view_quiz",
    "exambank.view_attempt",
    "media_center.add_mediaitem", "media_center.change_mediaitem",
    # Live classes: teachers schedule and run their own, and read the timetables.
    "live.add_livesession", "live.change_livesession", "live.view_livesession",
    "live.view_timetable",
]  # fmt: skip
ROLE_PERMISSIONS: dict[str, list[str]] = {
    STUDENT: [],
    TEACHER: _AUTHORING,
    SCHOOL_ADMIN: [
        "wagtailimages.delete_image",
        "wagtaildocs.delete_document",
        "wagtailmedia.delete_media",
        "media_center.delete_mediaitem",
        "live.delete_livesession",
        # The school's classroom timetables (the area's are the area admins').
        "live.add_timetable",
        "live.change_timetable",
        "live.delete_timetable",
        "core.view_school",
        "core.change_school",
        "reports.view_school_reports",
    ],  # fmt: skip
    SUPERVISOR: [
        "wagtailadmin.access_admin",
        "core.view_school",
        "core.view_schoolnetwork",
        "core.view_areaoffice",
        "mirror.view_mirror",
        "live.view_livesession",
        "live.view_timetable",
        "reports.view_area_reports",
        "reports.view_survey",
        "reports.view_surveyresponse",
        # Supervision: plans, rubrics and targets are read in the admin, edited by the area.
        "supervision.view_plan",
        "supervision.view_rubric",
        "supervision.view_focusarea",
        "supervision.view_usetarget",
    ],  # fmt: skip
    AREA_ADMIN: [
        "core.add_school",
        "core.delete_school",
        "core.add_schoolnetwork",
        "core.change_schoolnetwork",
        "core.delete_schoolnetwork",
        "core.change_areaoffice",
        "core.view_indicator",
        "core.add_indicator",
        "core.change_indicator",
        "core.view_learningstandard",
        "core.add_learningstandard",
        "core.change_learningstandard",
        "core.view_accesslog",
        "transcoding.view_transcodejob",
        "transcoding.change_transcodejob",
        "core.add_user",
        "core.change_user",
        "core.view_user",
        "mirror.view_mirror",
        "mirror.change_mirror",
        "reports.view_kpitarget",
        "reports.change_kpitarget",
        "reports.add_kpitarget",
        "reports.add_survey",
        "reports.change_survey",
        "supervision.add_plan",
        "supervision.change_plan",
        "supervision.delete_plan",
        "supervision.add_rubric",
        "supervision.change_rubric",
        "supervision.delete_rubric",
        "supervision.add_focusarea",
        "supervision.change_focusarea",
        "supervision.delete_focusarea",
        "supervision.add_usetarget",
        "supervision.change_usetarget",
    ],  # fmt: skip
}
ROLE_INHERITS: dict[str, list[str]] = {
    SCHOOL_ADMIN: [TEACHER],
    AREA_ADMIN: [SCHOOL_ADMIN, SUPERVISOR],
}


def role_permissions(role: str) -> set[str]:
    perms = set(ROLE_PERMISSIONS[role])
    for parent in ROLE_INHERITS.get(role, []):
        perms |= role_permissions(parent)
    return perms


# Wagtail checks images, documents and media per collection, not per model, so
# these permissions are also granted on the root collection (school collections
# sit below it and inherit).
COLLECTION_APPS = {"wagtailimages", "wagtaildocs", "wagtailmedia"}


def _grant_on_root_collection(group: Group, perms: list[Permission], using: str) -> None:
    from wagtail.models import Collection, GroupCollectionPermission

    root = Collection.objects.using(using).filter(depth=1).first()
    if root is None:
        return
    for perm in perms:
        if perm.content_type.app_label in COLLECTION_APPS:
            GroupCollectionPermission.objects.using(using).get_or_create(
                group=group, collection=root, permission=perm
            )


def ensure_roles(using: str = "default") -> dict[str, Group]:
    groups: dict[str, Group] = {}
    for role, name in ROLE_GROUP_NAMES.items():
        group, _ = Group.objects.using(using).get_or_create(name=name)
        wanted = role_permissions(role)
        labels = {p.split(".")[0] for p in wanted}
        found = Permission.objects.using(using).filter(content_type__app_label__in=labels)
        perms = [p for p in found.select_related("content_type")
                 if f"{p.content_type.app_label}.{p.codename}" in wanted]  # fmt: skip
        group.permissions.add(*perms)
        _grant_on_root_collection(group, perms, using)
        groups[role] = group
    return groups


def role_group(role: str) -> Group:
    return Group.objects.get(name=ROLE_GROUP_NAMES[role])


def assign_role(user, role: str) -> None:
    user.groups.add(role_group(role))


def user_has_role(user, role: str) -> bool:
    if not user.is_authenticated:
        return False
    if role == AREA_ADMIN and user.is_superuser:
        return True
    return user.groups.filter(name=ROLE_GROUP_NAMES[role]).exists()
