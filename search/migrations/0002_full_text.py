"""Full-text structures of the database backend, per database vendor.

SQLite: an FTS5 table over the catalog's segmented columns (external content,
so the text is stored once), kept in step by triggers. The ``ascii`` tokenizer
splits only on ASCII punctuation and spaces: the words were already cut by
search.thai, and unicode61 would split Thai words at their vowel marks.

PostgreSQL: a stored tsvector generated from the same columns (``simple``
configuration: no stemming, no stop words), title words weighted A, GIN-indexed.
"""

from django.db import migrations

SQLITE_UP = [
    "CREATE VIRTUAL TABLE search_catalog_fts USING fts5("
    "title_seg, body_seg, content='search_catalogentry', content_rowid='id', "
    "tokenize='ascii')",
    "CREATE TRIGGER search_catalog_fts_ai AFTER INSERT ON search_catalogentry BEGIN "
    "INSERT INTO search_catalog_fts(rowid, title_seg, body_seg) "
    "VALUES (new.id, new.title_seg, new.body_seg); END",
    "CREATE TRIGGER search_catalog_fts_ad AFTER DELETE ON search_catalogentry BEGIN "
    "INSERT INTO search_catalog_fts(search_catalog_fts, rowid, title_seg, body_seg) "
    "VALUES ('delete', old.id, old.title_seg, old.body_seg); END",
    "CREATE TRIGGER search_catalog_fts_au AFTER UPDATE OF title_seg, body_seg "
    "ON search_catalogentry BEGIN "
    "INSERT INTO search_catalog_fts(search_catalog_fts, rowid, title_seg, body_seg) "
    "VALUES ('delete', old.id, old.title_seg, old.body_seg); "
    "INSERT INTO search_catalog_fts(rowid, title_seg, body_seg) "
    "VALUES (new.id, new.title_seg, new.body_seg); END",
    "INSERT INTO search_catalog_fts(search_catalog_fts) VALUES ('rebuild')",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS search_catalog_fts_au",
    "DROP TRIGGER IF EXISTS search_catalog_fts_ad",
    "DROP TRIGGER IF EXISTS search_catalog_fts_ai",
    "DROP TABLE IF EXISTS search_catalog_fts",
]
POSTGRES_UP = [
    "ALTER TABLE search_catalogentry ADD COLUMN search_vector tsvector "
    "GENERATED ALWAYS AS (setweight(to_tsvector('simple', title_seg), 'A') || "
    "setweight(to_tsvector('simple', body_seg), 'D')) STORED",
    "CREATE INDEX search_catalogentry_vector ON search_catalogentry USING GIN (search_vector)",
]
POSTGRES_DOWN = [
    "DROP INDEX IF EXISTS search_catalogentry_vector",
    "ALTER TABLE search_catalogentry DROP COLUMN IF EXISTS search_vector",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for sql in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_UP, "postgresql": POSTGRES_UP}),
            _run({"sqlite": SQLITE_DOWN, "postgresql": POSTGRES_DOWN}),
        )
    ]
