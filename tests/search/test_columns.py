"""The in-memory facts columns (search.columns) follow every catalog write, on
whichever path it comes: a save, a queryset update, a delete, a rolled-back
savepoint, a pruned change log. Run here on SQLite and, by
tests/integration/test_search_columns.py, on PostgreSQL."""

import pytest
from django.db import transaction

from search import change_log
from search.indexing import save_documents
from search.models import CatalogEntry
from search.query import Audience
from search.service import build_query, search

from .test_service import doc

pytestmark = pytest.mark.django_db


def found(text, audience=None, **filters):
    results = search(build_query(text, audience=audience or Audience(), filters=filters))
    return sorted(h.entry.title for h in results.hits), results


def test_every_write_reaches_the_columns():
    save_documents(
        [
            ("t", "1", doc("ดาวเคราะห์ในระบบสุริยะ", subject_codes=["ว"], grade_codes=["ป.4"])),
            ("t", "2", doc("ดาวเคราะห์น้อย", subject_codes=["ว"], school_id=3)),
        ]
    )
    titles, results = found("ดาวเคราะห์")
    assert titles == ["ดาวเคราะห์น้อย", "ดาวเคราะห์ในระบบสุริยะ"]
    assert dict(results.facets["school"]) == {"3": 1}

    # A queryset update bypasses save(): the triggers still log it.
    CatalogEntry.objects.filter(object_key="2").update(visibility="school", school_id=4)
    assert found("ดาวเคราะห์")[0] == ["ดาวเคราะห์ในระบบสุริยะ"]
    staff = Audience(authenticated=True, user_id=1, school_id=4)
    assert found("ดาวเคราะห์", staff)[0] == ["ดาวเคราะห์น้อย", "ดาวเคราะห์ในระบบสุริยะ"]

    # A new value of a facet the columns had never seen, then a delete.
    save_documents([("t", "3", doc("ดาวเคราะห์แคระ", grade_codes=["ม.6"], doc_type="podcast"))])
    titles, results = found("ดาวเคราะห์", grade=["ม.6"])
    assert titles == ["ดาวเคราะห์แคระ"]
    assert dict(results.facets["type"]) == {"podcast": 1}
    assert dict(results.facets["grade"]) == {"ป.4": 1, "ม.6": 1}
    CatalogEntry.objects.filter(object_key="1").delete()
    assert found("ดาวเคราะห์")[0] == ["ดาวเคราะห์แคระ"]


def test_a_rolled_back_savepoint_is_forgotten():
    save_documents([("t", "1", doc("ภูเขาไฟ", subject_codes=["ว"]))])
    assert found("ภูเขาไฟ")[0] == ["ภูเขาไฟ"]
    with pytest.raises(RuntimeError), transaction.atomic():
        CatalogEntry.objects.filter(object_key="1").update(visibility="private")
        save_documents([("t", "2", doc("ภูเขาไฟระเบิด", subject_codes=["ส"]))])
        # Read inside the savepoint: its own writes are seen...
        assert found("ภูเขาไฟ")[0] == ["ภูเขาไฟระเบิด"]
        raise RuntimeError("undo")
    # ...and once it is undone, so is what was read from it, even when as many
    # new writes follow before the next search (SQLite hands out the undone
    # log numbers and entry ids again).
    save_documents([("t", "3", doc("ภูเขาไฟใต้ทะเล", subject_codes=["ง"]))])
    CatalogEntry.objects.filter(object_key="1").update(popularity=5)
    titles, results = found("ภูเขาไฟ")
    assert titles == ["ภูเขาไฟ", "ภูเขาไฟใต้ทะเล"]
    assert dict(results.facets["subject"]) == {"ว": 1, "ง": 1}


def test_a_process_behind_a_pruned_log_reads_everything_again(monkeypatch):
    save_documents([("t", "0", doc("แม่น้ำโขง"))])
    assert found("แม่น้ำ")[0] == ["แม่น้ำโขง"]
    # Another process writes many times and prunes the log behind it.
    monkeypatch.setattr(change_log, "KEEP_CHANGES", 2)
    for n in range(1, 6):
        save_documents([("t", str(n), doc(f"แม่น้ำสาย {n}"))])
    CatalogEntry.objects.filter(object_key="0").update(visibility="private")
    save_documents([("t", "9", doc("แม่น้ำเจ้าพระยา"))])
    assert change_log.prune_changes() > 0
    titles = found("แม่น้ำ")[0]
    assert "แม่น้ำโขง" not in titles
    assert len(titles) == 6 and "แม่น้ำเจ้าพระยา" in titles


def test_many_changes_at_once_are_read_whole(monkeypatch):
    save_documents([("t", "0", doc("ป่าชายเลน"))])
    assert found("ป่าชายเลน")[0] == ["ป่าชายเลน"]
    monkeypatch.setattr(change_log, "MAX_DELTA", 3)
    save_documents([("t", str(n), doc(f"ป่าชายเลน {n}", school_id=n)) for n in range(1, 8)])
    titles, results = found("ป่าชายเลน")
    assert len(titles) == 8
    assert len(results.facets["school"]) == 7


def test_an_empty_catalog_and_browsing_without_words():
    assert found("")[1].total == 0
    save_documents([("t", "1", doc("นิทานพื้นบ้าน", school_id=2))])
    titles, results = found("")
    assert titles == ["นิทานพื้นบ้าน"] and dict(results.facets["school"]) == {"2": 1}


def test_the_hourly_task_prunes_the_log(monkeypatch):
    from search.tasks import prune_catalog_changes_task

    monkeypatch.setattr(change_log, "KEEP_CHANGES", 1)
    save_documents([("t", str(n), doc(f"ทะเลสาบ {n}")) for n in range(4)])
    assert prune_catalog_changes_task() >= 3
    assert prune_catalog_changes_task() == 0
    assert len(found("ทะเลสาบ")[0]) == 4
