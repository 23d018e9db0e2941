"""Central's page of mirrors: content lag, the 7-day filter, the CSV, and scope
(supervisors and area admins see all, a school admin their own, others nothing)."""

import csv
import datetime as dt
import io

import pytest
from django.utils import timezone

from core import roles
from core.models import School
from mirror.actions import register_mirror
from mirror.feed import refresh_feed
from mirror.models import ChangeEntry, Mirror

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_mirrors(registered, school, mirror_conf):
    other = School.objects.create(
        code="2000000002", name="=HYPERLINK(1)", network=school.network,
        district="เมือง", size_class="small", link_type="satellite",
    )  # fmt: skip
    far = register_mirror("school-2", other.code, registered.public_key)
    refresh_feed()
    top = max(ChangeEntry.objects.values_list("version", flat=True))
    # school-1 is up to date; school-2 has never synced, and its changes are old.
    Mirror.objects.filter(pk=registered.pk).update(
        acked_version=top, last_contact=timezone.now(), software_version="0.1.0",
        disk_free_bytes=3 * 1024**3, results_pending=12,
    )  # fmt: skip
    ChangeEntry.objects.update(updated_at=timezone.now() - dt.timedelta(days=9))
    Mirror.objects.filter(pk=far.pk).update(last_error="ติดต่อส่วนกลางไม่ได้ / cannot reach central")
    return registered, far


def rows_of(response) -> list[dict]:
    text = response.content.decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def test_supervisor_sees_every_mirror_with_lag_and_filters_those_behind(
    client, make_user, two_mirrors
):
    near, far = two_mirrors
    client.force_login(make_user("sup", roles.SUPERVISOR))
    page = client.get("/admin/mirrors/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "school-1" in html and "school-2" in html and "0.1.0" in html
    assert "cannot reach central" in html
    every = {row["mirror_id"]: row for row in rows_of(client.get("/admin/mirrors/mirrors.csv"))}
    assert every["school-1"]["records_behind"] == "0"
    assert int(every["school-2"]["records_behind"]) > 0
    assert float(every["school-2"]["days_behind"]) > 7
    assert every["school-1"]["results_waiting"] == "12"
    assert every["school-2"]["school_name"] == "'=HYPERLINK(1)"  # never a formula
    behind = rows_of(client.get("/admin/mirrors/mirrors.csv?behind=7"))
    assert [row["mirror_id"] for row in behind] == ["school-2"]
    filtered = client.get("/admin/mirrors/?behind=7").content.decode()
    assert 'data-mirror="school-2"' in filtered and 'data-mirror="school-1"' not in filtered


def test_a_school_admin_sees_only_their_own_mirror(client, make_user, school, two_mirrors):
    near, far = two_mirrors
    client.force_login(make_user("sa", roles.SCHOOL_ADMIN, school=school))
    html = client.get("/admin/mirrors/").content.decode()
    assert 'data-mirror="school-1"' in html and "school-2" not in html
    assert [r["mirror_id"] for r in rows_of(client.get("/admin/mirrors/mirrors.csv"))] == [
        "school-1"
    ]
    # Another school's mirror does not exist for them; their own they may not revoke.
    assert client.post(f"/admin/mirrors/{far.pk}/revoke/").status_code == 404
    assert client.post(f"/admin/mirrors/{near.pk}/revoke/").status_code in (302, 403)
    near.refresh_from_db()
    assert not near.is_revoked


def test_teachers_get_nothing(client, make_user, school, two_mirrors):
    client.force_login(make_user("t", roles.TEACHER, school=school))
    assert client.get("/admin/mirrors/").status_code == 404
    assert client.get("/admin/mirrors/mirrors.csv").status_code == 404
