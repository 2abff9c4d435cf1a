"""SQLite schema, migrations and connection set-up of the execution history.

The engine hands rows over as plain tuples whose field order is given by
``STEP_COLUMNS``, ``LOG_COLUMNS`` and ``OS_LOG_COLUMNS``. On disk the session id is
stored once, in ``executions``; ``steps``, ``logs`` and ``os_logs`` carry the
execution's integer key instead (smaller rows and indexes, ~30 % faster inserts), and
the insert statements translate the id to the key inside SQLite, so a row tuple is
bound as-is. Rows naming an unknown (or deleted) execution are dropped by the insert.

The schema version lives in ``PRAGMA user_version``; ``MIGRATIONS[n]`` upgrades a
database from version ``n`` to ``n + 1`` (version 0 is an empty file), so a later
release appends a tuple of statements and bumps nothing else.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from runtime.history.records import HistoryError, StepRow

#: The ``steps`` columns are the fields of :class:`~runtime.history.records.StepRow`.
STEP_COLUMNS: tuple[str, ...] = StepRow._fields
LOG_COLUMNS: tuple[str, ...] = ("execution_id", "seq", "time", "level", "message", "detail")
OS_LOG_COLUMNS: tuple[str, ...] = ("execution_id", "seq", "stream", "text")

EXECUTION_COLUMNS: tuple[str, ...] = (
    "id", "playbook", "playbook_hash", "profile", "status", "message", "started", "ended",
    "completed", "log_level", "job_server", "worker", "transitions", "parent_execution",
    "parent_seq", "trigger_json",
)  # fmt: skip

STEP_STATUSES = frozenset({"success", "failed", "killed", "skipped"})
FINAL_STATUSES = frozenset({"success", "partial", "failed", "interrupted"})
COMPLETED_STATUSES = frozenset({"success", "partial"})

_V1: tuple[str, ...] = (
    """CREATE TABLE executions (
        key INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        playbook TEXT NOT NULL,
        playbook_hash TEXT NOT NULL,
        profile TEXT,
        status TEXT NOT NULL,
        message TEXT,
        started REAL NOT NULL,
        ended REAL,
        completed REAL,
        log_level TEXT NOT NULL,
        job_server TEXT NOT NULL,
        worker TEXT NOT NULL,
        transitions INTEGER NOT NULL DEFAULT 0,
        parent_execution TEXT,
        parent_seq INTEGER,
        trigger_json TEXT
    )""",
    "CREATE INDEX executions_playbook_started ON executions (playbook, started DESC)",
    "CREATE INDEX executions_status ON executions (status)",
    "CREATE INDEX executions_started ON executions (started DESC)",
    "CREATE INDEX executions_parent ON executions (parent_execution, parent_seq)",
    # Clustered on (execution, seq): one execution's steps are contiguous on disk.
    """CREATE TABLE steps (
        ex INTEGER NOT NULL,
        seq INTEGER NOT NULL,
        state TEXT NOT NULL,
        type TEXT NOT NULL,
        status TEXT NOT NULL,
        started REAL NOT NULL,
        ended REAL,
        message TEXT,
        error_code TEXT,
        iteration INTEGER,
        parent_seq INTEGER,
        path TEXT,
        child_execution TEXT,
        input_json TEXT,
        output_json TEXT,
        PRIMARY KEY (ex, seq)
    ) WITHOUT ROWID""",
    # Serves the state / iteration filters; status makes it covering for state_summary.
    "CREATE INDEX steps_state ON steps (ex, state, iteration, status)",
    """CREATE TABLE logs (
        ex INTEGER NOT NULL,
        seq INTEGER,
        time REAL NOT NULL,
        level TEXT NOT NULL,
        message TEXT NOT NULL
    )""",
    "CREATE INDEX logs_seq ON logs (ex, seq)",
    """CREATE TABLE os_logs (
        ex INTEGER NOT NULL,
        seq INTEGER,
        stream TEXT NOT NULL,
        text TEXT NOT NULL
    )""",
    "CREATE INDEX os_logs_seq ON os_logs (ex, seq)",
)

# Version 2: the step record carries the transition taken as data, the resolved parameters
# and a failure's detail; a log line carries the detail beside the fixed message. Columns
# are appended, so a version-1 database keeps its rows (the new fields read as NULL).
_V2: tuple[str, ...] = (
    "ALTER TABLE steps ADD COLUMN transition TEXT",
    "ALTER TABLE steps ADD COLUMN params_json TEXT",
    "ALTER TABLE steps ADD COLUMN detail TEXT",
    "ALTER TABLE logs ADD COLUMN detail TEXT",
)

#: ``MIGRATIONS[n]`` takes a database from schema version n to n + 1.
MIGRATIONS: tuple[tuple[str, ...], ...] = (_V1, _V2)
SCHEMA_VERSION = len(MIGRATIONS)


def _numbered(first: int, count: int) -> str:
    return ", ".join(f"?{i}" for i in range(first, first + count))


# ?1 is the session id (the tuple's first field); the rest bind in tuple order.
INSERT_STEPS = (
    "INSERT OR REPLACE INTO steps "
    f"SELECT key, {_numbered(2, len(STEP_COLUMNS) - 1)} FROM executions WHERE id = ?1"
)
INSERT_LOGS = (
    "INSERT INTO logs (ex, seq, time, level, message, detail) "
    f"SELECT key, {_numbered(2, len(LOG_COLUMNS) - 1)} FROM executions WHERE id = ?1"
)
INSERT_OS_LOGS = (
    "INSERT INTO os_logs (ex, seq, stream, text) "
    f"SELECT key, {_numbered(2, len(OS_LOG_COLUMNS) - 1)} FROM executions WHERE id = ?1"
)
INSERT_EXECUTION = (
    f"INSERT INTO executions ({', '.join(EXECUTION_COLUMNS)}) "
    f"VALUES ({', '.join('?' * len(EXECUTION_COLUMNS))})"
)


def connect(path: str | Path, *, readonly: bool = False) -> sqlite3.Connection:
    """Open a connection configured for the history store.

    The connection is in autocommit mode (transactions are explicit), usable from any
    thread (the store serialises access with its own locks), WAL-journaled with
    ``synchronous=NORMAL`` (a commit is atomic and survives a process kill; only an OS
    crash can lose the last commits) and waits up to 10 s for another process' lock.

    Args:
        path: Database file, or ``":memory:"``.
        readonly: Open a reader (``query_only``): it never takes the write lock.

    Returns:
        The open connection.
    """
    target = str(path)
    if target != ":memory:":
        _create_private(Path(target))
    conn = sqlite3.connect(target, timeout=10.0, isolation_level=None, check_same_thread=False)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute("PRAGMA temp_store=MEMORY")
    if readonly:
        conn.execute("PRAGMA query_only=1")
    return conn


def _create_private(path: Path) -> None:
    """Create the database file readable by its owner only (it may hold inputs)."""
    if path.exists():
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    except FileExistsError:
        return
    os.close(fd)


def migrate(conn: sqlite3.Connection) -> int:
    """Bring the schema up to ``SCHEMA_VERSION`` in one transaction.

    Args:
        conn: A connection from ``connect`` (autocommit mode).

    Returns:
        The schema version found before migrating (0 for a new database).

    Raises:
        HistoryError: The file is not a database, or was written by a newer release.
    """
    try:
        conn.execute("BEGIN IMMEDIATE")
    except sqlite3.DatabaseError as exc:
        raise HistoryError(f"history database is unreadable: {exc}") from exc
    try:
        found = int(conn.execute("PRAGMA user_version").fetchone()[0])
        if found > SCHEMA_VERSION:
            raise HistoryError(
                f"history database has schema version {found}, newer than this release "
                f"supports ({SCHEMA_VERSION}); upgrade Playbook Studio or use another file"
            )
        for version in range(found, SCHEMA_VERSION):
            for statement in MIGRATIONS[version]:
                conn.execute(statement)
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    return found
