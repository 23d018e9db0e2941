"""Login throttling: per account, per address, a Thai message, an admin unlock."""

import logging

import pytest
from django.core.management import call_command

from core.models import AccessLog


def _try(client, username, password, ip="10.0.0.1"):
    return client.post(
        "/accounts/login/", {"username": username, "password": password}, REMOTE_ADDR=ip
    )


@pytest.mark.django_db
def test_thirty_wrong_passwords_lock_the_account_even_with_the_right_one(
    client, make_user, settings
):
    make_user("krusom", password="right-pass-1")
    for _ in range(30):
        _try(client, "krusom", "wrong")
    response = _try(client, "krusom", "right-pass-1")
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    text = response.content.decode()
    assert "ระงับการเข้าสู่ระบบ" in text  # Thai: the default language
    assert "15" in text


@pytest.mark.django_db
def test_an_account_locks_after_five_failures_from_any_address(client, make_user):
    make_user("kru2", password="right-pass-1")
    for i in range(5):
        _try(client, "kru2", "wrong", ip=f"10.0.1.{i}")
    assert _try(client, "kru2", "right-pass-1", ip="10.0.9.9").status_code == 429


@pytest.mark.django_db
def test_a_school_behind_one_address_is_not_locked_by_a_few_typos(client, make_user):
    make_user("nakrian", password="right-pass-1")
    for i in range(10):  # ten pupils mistype once each, one NAT address
        _try(client, f"pupil{i}", "wrong", ip="203.0.113.5")
    response = _try(client, "nakrian", "right-pass-1", ip="203.0.113.5")
    assert response.status_code == 302


@pytest.mark.django_db
def test_an_address_locks_after_many_failures_across_accounts(client, make_user, settings):
    settings.KHLANG_LOGIN_LIMIT_PER_ADDRESS = 8
    make_user("kru3", password="right-pass-1")
    for i in range(8):
        _try(client, f"guess{i}", "wrong", ip="198.51.100.7")
    assert _try(client, "kru3", "right-pass-1", ip="198.51.100.7").status_code == 429
    assert _try(client, "kru3", "right-pass-1", ip="198.51.100.8").status_code == 302


@pytest.mark.django_db
def test_admin_unlocks_an_account(client, make_user):
    make_user("kru4", password="right-pass-1")
    for _ in range(6):
        _try(client, "kru4", "wrong")
    assert _try(client, "kru4", "right-pass-1").status_code == 429
    call_command("axes_reset_username", "kru4")
    assert _try(client, "kru4", "right-pass-1").status_code == 302


@pytest.mark.django_db
def test_failed_attempts_are_logged_with_the_username_tried(client, make_user, caplog):
    make_user("kru5", password="right-pass-1")
    with caplog.at_level(logging.WARNING, logger="khlang.security.login"):
        _try(client, "kru5", "wrong", ip="10.0.0.42")
    assert "kru5" in caplog.text and "10.0.0.42" in caplog.text
    row = AccessLog.objects.filter(path="/accounts/login/", method="POST").latest("time")
    assert row.username == "kru5"
    assert row.user_id is None
