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
