import pytest

from core import roles

pytestmark = pytest.mark.django_db


def test_area_admin_sees_each_mirror_and_can_revoke_its_key(client, registered, make_user):
    from mirror.models import Mirror

    Mirror.objects.filter(pk=registered.pk).update(
        bytes_pending=5 * 1024 * 1024, results_pending=1234, disk_free_bytes=2 * 1024**3
    )
    admin = make_user("area", roles.AREA_ADMIN)
    client.force_login(admin)
    page = client.get("/admin/mirrors/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "school-1" in html and "1,234" in html and "2.0" in html
    response = client.post(f"/admin/mirrors/{registered.pk}/revoke/")
    assert response.status_code == 302
    registered.refresh_from_db()
    assert registered.is_revoked


def test_students_and_teachers_may_not_see_mirrors(client, registered, make_user):
    for name, role in [("stu", roles.STUDENT), ("tea", roles.TEACHER)]:
        client.force_login(make_user(name, role))
        assert client.get("/admin/mirrors/").status_code in (302, 403, 404)
        assert client.post(f"/admin/mirrors/{registered.pk}/revoke/").status_code in (302, 403, 404)
    registered.refresh_from_db()
    assert not registered.is_revoked
