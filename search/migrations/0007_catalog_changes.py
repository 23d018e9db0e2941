"""A log of the facts rows that changed, for the in-memory columns (search.columns).

Each web or worker process keeps the facts table's columns in memory to filter,
count facets and order matches without the database walking every match
(search/columns.py says why). This log tells a process which rows to read
again: triggers on ``search_catalog_facts`` add one row per inserted, updated
or deleted facts row, whatever wrote the catalog.

- ``seq`` orders the log; ``entry_id`` is the changed entry (NULL: the whole
  table was emptied, read everything again).
- ``nonce`` is random per row. SQLite gives a rolled-back ``seq`` to the next
  row, so a process that read a row inside a transaction later rolled back
  (the test suite does this all the time) sees the nonce differ, not only the
  number, and reads everything again.
- PostgreSQL only: ``xid`` is the writing transaction. Transactions commit in
  any order, so a row with a smaller ``seq`` can become visible after a larger
  one was read; a reader asks again for every row of a transaction that was
  still running at its last look (``xid`` at or above that look's xmin).

Rows are pruned behind the newest (search.change_log.prune_changes); a process
that finds its last row pruned reads everything again.
"""

from django.db import migrations

SQLITE_UP = [
    "CREATE TABLE search_catalog_changes ("
    "seq INTEGER PRIMARY KEY AUTOINCREMENT, entry_id INTEGER, nonce INTEGER NOT NULL)",
    *(
        f"CREATE TRIGGER search_catalog_changes_{name} AFTER {event} ON search_catalog_facts "
        f"BEGIN INSERT INTO search_catalog_changes (entry_id, nonce) "
        f"VALUES ({row}.id, random()); END"
        for name, event, row in (
            ("ai", "INSERT", "new"),
            ("au", "UPDATE", "new"),
            ("ad", "DELETE", "old"),
        )
    ),
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS search_catalog_changes_ai",
    "DROP TRIGGER IF EXISTS search_catalog_changes_au",
    "DROP TRIGGER IF EXISTS search_catalog_changes_ad",
    "DROP TABLE IF EXISTS search_catalog_changes",
]

POSTGRES_UP = [
    "CREATE TABLE search_catalog_changes (seq bigserial PRIMARY KEY, entry_id bigint, "
    "nonce bigint NOT NULL DEFAULT (floor(random() * 9007199254740991))::bigint, "
    "xid xid8 NOT NULL DEFAULT pg_current_xact_id())",
    "CREATE INDEX search_catalog_changes_xid ON search_catalog_changes (xid)",
    "CREATE FUNCTION search_catalog_changes_log() RETURNS trigger LANGUAGE plpgsql AS $$ "
    "BEGIN IF TG_OP = 'TRUNCATE' THEN "
    "INSERT INTO search_catalog_changes (entry_id) VALUES (NULL); RETURN NULL; END IF; "
    "INSERT INTO search_catalog_changes (entry_id) "
    "VALUES (CASE WHEN TG_OP = 'DELETE' THEN old.id ELSE new.id END); "
    "RETURN NULL; END $$",
    "CREATE TRIGGER search_catalog_changes_rows AFTER INSERT OR UPDATE OR DELETE "
    "ON search_catalog_facts FOR EACH ROW EXECUTE FUNCTION search_catalog_changes_log()",
    "CREATE TRIGGER search_catalog_changes_truncate AFTER TRUNCATE "
    "ON search_catalog_facts FOR EACH STATEMENT EXECUTE FUNCTION search_catalog_changes_log()",
]
POSTGRES_DOWN = [
    "DROP TRIGGER IF EXISTS search_catalog_changes_truncate ON search_catalog_facts",
    "DROP TRIGGER IF EXISTS search_catalog_changes_rows ON search_catalog_facts",
    "DROP FUNCTION IF EXISTS search_catalog_changes_log()",
    "DROP TABLE IF EXISTS search_catalog_changes",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for sql in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("search", "0006_narrow_match_table")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_UP, "postgresql": POSTGRES_UP}),
            _run({"sqlite": SQLITE_DOWN, "postgresql": POSTGRES_DOWN}),
        )
    ]
