"""A narrow side table that a query touches for every match.

A catalog row holds the whole text (title, description, body, transcript and
their segmented copies): several kilobytes of Thai, often spilling over a
database page. A query that matches tens of thousands of entries must read the
visibility, filter, facet and sort values of each one; read from the catalog
row itself, every match costs page reads through the text. ``search_catalog_facts``
holds only those values (about 60 bytes a row, keyed by the entry id), so the
filter, the facet counts and the sort run over a table that stays in the page
cache. Triggers keep it in step with the catalog, whatever writes the catalog.

PostgreSQL keeps the tsvector here too (moved from the catalog row, migration
0002), for the same reason: its bitmap heap scan then reads narrow rows.
"""

from django.db import migrations

COLUMNS = (
    "visibility, held, school_id, owner_id, doc_type, subject_codes, grade_codes, "
    "popularity, published_at"
)
NEW_VALUES = ", ".join("new." + c.strip() for c in COLUMNS.split(","))

SQLITE_UP = [
    "CREATE TABLE search_catalog_facts ("
    "id INTEGER PRIMARY KEY, visibility TEXT NOT NULL, held BOOL NOT NULL, "
    "school_id INTEGER, owner_id INTEGER, doc_type TEXT NOT NULL, "
    "subject_codes TEXT NOT NULL, grade_codes TEXT NOT NULL, popularity REAL NOT NULL, "
    "published_at DATETIME)",
    "CREATE TRIGGER search_catalog_facts_ai AFTER INSERT ON search_catalogentry BEGIN "
    f"INSERT INTO search_catalog_facts (id, {COLUMNS}) VALUES (new.id, {NEW_VALUES}); END",
    "CREATE TRIGGER search_catalog_facts_au AFTER UPDATE ON search_catalogentry BEGIN "
    "DELETE FROM search_catalog_facts WHERE id = old.id; "
    f"INSERT INTO search_catalog_facts (id, {COLUMNS}) VALUES (new.id, {NEW_VALUES}); END",
    "CREATE TRIGGER search_catalog_facts_ad AFTER DELETE ON search_catalogentry BEGIN "
    "DELETE FROM search_catalog_facts WHERE id = old.id; END",
    f"INSERT INTO search_catalog_facts (id, {COLUMNS}) SELECT id, {COLUMNS} FROM search_catalogentry",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS search_catalog_facts_ad",
    "DROP TRIGGER IF EXISTS search_catalog_facts_au",
    "DROP TRIGGER IF EXISTS search_catalog_facts_ai",
    "DROP TABLE IF EXISTS search_catalog_facts",
]

# Title words weighted A, the rest D, exactly as migration 0002 generated them.
PG_VECTOR = (
    "setweight(to_tsvector('simple', {0}title_seg), 'A') || "
    "setweight(to_tsvector('simple', {0}body_seg), 'D')"
)
POSTGRES_UP = [
    "DROP INDEX IF EXISTS search_catalogentry_vector",
    "ALTER TABLE search_catalogentry DROP COLUMN IF EXISTS search_vector",
    "CREATE TABLE search_catalog_facts ("
    "id bigint PRIMARY KEY, visibility varchar(16) NOT NULL, held boolean NOT NULL, "
    "school_id bigint, owner_id bigint, doc_type varchar(32) NOT NULL, "
    "subject_codes varchar(64) NOT NULL, grade_codes varchar(128) NOT NULL, "
    "popularity double precision NOT NULL, published_at timestamptz, "
    "search_vector tsvector NOT NULL)",
    "CREATE FUNCTION search_catalog_facts_sync() RETURNS trigger LANGUAGE plpgsql AS $$ "
    "BEGIN "
    "IF TG_OP = 'DELETE' THEN "
    "DELETE FROM search_catalog_facts WHERE id = old.id; RETURN old; "
    "END IF; "
    f"INSERT INTO search_catalog_facts (id, {COLUMNS}, search_vector) "
    f"VALUES (new.id, {NEW_VALUES}, {PG_VECTOR.format('new.')}) "
    "ON CONFLICT (id) DO UPDATE SET "
    + ", ".join(f"{c.strip()} = excluded.{c.strip()}" for c in COLUMNS.split(","))
    + ", search_vector = excluded.search_vector; "
    "RETURN new; "
    "END $$",
    "CREATE TRIGGER search_catalog_facts_sync AFTER INSERT OR UPDATE OR DELETE "
    "ON search_catalogentry FOR EACH ROW EXECUTE FUNCTION search_catalog_facts_sync()",
    # TRUNCATE fires no row triggers (Django's test flush truncates): follow it.
    "CREATE FUNCTION search_catalog_facts_truncate() RETURNS trigger LANGUAGE plpgsql AS $$ "
    "BEGIN TRUNCATE search_catalog_facts; RETURN NULL; END $$",
    "CREATE TRIGGER search_catalog_facts_truncate AFTER TRUNCATE ON search_catalogentry "
    "FOR EACH STATEMENT EXECUTE FUNCTION search_catalog_facts_truncate()",
    f"INSERT INTO search_catalog_facts (id, {COLUMNS}, search_vector) "
    f"SELECT id, {COLUMNS}, {PG_VECTOR.format('e.')} FROM search_catalogentry e",
    "CREATE INDEX search_catalog_facts_vector ON search_catalog_facts USING GIN (search_vector)",
]
POSTGRES_DOWN = [
    "DROP TRIGGER IF EXISTS search_catalog_facts_truncate ON search_catalogentry",
    "DROP TRIGGER IF EXISTS search_catalog_facts_sync ON search_catalogentry",
    "DROP FUNCTION IF EXISTS search_catalog_facts_truncate()",
    "DROP FUNCTION IF EXISTS search_catalog_facts_sync()",
    "DROP TABLE IF EXISTS search_catalog_facts",
    "ALTER TABLE search_catalogentry ADD COLUMN search_vector tsvector "
    f"GENERATED ALWAYS AS ({PG_VECTOR.format('')}) STORED",
    "CREATE INDEX search_catalogentry_vector ON search_catalogentry USING GIN (search_vector)",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for sql in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("search", "0002_full_text")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_UP, "postgresql": POSTGRES_UP}),
            _run({"sqlite": SQLITE_DOWN, "postgresql": POSTGRES_DOWN}),
        )
    ]
