"""The header's "Admin" link: right for each role, cheap on every page."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core import roles

pytestmark = pytest.mark.django_db


def admin_href() -> str:
    return f'href="{reverse("wagtailadmin_home")}"'


def test_students_see_no_admin_link_and_teachers_do(client, demo_site, make_user):
    student = make_user("link-student", roles.STUDENT)
    teacher = make_user("link-teacher", roles.TEACHER)

    client.force_login(student)
    assert admin_href() not in client.get("/").content.decode()
    client.force_login(teacher)
    assert admin_href() in client.get("/").content.decode()


def test_a_new_role_shows_the_link_at_once(client, demo_site, make_user):
    user = make_user("link-promoted", roles.STUDENT)
    client.force_login(user)
    assert admin_href() not in client.get("/").content.decode()

    roles.assign_role(user, roles.TEACHER)
    assert admin_href() in client.get("/").content.decode()

    user.groups.clear()
    assert admin_href() not in client.get("/").content.decode()


def test_pages_do_not_read_permissions_for_the_header(client, demo_site, make_user):
    client.force_login(make_user("link-quiet", roles.STUDENT))
    client.get("/")  # the first page decides and remembers

    with CaptureQueriesContext(connection) as queries:
        assert client.get("/").status_code == 200
    permission_reads = [q["sql"] for q in queries if "auth_permission" in q["sql"]]
    assert permission_reads == []
