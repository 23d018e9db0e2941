import datetime as dt

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from core import access_log
from core.models import AccessLog


@pytest.mark.django_db
def test_every_request_is_logged_with_user_ip_method_path_status(client, make_user, demo_site):
    AccessLog.objects.all().delete()
    client.get("/", REMOTE_ADDR="10.1.2.3")
    client.get("/no-such-page/")
    user = make_user("somchai")
    client.force_login(user)
    client.post("/?q=%E0%B8%84%E0%B9%89%E0%B8%99%E0%B8%AB%E0%B8%B2", {"x": 1})
    rows = list(AccessLog.objects.order_by("id"))
    assert [(r.method, r.path, r.status) for r in rows] == [
        ("GET", "/", 200),
        ("GET", "/no-such-page/", 404),
        ("POST", "/?q=%E0%B8%84%E0%B9%89%E0%B8%99%E0%B8%AB%E0%B8%B2", 200),
    ]
    assert rows[0].ip == "10.1.2.3" and rows[0].user_id is None
    assert (rows[2].user_id, rows[2].username) == (user.pk, "somchai")


@pytest.mark.django_db
def test_rows_are_buffered_until_the_batch_fills(client, settings, demo_site):
    settings.KHLANG = {**settings.KHLANG, "ACCESS_LOG_BATCH_SIZE": 3, "ACCESS_LOG_MAX_DELAY": 3600}
    AccessLog.objects.all().delete()
    client.get("/")
    client.get("/")
    assert AccessLog.objects.count() == 0
    client.get("/")
    assert AccessLog.objects.count() == 3
    client.get("/")
    assert access_log.flush() == 1
    assert AccessLog.objects.count() == 4


def test_forwarded_for_trusted_only_behind_our_proxies(rf, settings):
    request = rf.get("/", REMOTE_ADDR="172.18.0.5", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9")
    settings.KHLANG = {**settings.KHLANG, "TRUSTED_PROXY_COUNT": 0}
    assert access_log.client_ip(request) == "172.18.0.5"
    settings.KHLANG = {**settings.KHLANG, "TRUSTED_PROXY_COUNT": 1}
    assert access_log.client_ip(request) == "203.0.113.9"  # the spoofed first hop is ignored


@pytest.mark.django_db
def test_purge_keeps_at_least_ninety_days():
    now = timezone.now()
    for days in (10, 89, 91, 400):
        AccessLog.objects.create(
            time=now - dt.timedelta(days=days), method="GET", path="/", status=200
        )
    with pytest.raises(CommandError, match="อย่างน้อย 90 วัน"):
        call_command("purge_access_log", days=30)
    assert AccessLog.objects.count() == 4
    call_command("purge_access_log")
    assert sorted((now - r.time).days for r in AccessLog.objects.all()) == [10, 89]


@pytest.mark.django_db
def test_purge_task_uses_retention_setting(settings):
    from core.tasks import purge_access_log_task

    now = timezone.now()
    AccessLog.objects.create(time=now - dt.timedelta(days=120), method="GET", path="/", status=200)
    AccessLog.objects.create(time=now - dt.timedelta(days=100), method="GET", path="/", status=200)
    settings.KHLANG = {**settings.KHLANG, "ACCESS_LOG_RETENTION_DAYS": 110}
    assert purge_access_log_task() == 1
