"""PostgreSQL: the table a text match visits holds only what every match needs.

A GIN index gives row addresses, not ids: PostgreSQL visits the heap page of
every match. For a common word (tens of thousands of matches at area scale)
that visit is most of the cost, and it grows with the width of the row. The
facts row carried two vectors inline: the title vector (about 500 bytes, kept
in the row by migration 0004) and every full vector short enough to stay under
the TOAST threshold. At 100,000 entries that made a 92 MB heap that did not
stay in shared buffers.

- ``search_vector`` is stored without positions or weights (``strip``): it is
  only ever matched through its GIN index with plain lexemes, never ranked or
  searched for phrases, so positions were dead weight. Its storage is
  EXTERNAL: a vector that does not fit goes out of line whole instead of being
  compressed inline, which keeps the heap narrow (about 50 MB at 100,000
  entries, read from shared buffers).
- The title vector moves to its own table, ``search_catalog_titles``, with its
  own GIN index. The pool score asks "is this query word in the title" as the
  set of ids the title index gives (a few hundred or thousand), not by reading
  a vector in every matching row.

One trigger function keeps both tables in step with the catalog, as before.
SQLite is unchanged: FTS5 already gives rowids straight from its index.
"""

from django.db import migrations

COLUMNS = (
    "visibility, held, school_id, owner_id, doc_type, subject_codes, grade_codes, "
    "popularity, published_at"
)


def _values(prefix: str) -> str:
    return ", ".join(prefix + c.strip() for c in COLUMNS.split(","))


def _words(column: str) -> str:
    return (
        f"(LENGTH({column}) - LENGTH(REPLACE({column}, ' ', '')) "
        f"+ CASE WHEN {column} <> '' THEN 1 ELSE 0 END)"
    )


def _length(prefix: str) -> str:
    return f"({_words(prefix + 'title_seg')} + {_words(prefix + 'body_seg')})"


# The full vector as migrations 0002-0004 built it, then stripped.
PG_VECTOR = (
    "setweight(to_tsvector('simple', {0}title_seg), 'A') || "
    "setweight(to_tsvector('simple', {0}body_seg), 'D')"
)
UPDATES = ", ".join(f"{c.strip()} = excluded.{c.strip()}" for c in COLUMNS.split(","))

SYNC_FUNCTION = (
    "CREATE OR REPLACE FUNCTION search_catalog_facts_sync() RETURNS trigger "
    "LANGUAGE plpgsql AS $$ BEGIN "
    "IF TG_OP = 'DELETE' THEN "
    "DELETE FROM search_catalog_facts WHERE id = old.id; "
    "DELETE FROM search_catalog_titles WHERE id = old.id; "
    "RETURN old; END IF; "
    f"INSERT INTO search_catalog_facts (id, {COLUMNS}, search_vector, length) "
    f"VALUES (new.id, {_values('new.')}, strip({PG_VECTOR.format('new.')}), "
    f"{_length('new.')}) "
    f"ON CONFLICT (id) DO UPDATE SET {UPDATES}, search_vector = excluded.search_vector, "
    "length = excluded.length; "
    "INSERT INTO search_catalog_titles (id, title_vector) "
    "VALUES (new.id, to_tsvector('simple', new.title_seg)) "
    "ON CONFLICT (id) DO UPDATE SET title_vector = excluded.title_vector; "
    "RETURN new; END $$"
)
TRUNCATE_FUNCTION = (
    "CREATE OR REPLACE FUNCTION search_catalog_facts_truncate() RETURNS trigger "
    "LANGUAGE plpgsql AS $$ "
    "BEGIN TRUNCATE search_catalog_facts, search_catalog_titles; RETURN NULL; END $$"
)

POSTGRES_UP = [
    "CREATE TABLE search_catalog_titles (id bigint PRIMARY KEY, title_vector tsvector NOT NULL)",
    "INSERT INTO search_catalog_titles (id, title_vector) "
    "SELECT id, title_vector FROM search_catalog_facts",
    "CREATE INDEX search_catalog_titles_vector ON search_catalog_titles "
    "USING GIN (title_vector)",
    "DROP INDEX IF EXISTS search_catalog_facts_title",
    # One rewrite of the table: the type change (with strip) and the storage are
    # applied together, so the rewritten rows are already narrow.
    "ALTER TABLE search_catalog_facts DROP COLUMN title_vector, "
    "ALTER COLUMN search_vector TYPE tsvector USING strip(search_vector), "
    "ALTER COLUMN search_vector SET STORAGE EXTERNAL",
    SYNC_FUNCTION,
    TRUNCATE_FUNCTION,
]


def _down_sync() -> str:
    """The trigger function of migration 0004 (title vector in the facts row)."""
    return (
        "CREATE OR REPLACE FUNCTION search_catalog_facts_sync() RETURNS trigger "
        "LANGUAGE plpgsql AS $$ BEGIN "
        "IF TG_OP = 'DELETE' THEN DELETE FROM search_catalog_facts WHERE id = old.id; "
        "RETURN old; END IF; "
        f"INSERT INTO search_catalog_facts (id, {COLUMNS}, search_vector, length, title_vector) "
        f"VALUES (new.id, {_values('new.')}, {PG_VECTOR.format('new.')}, {_length('new.')}, "
        "to_tsvector('simple', new.title_seg)) "
        f"ON CONFLICT (id) DO UPDATE SET {UPDATES}, length = excluded.length, "
        "title_vector = excluded.title_vector, search_vector = excluded.search_vector; "
        "RETURN new; END $$"
    )


POSTGRES_DOWN = [
    _down_sync(),
    "CREATE OR REPLACE FUNCTION search_catalog_facts_truncate() RETURNS trigger "
    "LANGUAGE plpgsql AS $$ BEGIN TRUNCATE search_catalog_facts; RETURN NULL; END $$",
    "ALTER TABLE search_catalog_facts "
    "ADD COLUMN title_vector tsvector NOT NULL DEFAULT ''::tsvector, "
    "ALTER COLUMN search_vector SET STORAGE EXTENDED",
    "ALTER TABLE search_catalog_facts ALTER COLUMN title_vector SET STORAGE PLAIN",
    f"UPDATE search_catalog_facts f SET title_vector = to_tsvector('simple', c.title_seg), "
    f"search_vector = {PG_VECTOR.format('c.')} FROM search_catalogentry c WHERE c.id = f.id",
    "CREATE INDEX search_catalog_facts_title ON search_catalog_facts USING GIN (title_vector)",
    "DROP TABLE search_catalog_titles",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for sql in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("search", "0005_english_labels")]

    operations = [
        migrations.RunPython(
            _run({"postgresql": POSTGRES_UP}),
            _run({"postgresql": POSTGRES_DOWN}),
        )
    ]
