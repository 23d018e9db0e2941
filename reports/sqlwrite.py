"""Set-based writes: aggregate rows go from one SQL statement to another, not via Python.

Building a model instance per aggregate row (bulk_create) cost more than the
grouping itself; here a grouped queryset's own SQL becomes the SELECT of an
``INSERT INTO … SELECT``, and rows made in Python (user sets) go in with
``executemany``. Both work on SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection


def _db_value(value):
    """Dates as the backend stores them (SQLite keeps ISO text)."""
    import datetime as dt

    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return connection.ops.adapt_datefield_value(value)
    return value


def insert_select(model, constants: dict[str, object], queryset, columns: dict[str, str]) -> None:
    """INSERT the rows of ``queryset`` into ``model``.

    ``constants``: field -> one value for every row (e.g. the period);
    ``columns``: field -> the name of the queryset's output column that fills it.
    """
    quote = connection.ops.quote_name
    sql, params = queryset.query.sql_with_params()
    fields = [model._meta.get_field(name).column for name in (*constants, *columns)]
    select = ["%s"] * len(constants) + [f"sub.{quote(alias)}" for alias in columns.values()]
    statement = (
        f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(quote(f) for f in fields)}) "
        f"SELECT {', '.join(select)} FROM ({sql}) sub"
    )
    with connection.cursor() as cursor:
        cursor.execute(statement, [*(_db_value(v) for v in constants.values()), *params])


def insert_rows(model, fields: list[str], rows: Iterable[tuple]) -> None:
    quote = connection.ops.quote_name
    columns = [model._meta.get_field(name).column for name in fields]
    statement = (
        f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(quote(c) for c in columns)}) "
        f"VALUES ({', '.join(['%s'] * len(columns))})"
    )
    batch = [tuple(_db_value(v) for v in row) for row in rows]
    if batch:
        with connection.cursor() as cursor:
            cursor.executemany(statement, batch)
