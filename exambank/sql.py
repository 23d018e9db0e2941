"""Every hand-written SQL statement of the exam bank, in one place.

These are the hot paths of a whole class taking a quiz at once (start, autosave,
submit): the ORM would compile the same statements on every request for more
time than running them costs. Each statement is written once for PostgreSQL and
SQLite alike unless its docstring says otherwise, and both are tested
(tests/exambank on SQLite, tests/integration on PostgreSQL). The rest of the
app goes through the ORM.
"""

from __future__ import annotations

import json
from datetime import datetime

from django.db import connection

from .models import Attempt, AttemptSlot, AttemptState, Quiz


def insert_attempt_postgresql(attempt: Attempt, slots: list[AttemptSlot]) -> bool:
    """The attempt and its slots in one statement, one round trip, no transaction block.

    ON CONFLICT DO NOTHING covers every unique constraint of the attempt (its
    start key, its number, one open attempt per student and quiz): a racing
    duplicate inserts nothing, slots included, and the caller returns the
    winner. Both INSERTs are one statement, so they commit or fail together.
    """
    a, s = Attempt._meta.db_table, AttemptSlot._meta.db_table
    sql = (
        f"WITH new AS (INSERT INTO {a} (quiz_id, user_id, number, state, start_key, seed,"
        " started_at, deadline, closed_by_timer, max_marks, on_paper)"
        " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, false, %s, %s)"
        " ON CONFLICT DO NOTHING RETURNING id),"
        f" slots AS (INSERT INTO {s} (attempt_id, position, version_id, mark, layout,"
        " sequence, needs_manual, comment)"
        " SELECT new.id, p, v, m, l, 0, false, '' FROM new,"
        " jsonb_to_recordset(%s::jsonb) AS t(p integer, v bigint, m numeric, l jsonb))"
        " SELECT id FROM new"
    )
    params = [
        attempt.quiz_id,
        attempt.user_id,
        attempt.number,
        attempt.state,
        attempt.start_key,
        attempt.seed,
        attempt.started_at,
        attempt.deadline,
        attempt.max_marks,
        attempt.on_paper,
        # The slots travel as one JSON document: quoting one string is far
        # cheaper than quoting four arrays element by element.
        json.dumps(
            [{"p": s.position, "v": s.version_id, "m": str(s.mark), "l": s.layout} for s in slots],
            ensure_ascii=False,
        ),
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if row is None:
        return False
    attempt.pk = row[0]
    attempt._state.adding = False
    attempt._state.db = connection.alias
    return True


def _save_answer_sql(with_user: bool) -> str:
    """One UPDATE that stores the answer only while the attempt is open and the sequence newer.

    On PostgreSQL the attempt row is share-locked (FOR KEY SHARE) for the
    statement: a submit holds FOR UPDATE on it while grading, so an answer
    either lands before the submit reads the slots or waits and is refused
    (the lock re-checks the state after the submit commits). Saves of the
    same or other attempts never wait on each other. SQLite runs one writer
    at a time, so the statement alone is atomic there.
    """
    slot_table = AttemptSlot._meta.db_table
    attempt_table = Attempt._meta.db_table
    lock = " FOR KEY SHARE" if connection.vendor == "postgresql" else ""
    user = " AND user_id = %s" if with_user else ""
    return (
        f"UPDATE {slot_table} SET response = %s, sequence = %s, saved_at = %s"
        f" WHERE attempt_id = %s AND position = %s AND sequence < %s AND attempt_id IN ("
        f"SELECT id FROM {attempt_table} WHERE id = %s{user} AND state = %s"
        f" AND (deadline IS NULL OR deadline >= %s){lock})"
    )


def store_answer(
    attempt_id: int,
    position: int,
    response,
    sequence: int,
    now: datetime,
    open_since: datetime,
    user_id: int | None = None,
) -> bool:
    """Run the answer UPDATE; True when it stored the answer.

    ``open_since`` is ``now`` less the quiz's grace period: an attempt whose
    deadline is earlier is closed.
    """
    ops = connection.ops
    response_field = AttemptSlot._meta.get_field("response")
    params = [
        response_field.get_db_prep_save(response, connection),
        sequence,
        ops.adapt_datetimefield_value(now),
        attempt_id,
        position,
        sequence,
        attempt_id,
        *([user_id] if user_id is not None else []),
        AttemptState.IN_PROGRESS.value,
        ops.adapt_datetimefield_value(open_since),
    ]
    with connection.cursor() as cursor:
        cursor.execute(_save_answer_sql(user_id is not None), params)
        return bool(cursor.rowcount)


def slot_for_answer_row(attempt_id: int, position: int, user_id: int) -> tuple | None:
    """(version id, layout, grace seconds, feedback mode) of this student's slot, or None.

    Hand-written because it runs for every answer of a whole class: the ORM
    would compile the same two-join query each time for a tenth of a request.
    """
    s, a, q = AttemptSlot._meta.db_table, Attempt._meta.db_table, Quiz._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT s.version_id, s.layout, q.grace_seconds, q.feedback_mode FROM {s} s"
            f" JOIN {a} a ON a.id = s.attempt_id JOIN {q} q ON q.id = a.quiz_id"
            " WHERE s.attempt_id = %s AND s.position = %s AND a.user_id = %s",
            [attempt_id, position, user_id],
        )
        row = cursor.fetchone()
    if row is None:
        return None
    version_id, layout, grace, mode = row
    if isinstance(layout, str):  # SQLite hands JSON back as text
        layout = json.loads(layout)
    return version_id, layout or {}, grace, mode


def write_grades(slots: list[AttemptSlot]) -> None:
    """Store every slot's fraction and manual flag in one UPDATE ... FROM (VALUES ...).

    Django's bulk_update builds a CASE per field and row, which costs more to
    compile than the grading itself; this statement works on PostgreSQL and
    SQLite alike (both name the VALUES columns column1, column2, ...).
    """
    if not slots:
        return
    table = AttemptSlot._meta.db_table
    first = "(%s, CAST(%s AS double precision), CAST(%s AS boolean))"
    rows = ", ".join([first] + ["(%s, %s, %s)"] * (len(slots) - 1))
    params = []
    for slot in slots:
        params += [slot.pk, slot.fraction, slot.needs_manual]
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET fraction = v.column2, needs_manual = v.column3"
            f" FROM (VALUES {rows}) AS v WHERE {table}.id = v.column1",
            params,
        )


def database_oid() -> int:
    """PostgreSQL's oid of the current database (it changes when the database is recreated)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT oid FROM pg_database WHERE datname = current_database()")
        return cursor.fetchone()[0]
