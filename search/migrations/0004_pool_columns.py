"""What the relevance pool reads on every match (search.ranking), in the facts table.

``length``: the words of title and body together (spaces counted, so both
databases count alike); ties in the pool go to the shorter item.
PostgreSQL also gets ``title_vector``, the title's words alone: small enough to
stay in the row, so testing "this query word is in the title" for every match
reads no TOAST (the full vector is read only by the GIN index).

Triggers are rebuilt with the new columns, and existing rows filled in.
"""

from django.db import migrations

COLUMNS = (
    "visibility, held, school_id, owner_id, doc_type, subject_codes, grade_codes, "
    "popularity, published_at"
)


def _values(prefix: str) -> str:
    return ", ".join(prefix + c.strip() for c in COLUMNS.split(","))


def _words(column: str) -> str:
    """Word count of a space-joined column, the same expression on both databases."""
    return (
        f"(LENGTH({column}) - LENGTH(REPLACE({column}, ' ', '')) "
        f"+ CASE WHEN {column} <> '' THEN 1 ELSE 0 END)"
    )


def _length(prefix: str) -> str:
    return f"({_words(prefix + 'title_seg')} + {_words(prefix + 'body_seg')})"


SQLITE_UP = [
    "DROP TRIGGER IF EXISTS search_catalog_facts_ai",
    "DROP TRIGGER IF EXISTS search_catalog_facts_au",
    "ALTER TABLE search_catalog_facts ADD COLUMN length INTEGER NOT NULL DEFAULT 0",
    "CREATE TRIGGER search_catalog_facts_ai AFTER INSERT ON search_catalogentry BEGIN "
    f"INSERT INTO search_catalog_facts (id, {COLUMNS}, length) "
    f"VALUES (new.id, {_values('new.')}, {_length('new.')}); END",
    "CREATE TRIGGER search_catalog_facts_au AFTER UPDATE ON search_catalogentry BEGIN "
    "DELETE FROM search_catalog_facts WHERE id = old.id; "
    f"INSERT INTO search_catalog_facts (id, {COLUMNS}, length) "
    f"VALUES (new.id, {_values('new.')}, {_length('new.')}); END",
    "UPDATE search_catalog_facts SET length = (SELECT "
    f"{_length('c.')} FROM search_catalogentry c WHERE c.id = search_catalog_facts.id)",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS search_catalog_facts_ai",
    "DROP TRIGGER IF EXISTS search_catalog_facts_au",
    "ALTER TABLE search_catalog_facts DROP COLUMN length",
    "CREATE TRIGGER search_catalog_facts_ai AFTER INSERT ON search_catalogentry BEGIN "
    f"INSERT INTO search_catalog_facts (id, {COLUMNS}) VALUES (new.id, {_values('new.')}); END",
    "CREATE TRIGGER search_catalog_facts_au AFTER UPDATE ON search_catalogentry BEGIN "
    "DELETE FROM search_catalog_facts WHERE id = old.id; "
    f"INSERT INTO search_catalog_facts (id, {COLUMNS}) VALUES (new.id, {_values('new.')}); END",
]

PG_VECTOR = (
    "setweight(to_tsvector('simple', {0}title_seg), 'A') || "
    "setweight(to_tsvector('simple', {0}body_seg), 'D')"
)


def _pg_function(with_pool: bool) -> str:
    extra_cols = ", length, title_vector" if with_pool else ""
    extra_vals = (
        f", {_length('new.')}, to_tsvector('simple', new.title_seg)" if with_pool else ""
    )
    updates = ", ".join(f"{c.strip()} = excluded.{c.strip()}" for c in COLUMNS.split(","))
    if with_pool:
        updates += ", length = excluded.length, title_vector = excluded.title_vector"
    return (
        "CREATE OR REPLACE FUNCTION search_catalog_facts_sync() RETURNS trigger "
        "LANGUAGE plpgsql AS $$ BEGIN "
        "IF TG_OP = 'DELETE' THEN DELETE FROM search_catalog_facts WHERE id = old.id; "
        "RETURN old; END IF; "
        f"INSERT INTO search_catalog_facts (id, {COLUMNS}, search_vector{extra_cols}) "
        f"VALUES (new.id, {_values('new.')}, {PG_VECTOR.format('new.')}{extra_vals}) "
        f"ON CONFLICT (id) DO UPDATE SET {updates}, search_vector = excluded.search_vector; "
        "RETURN new; END $$"
    )


POSTGRES_UP = [
    "ALTER TABLE search_catalog_facts ADD COLUMN length integer NOT NULL DEFAULT 0, "
    "ADD COLUMN title_vector tsvector NOT NULL DEFAULT ''::tsvector",
    # Kept in the row (no compression, no TOAST): it is read for every match.
    "ALTER TABLE search_catalog_facts ALTER COLUMN title_vector SET STORAGE PLAIN",
    _pg_function(True),
    f"UPDATE search_catalog_facts f SET length = {_length('c.')}, "
    "title_vector = to_tsvector('simple', c.title_seg) "
    "FROM search_catalogentry c WHERE c.id = f.id",
    "CREATE INDEX search_catalog_facts_title ON search_catalog_facts USING GIN (title_vector)",
]
POSTGRES_DOWN = [
    "DROP INDEX IF EXISTS search_catalog_facts_title",
    _pg_function(False),
    "ALTER TABLE search_catalog_facts DROP COLUMN length, DROP COLUMN title_vector",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for sql in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("search", "0003_search_facts")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_UP, "postgresql": POSTGRES_UP}),
            _run({"sqlite": SQLITE_DOWN, "postgresql": POSTGRES_DOWN}),
        )
    ]
