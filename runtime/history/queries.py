"""Read queries of the execution history, building records from rows.

Each function takes a connection the caller holds exclusively (``HistoryStore`` keeps a
lock per connection) and reads committed data only. Step, log and OS log queries work
on the execution's integer key, found once by ``resolve``; records carry the session id
back, so no per-row join on the executions table is needed.
"""

from __future__ import annotations

import sqlite3

from runtime.history.records import (
    ExecutionRecord,
    HistoryError,
    LogRecord,
    OsLogRecord,
    StateSummary,
    StepRecord,
)
from runtime.history.schema import EXECUTION_COLUMNS, STEP_COLUMNS

MIN_PREFIX = 4
_EXECUTION_SELECT = f"SELECT {', '.join(EXECUTION_COLUMNS)} FROM executions"
_STEP_SELECT = f"SELECT {', '.join(STEP_COLUMNS[1:])} FROM steps"
# Without ANALYZE statistics SQLite prefers the (ex, seq) primary key even for a state
# filter, scanning all of an execution's steps (8 ms at 100,000 instead of 0.05 ms).
_BY_STATE = " INDEXED BY steps_state"


def _like_pattern(text: str) -> str:
    """A LIKE pattern matching ``text`` anywhere (escape character ``\\``)."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _glob_prefix(text: str) -> str:
    """A GLOB pattern matching strings that start with ``text``."""
    return "".join(f"[{c}]" if c in "*?[" else c for c in text) + "*"


def resolve(conn: sqlite3.Connection, execution_id: str) -> tuple[int, str] | None:
    """Find an execution by id, or by a unique id prefix of at least four characters.

    Args:
        conn: Read connection.
        execution_id: Full session id or prefix.

    Returns:
        ``(key, id)``, or None when nothing matches.

    Raises:
        HistoryError: The prefix matches more than one execution.
    """
    row = conn.execute("SELECT key, id FROM executions WHERE id = ?", (execution_id,)).fetchone()
    if row is not None or len(execution_id) < MIN_PREFIX:
        return row
    rows = conn.execute(
        "SELECT key, id FROM executions WHERE id GLOB ? ORDER BY id LIMIT 6",
        (_glob_prefix(execution_id),),
    ).fetchall()
    if len(rows) > 1:
        shown = ", ".join(r[1] for r in rows[:5]) + (", ..." if len(rows) > 5 else "")
        raise HistoryError(
            f"execution id prefix {execution_id!r} is ambiguous: it matches {shown}; "
            "give more characters"
        )
    return rows[0] if rows else None


def list_executions(
    conn: sqlite3.Connection,
    *,
    playbook: str | None,
    status: str | None,
    search: str | None,
    limit: int,
    offset: int,
    include_children: bool,
) -> list[ExecutionRecord]:
    """Executions newest first, filtered; see ``HistoryStore.list_executions``."""
    where: list[str] = []
    params: list[object] = []
    if playbook is not None:
        where.append("playbook = ?")
        params.append(playbook)
    if status is not None:
        where.append("status = ?")
        params.append(status)
    if search:
        where.append("id LIKE ? ESCAPE '\\'")
        params.append(_like_pattern(search))
    if not include_children:
        where.append("parent_execution IS NULL")
    sql = _EXECUTION_SELECT + (f" WHERE {' AND '.join(where)}" if where else "")
    sql += " ORDER BY started DESC, key DESC LIMIT ? OFFSET ?"
    rows = conn.execute(sql, (*params, limit, offset)).fetchall()
    return [ExecutionRecord(*row) for row in rows]


def execution(conn: sqlite3.Connection, key: int) -> ExecutionRecord | None:
    """The execution with integer key ``key``."""
    row = conn.execute(_EXECUTION_SELECT + " WHERE key = ?", (key,)).fetchone()
    return None if row is None else ExecutionRecord(*row)


def children(conn: sqlite3.Connection, execution_id: str) -> list[ExecutionRecord]:
    """Component executions started by ``execution_id``, in parent step order."""
    rows = conn.execute(
        _EXECUTION_SELECT + " WHERE parent_execution = ? ORDER BY parent_seq, started, key",
        (execution_id,),
    ).fetchall()
    return [ExecutionRecord(*row) for row in rows]


def _step_filter(
    key: int, state: str | None, iteration: int | None, after_seq: int | None
) -> tuple[str, list[object]]:
    where = ["ex = ?"]
    params: list[object] = [key]
    if state is not None:
        where.append("state = ?")
        params.append(state)
    if iteration is not None:
        where.append("iteration = ?")
        params.append(iteration)
    if after_seq is not None:
        where.append("seq > ?")
        params.append(after_seq)
    return " WHERE " + " AND ".join(where), params


def steps(
    conn: sqlite3.Connection,
    key: int,
    execution_id: str,
    *,
    state: str | None = None,
    iteration: int | None = None,
    after_seq: int | None = None,
    limit: int | None = None,
) -> list[StepRecord]:
    """Steps of one execution ordered by seq, filtered and optionally paged by seq."""
    where, params = _step_filter(key, state, iteration, after_seq)
    sql = _STEP_SELECT + (_BY_STATE if state is not None else "") + where + " ORDER BY seq"
    if limit is not None:
        sql += " LIMIT ?"
        params.append(limit)
    rows = conn.execute(sql, params).fetchall()
    return [StepRecord(execution_id, *row) for row in rows]


def count_steps(
    conn: sqlite3.Connection, key: int, *, state: str | None, iteration: int | None
) -> int:
    """Number of steps of one execution matching the filters."""
    where, params = _step_filter(key, state, iteration, None)
    sql = "SELECT count(*) FROM steps" + (_BY_STATE if state is not None else "") + where
    return int(conn.execute(sql, params).fetchone()[0])


def step(conn: sqlite3.Connection, key: int, execution_id: str, seq: int) -> StepRecord | None:
    """One step by seq."""
    row = conn.execute(_STEP_SELECT + " WHERE ex = ? AND seq = ?", (key, seq)).fetchone()
    return None if row is None else StepRecord(execution_id, *row)


def state_summary(conn: sqlite3.Connection, key: int) -> list[StateSummary]:
    """Per-state step counts and latest status, ordered by first appearance."""
    rows = conn.execute(
        "SELECT g.state, g.runs, g.ok, g.failed, g.killed, g.skipped, g.last, s.status "
        "FROM (SELECT state, count(*) AS runs, total(status = 'success') AS ok, "
        "total(status = 'failed') AS failed, total(status = 'killed') AS killed, "
        "total(status = 'skipped') AS skipped, max(seq) AS last, min(seq) AS first "
        "FROM steps WHERE ex = ?1 GROUP BY state) AS g "
        "JOIN steps AS s ON s.ex = ?1 AND s.seq = g.last ORDER BY g.first",
        (key,),
    ).fetchall()
    return [
        StateSummary(r[0], r[1], int(r[2]), int(r[3]), int(r[4]), int(r[5]), r[6], r[7])
        for r in rows
    ]


def logs(
    conn: sqlite3.Connection,
    key: int,
    execution_id: str,
    *,
    seq: int | None,
    state: str | None,
    search: str | None,
) -> list[LogRecord]:
    """App log lines of one execution in write order, filtered."""
    where = ["l.ex = ?"]
    params: list[object] = [key]
    if seq is not None:
        where.append("l.seq = ?")
        params.append(seq)
    if state is not None:
        where.append("s.state = ?")
        params.append(state)
    if search:
        where.append("l.message LIKE ? ESCAPE '\\'")
        params.append(_like_pattern(search))
    rows = conn.execute(
        "SELECT l.seq, l.time, l.level, l.message, s.state, l.detail FROM logs AS l "
        "LEFT JOIN steps AS s ON s.ex = l.ex AND s.seq = l.seq "
        f"WHERE {' AND '.join(where)} ORDER BY l.rowid",
        params,
    ).fetchall()
    return [LogRecord(execution_id, *row) for row in rows]


def os_logs(
    conn: sqlite3.Connection, key: int, execution_id: str, *, seq: int | None
) -> list[OsLogRecord]:
    """OS log chunks of one execution (or one step) ordered by seq, then write order."""
    where = "o.ex = ?" + (" AND o.seq = ?" if seq is not None else "")
    params = (key, seq) if seq is not None else (key,)
    rows = conn.execute(
        "SELECT o.seq, o.stream, o.text, s.state FROM os_logs AS o "
        "LEFT JOIN steps AS s ON s.ex = o.ex AND s.seq = o.seq "
        f"WHERE {where} ORDER BY o.seq IS NOT NULL, o.seq, o.rowid",
        params,
    ).fetchall()
    return [OsLogRecord(execution_id, *row) for row in rows]
