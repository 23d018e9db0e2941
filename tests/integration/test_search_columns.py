"""The in-memory facts columns on PostgreSQL: the same checks as on SQLite
(tests/search/test_columns.py), and writers that commit out of order."""

import threading

import pytest
from django.db import connection, transaction

from search.indexing import save_documents

from ..search.test_columns import (  # noqa: F401  (collected here too, on PostgreSQL)
    doc,
    found,
    test_a_process_behind_a_pruned_log_reads_everything_again,
    test_a_rolled_back_savepoint_is_forgotten,
    test_an_empty_catalog_and_browsing_without_words,
    test_every_write_reaches_the_columns,
    test_many_changes_at_once_are_read_whole,
)

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


@pytest.mark.django_db(transaction=True)
def test_a_write_committed_after_a_later_one_is_not_missed():
    """Writer A logs its change first but commits last: a process that read the
    log after B's commit must still see A's entry once A commits."""
    # Both writers' words are already in the vocabulary table, so neither waits
    # on the other's uncommitted insert of the same word.
    save_documents([("t", "seed", doc("กล้วยไม้ป่า กล้วยไม้ดิน", visibility="private"))])
    wrote, release, finished = threading.Event(), threading.Event(), threading.Event()
    failures = []

    def writer_a():
        try:
            with transaction.atomic():
                save_documents([("t", "a", doc("กล้วยไม้ป่า"))])
                wrote.set()
                if not release.wait(30):
                    raise TimeoutError("never released")
        except Exception as exc:  # reported by the test below
            failures.append(exc)
        finally:
            connection.close()
            finished.set()

    thread = threading.Thread(target=writer_a)
    thread.start()
    try:
        assert wrote.wait(30)
        save_documents([("t", "b", doc("กล้วยไม้ดิน"))])
        assert found("กล้วยไม้")[0] == ["กล้วยไม้ดิน"]
    finally:
        release.set()
        assert finished.wait(30)
        thread.join(5)
    assert not failures, failures
    assert found("กล้วยไม้")[0] == ["กล้วยไม้ดิน", "กล้วยไม้ป่า"]
