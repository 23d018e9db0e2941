import pytest
from django.core.cache import cache
from django.db import connection

from core.demo import DEMO_PASSWORD
from core.models import AccessLog, School, WorkerHeartbeat

from .conftest import wait_until

pytestmark = pytest.mark.integration


def test_runs_on_postgresql_and_redis(db):
    assert connection.vendor == "postgresql"
    cache.set("khlang:probe", "ทดสอบ", 30)
    assert cache.get("khlang:probe") == "ทดสอบ"


@pytest.mark.django_db(transaction=True)
def test_a_task_submitted_from_the_site_runs_in_the_worker(
    celery_worker_process, client, demo_site
):
    assert client.login(username="admin", password=DEMO_PASSWORD)
    response = client.post("/admin/system-status/")
    assert response.status_code == 302
    heartbeat = WorkerHeartbeat.objects.get()
    done = wait_until(
        lambda: WorkerHeartbeat.objects.filter(pk=heartbeat.pk, completed_at__isnull=False).first(),
        what="the worker to complete the heartbeat task",
    )
    assert done.worker_hostname.startswith("khlang-test@")
    page = client.get("/admin/system-status/").content.decode()
    assert "ทำงานล่าสุดเมื่อ" in page


@pytest.mark.django_db(transaction=True)
def test_redelivered_task_is_harmless(celery_worker_process):
    from core.tasks import worker_heartbeat_task

    beat = WorkerHeartbeat.objects.create(source="test")
    worker_heartbeat_task.delay(beat.pk, "test")
    first = wait_until(
        lambda: WorkerHeartbeat.objects.filter(pk=beat.pk, completed_at__isnull=False).first(),
        what="first delivery",
    )
    worker_heartbeat_task.delay(beat.pk, "test")  # as if the broker delivered it again
    worker_heartbeat_task.delay(None, "probe")
    wait_until(lambda: WorkerHeartbeat.objects.filter(source="probe").exists(), what="probe task")
    assert WorkerHeartbeat.objects.get(pk=beat.pk).completed_at == first.completed_at


@pytest.mark.django_db(transaction=True)
def test_access_log_on_postgresql(client, demo_site):
    AccessLog.objects.all().delete()
    client.get("/", REMOTE_ADDR="192.0.2.10")
    row = AccessLog.objects.get()
    assert (row.ip, row.path, row.status) == ("192.0.2.10", "/", 200)


@pytest.mark.django_db(transaction=True)
def test_school_import_rolls_back_whole_file_on_postgresql(tmp_path, area):
    from core.csv_import import CsvImportError
    from core.importers import import_schools

    path = tmp_path / "schools.csv"
    path.write_text(
        "code,name,network,district,size,link\n"
        "1000000001,ดี,ก,เมือง,small,adsl\n1000000002,ไม่ดี,ก,เมือง,tiny,adsl\n"
    )
    with pytest.raises(CsvImportError, match="บรรทัด 3 ช่อง size"):
        import_schools(path, area)
    assert School.objects.count() == 0
