"""Write jobs of the history store and the liveness test behind interrupted recovery.

Each job is a callable ``job(conn)`` run by ``runtime.history.writer.Writer`` inside a
write transaction; results come back through an ``out`` list because a job may run on
the writer thread. An execution left ``running`` belongs to a dead process when no store
of this process began it (``ACTIVE``) and its worker, ``<hostname>-<pid>``, is not a
running process of this host.
"""

from __future__ import annotations

import os
import socket
import sqlite3
from typing import Any

from runtime.history.records import HistoryError
from runtime.history.schema import INSERT_EXECUTION
from runtime.history.writer import Job
from runtime.processes import process_alive

INTERRUPTED_MESSAGE = "Interrupted: the application stopped while this execution was running"

# Executions begun by a store of this process and not finished yet: never "recovered".
ACTIVE: set[str] = set()

_INTERRUPT = (
    "UPDATE executions SET status = 'interrupted', message = ?2, completed = NULL, "
    "ended = COALESCE((SELECT max(coalesce(s.ended, s.started)) FROM steps AS s "
    "WHERE s.ex = executions.key), ended) WHERE id = ?1 AND status = 'running'"
)
_FINISH = (
    "UPDATE executions SET status = ?, message = ?, ended = ?, completed = ?, "
    "transitions = ? WHERE id = ?"
)
#: Kill requests: any process writes one; the engine that owns the execution polls and honours
#: it. Created on open (outside the numbered migrations: an older release just ignores it).
KILL_TABLE = (
    "CREATE TABLE IF NOT EXISTS kill_requests (id TEXT PRIMARY KEY, requested REAL NOT NULL, "
    "by TEXT NOT NULL)"
)
_FORGET_KILL = "DELETE FROM kill_requests WHERE id = ?"


def owner_alive(worker: str) -> bool:
    """Whether the process named by a ``<hostname>-<pid>`` worker still runs here.

    Another host, an unparsable worker or this very process count as not alive (this
    process' live executions are in ``ACTIVE``).
    """
    host, sep, pid_text = worker.rpartition("-")
    if not sep or not pid_text.isdigit() or host != socket.gethostname():
        return False
    pid = int(pid_text)
    return pid != os.getpid() and process_alive(pid)


def recover_job(out: list[int], conn: sqlite3.Connection) -> None:
    """Mark ``running`` executions of dead processes interrupted; ``out`` gets the count."""
    rows = conn.execute("SELECT id, worker FROM executions WHERE status = 'running'").fetchall()
    dead = [eid for eid, worker in rows if eid not in ACTIVE and not owner_alive(worker)]
    conn.executemany(_INTERRUPT, [(eid, INTERRUPTED_MESSAGE) for eid in dead])
    conn.executemany(_FORGET_KILL, [(eid,) for eid in dead])
    out[:] = [len(dead)]


def interrupt_job(ids: list[str], conn: sqlite3.Connection) -> None:
    """Mark these executions interrupted if they are still ``running``."""
    conn.executemany(_INTERRUPT, [(eid, INTERRUPTED_MESSAGE) for eid in ids])
    conn.executemany(_FORGET_KILL, [(eid,) for eid in ids])


def request_kill_job(execution_id: str, when: float, by: str, out: list[str],
                     conn: sqlite3.Connection) -> None:
    """Record a kill request for a ``running`` execution; ``out`` gets its status."""
    row = conn.execute("SELECT status FROM executions WHERE id = ?", (execution_id,)).fetchone()
    out[:] = [row[0] if row else "missing"]
    if row is not None and row[0] == "running":
        conn.execute("INSERT OR REPLACE INTO kill_requests VALUES (?, ?, ?)",
                     (execution_id, when, by))


def finish_job(
    rows: Job | None, params: tuple[Any, ...], out: list[int], conn: sqlite3.Connection
) -> None:
    """Write the last buffered rows, then the outcome; ``out`` gets the updated count.

    Args:
        rows: Job writing the rows taken from the buffers, if any.
        params: ``_FINISH`` parameters (status, message, ended, completed, transitions, id).
        out: Receives the number of executions updated (0 for an unknown id).
        conn: The write connection, inside a transaction.
    """
    if rows is not None:
        rows(conn)
    out[:] = [conn.execute(_FINISH, params).rowcount]
    conn.execute(_FORGET_KILL, (params[-1],))


def delete_job(execution_id: str, conn: sqlite3.Connection) -> None:
    """Delete an execution, its rows and, recursively, its component executions."""
    keys: list[tuple[int]] = []
    seen: set[str] = set()
    pending = [execution_id]
    while pending:
        eid = pending.pop()
        row = conn.execute("SELECT key FROM executions WHERE id = ?", (eid,)).fetchone()
        if eid in seen or row is None:
            continue
        seen.add(eid)
        keys.append((row[0],))
        sql = "SELECT id FROM executions WHERE parent_execution = ?"
        pending.extend(r[0] for r in conn.execute(sql, (eid,)))
    for table in ("steps", "logs", "os_logs"):
        conn.executemany(f"DELETE FROM {table} WHERE ex = ?", keys)
    conn.executemany("DELETE FROM executions WHERE key = ?", keys)


def insert_execution_job(row: tuple[Any, ...], conn: sqlite3.Connection) -> None:
    """Insert a new execution row (``EXECUTION_COLUMNS`` order).

    Raises:
        HistoryError: An execution with this id exists already.
    """
    try:
        conn.execute(INSERT_EXECUTION, row)
    except sqlite3.IntegrityError as exc:
        raise HistoryError(f"execution {row[0]!r} already exists") from exc
