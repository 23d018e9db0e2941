"""Backup and restore round trip on PostgreSQL (pg_dump / pg_restore)."""

import pytest

from tests.core.test_backup import round_trip

pytestmark = pytest.mark.integration


@pytest.mark.django_db(transaction=True)
def test_backup_and_restore_round_trip_on_postgresql(tmp_path, settings):
    from django.db import connection

    assert connection.vendor == "postgresql"
    round_trip(tmp_path, settings)
