import pytest

from core import roles


@pytest.mark.django_db
def test_roles_exist_after_migrate_with_their_permissions():
    from django.contrib.auth.models import Group

    names = set(Group.objects.values_list("name", flat=True))
    assert set(roles.ROLE_GROUP_NAMES.values()) <= names
    teacher = Group.objects.get(name=roles.ROLE_GROUP_NAMES[roles.TEACHER])
    codes = {f"{p.content_type.app_label}.{p.codename}" for p in teacher.permissions.all()}
    assert "wagtailadmin.access_admin" in codes and "wagtailimages.add_image" in codes
    student = Group.objects.get(name=roles.ROLE_GROUP_NAMES[roles.STUDENT])
    assert not student.permissions.exists()


def test_area_admin_inherits_school_admin_and_supervisor():
    area = roles.role_permissions(roles.AREA_ADMIN)
    assert roles.role_permissions(roles.SCHOOL_ADMIN) <= area
    assert roles.role_permissions(roles.SUPERVISOR) <= area
    assert roles.role_permissions(roles.TEACHER) <= roles.role_permissions(roles.SCHOOL_ADMIN)


@pytest.mark.django_db
def test_ensure_roles_is_idempotent():
    first = roles.ensure_roles()
    second = roles.ensure_roles()
    assert {k: g.pk for k, g in first.items()} == {k: g.pk for k, g in second.items()}


@pytest.mark.django_db
def test_user_roles_and_admin_access(make_user, school):
    teacher = make_user("kru", roles.TEACHER, school=school)
    student = make_user("nong", roles.STUDENT, school=school)
    assert teacher.has_role(roles.TEACHER) and not teacher.has_role(roles.STUDENT)
    assert teacher.has_perm("wagtailadmin.access_admin")
    assert not student.has_perm("wagtailadmin.access_admin")
    assert teacher.school.area.code == "T1"


@pytest.mark.django_db
def test_teacher_can_add_images_documents_and_media_in_the_admin(make_user, school):
    from wagtail.documents import get_document_model
    from wagtail.images import get_image_model
    from wagtail.permissions import policy_registry

    image_policy = policy_registry.get_by_type(get_image_model())
    document_policy = policy_registry.get_by_type(get_document_model())

    teacher = make_user("kru2", roles.TEACHER, school=school)
    student = make_user("nong2", roles.STUDENT, school=school)
    assert image_policy.user_has_permission(teacher, "add")
    assert document_policy.user_has_permission(teacher, "add")
    assert not image_policy.user_has_permission(student, "add")
