"""Where a process stands in the catalog's change log (migration 0007), on
SQLite and on PostgreSQL: which facts rows changed since it last looked, or
that it cannot tell and must read the whole table again (search.columns)."""

from __future__ import annotations

from django.db import connection

CHANGES = "search_catalog_changes"
# More changed rows than this since the last look: read the whole table instead.
MAX_DELTA = 5000
# Rows the log keeps behind its newest (prune_changes).
KEEP_CHANGES = 20000


class SqliteLog:
    """Where a process stands in SQLite's change log: the last row it read.

    SQLite lets one writer commit at a time, so ``seq`` order is commit order
    and everything after the last row read is new. A rolled-back ``seq`` is
    handed out again, so the last row must still carry the nonce it had.
    """

    def __init__(self) -> None:
        self.seq: int | None = None
        self.nonce: int | None = None

    def start(self, cursor) -> None:
        cursor.execute(f"SELECT seq, nonce FROM {CHANGES} ORDER BY seq DESC LIMIT 1")
        row = cursor.fetchone()
        self.seq, self.nonce = row if row else (None, None)

    def changed(self, cursor) -> set[int | None] | None:
        """Entry ids changed since the last look (None among them: the table was
        emptied); None when the log cannot say and everything must be read."""
        cursor.execute(
            f"SELECT seq, nonce, entry_id FROM {CHANGES} WHERE seq >= %s ORDER BY seq LIMIT %s",
            [self.seq if self.seq is not None else -1, MAX_DELTA + 2],
        )
        rows = cursor.fetchall()
        if self.seq is not None:
            if not rows or tuple(rows[0][:2]) != (self.seq, self.nonce):
                return None  # rolled back or pruned
            rows = rows[1:]
        elif rows and rows[0][0] > 1:
            return None  # the log was empty at the last look: rows may have been pruned
        if len(rows) > MAX_DELTA:
            return None
        if rows:
            self.seq, self.nonce = rows[-1][:2]
        return {r[2] for r in rows}


class PostgresLog:
    """Where a process stands in PostgreSQL's change log: by transaction.

    Transactions commit in any order, so a row with a smaller ``seq`` can turn
    up after a larger one was read. The log is read by writing transaction
    instead: every row of a transaction at or after ``xmin`` (the oldest one
    still running at the last look) that is not known to be finished. A
    transaction seen committed is ``done``: all its rows were visible at once.

    Rows seen from a transaction still in progress can only be this
    connection's own (``provisional``, by transaction and row): if the
    transaction, or a savepoint inside it, is rolled back, those rows vanish
    and what was read from them is wrong, so everything is read again. So is
    it when the newest row seen (``seq``) has been pruned.
    """

    def __init__(self) -> None:
        self.xmin = "0"
        self.seq = 0
        self.done: set[str] = set()
        self.provisional: dict[str, set[int]] = {}
        self.unsettled: set[int] = set()

    def start(self, cursor) -> None:
        cursor.execute(
            "SELECT pg_snapshot_xmin(pg_current_snapshot())::text, "
            f"pg_current_xact_id_if_assigned()::text, (SELECT MAX(seq) FROM {CHANGES})"
        )
        self.xmin, own, seq = cursor.fetchone()
        self.seq = seq or 0
        self.done, self.provisional, self.unsettled = set(), {}, set()
        if own:  # read inside a transaction that has written: it may yet be undone
            cursor.execute(
                f"SELECT seq, entry_id FROM {CHANGES} WHERE xid = CAST(%s AS xid8)", [own]
            )
            rows = cursor.fetchall()
            self.provisional[own] = {row[0] for row in rows}
            # Seen by this connection only: another one (search.common_words) cannot.
            self.unsettled = {row[1] for row in rows}

    def changed(self, cursor) -> set[int | None] | None:
        held = sorted(seq for seqs in self.provisional.values() for seq in seqs)
        if len(held) > MAX_DELTA:
            return None
        cursor.execute(
            f"SELECT 'row', entry_id, seq, xid::text, pg_xact_status(xid) FROM {CHANGES} "
            "WHERE xid >= CAST(%s AS xid8) AND NOT (xid::text = ANY(%s)) "
            f"UNION ALL SELECT 'held', NULL, seq, NULL, NULL FROM {CHANGES} WHERE seq = ANY(%s) "
            "UNION ALL SELECT 'provisional', NULL, NULL, x, pg_xact_status(CAST(x AS xid8)) "
            "FROM unnest(CAST(%s AS text[])) AS x "
            "UNION ALL SELECT 'now', NULL, "
            f"(SELECT MIN(seq) FROM {CHANGES}), pg_snapshot_xmin(pg_current_snapshot())::text, "
            "NULL LIMIT %s",
            [self.xmin, list(self.done), held, list(self.provisional), 2 * MAX_DELTA + 3],
        )
        rows = cursor.fetchall()
        if len(rows) > 2 * MAX_DELTA:
            return None
        if {seq for kind, _, seq, _, _ in rows if kind == "held"} != set(held):
            return None  # a savepoint or transaction this process read from was undone
        changed: set[int | None] = set()
        for kind, entry_id, seq, xid, status in rows:
            if kind == "now":
                if seq is not None and seq > self.seq + 1:
                    return None  # pruned past the last row this process read
                self.xmin = xid
            elif kind == "provisional":
                if status == "aborted":
                    return None
                if status == "committed":
                    self.provisional.pop(xid, None)
            elif kind == "row":
                changed.add(entry_id)
                self.seq = max(self.seq, seq)
                if status == "committed":
                    self.done.add(xid)
                else:
                    self.provisional.setdefault(xid, set()).add(seq)
        self.done = {x for x in self.done if int(x) >= int(self.xmin)}
        return changed


def prune_changes() -> int:
    """Delete log rows behind the newest ``KEEP_CHANGES``; returns how many went."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {CHANGES} WHERE seq <= (SELECT MAX(seq) FROM {CHANGES}) - %s",
            [KEEP_CHANGES],
        )
        return cursor.rowcount
