"""The durable execution store: SQLite in WAL mode, written in batches.

``HistoryStore`` is what the engine, the Executions pane and the CLI share. The engine
appends plain tuples (``add_steps`` / ``add_logs`` / ``add_os_logs`` cost a
``list.extend``); rows reach the database by ``executemany`` in one transaction past
``flush_rows`` buffered rows, on ``flush()`` and in ``finish_execution``. Every write is
a transaction, so a crash or a kill leaves a readable database holding whole batches;
an execution still ``running`` when its process died is marked ``interrupted`` the next
time a store opens the file.

Concurrency: one write connection and, for a file, a separate read connection, each
with its own lock and ``check_same_thread=False``. WAL lets the reader see the last
committed state while a flush is in progress, so a UI thread reading never waits for
the engine's writes (an in-memory database has one connection and one lock). Reads see
committed rows only: buffered rows become visible at the next flush. Write methods are
meant to be called from one producer thread (the engine's); reads from any thread.
With ``background=True`` writes are applied in order by a writer thread (see
``runtime.history.writer``): ``begin_execution`` and ``finish_execution`` return at
once, and ``flush()`` waits until everything submitted so far is committed.
"""

from __future__ import annotations

import os
import socket
import sqlite3
import threading
import time
from collections.abc import Iterable
from contextlib import suppress
from functools import partial
from pathlib import Path
from types import TracebackType
from typing import Any

import platformdirs

from runtime.history import queries
from runtime.history.jobs import (
    ACTIVE,
    KILL_TABLE,
    delete_job,
    finish_job,
    interrupt_job,
    owner_alive,
    recover_job,
    request_kill_job,
)
from runtime.history.reader import HistoryReader
from runtime.history.records import ExecutionRecord, HistoryError
from runtime.history.schema import COMPLETED_STATUSES, FINAL_STATUSES, connect, migrate
from runtime.history.writer import Writer

HISTORY_ENV = "PLAYBOOK_STUDIO_HISTORY"
#: Short executions (begun and finished with nothing written between) are committed together
#: at most this long after the first of them finished: a commit costs ~60 µs of WAL pages,
#: more than a whole 10-state execution. Any flush, read through the store or close writes
#: them at once; a process killed outright loses at most this window of them.
GROUP_COMMIT_SECONDS = 0.05


def default_history_path() -> Path:
    """Where the history database lives.

    Returns:
        ``$PLAYBOOK_STUDIO_HISTORY`` when set, else ``history.sqlite3`` in the user data
        directory (``platformdirs.user_data_path("playbook-studio")``).
    """
    override = os.environ.get(HISTORY_ENV)
    if override:
        return Path(override).expanduser()
    return platformdirs.user_data_path("playbook-studio") / "history.sqlite3"


_WORKER: tuple[int, str] = (0, "")


def default_worker() -> str:
    """The WORKER value of executions run by this process: ``<hostname>-<pid>``.

    Worked out once per process (a forked child gets its own), not once per execution.
    """
    global _WORKER
    pid = os.getpid()
    if _WORKER[0] != pid:
        _WORKER = (pid, f"{socket.gethostname()}-{pid}")
    return _WORKER[1]


def _open_connections(
    path: str | Path, memory: bool
) -> tuple[sqlite3.Connection, sqlite3.Connection]:
    """Open and migrate the write connection, then the read connection (same if memory).

    Raises:
        HistoryError: The file is not a history database or is from a newer release.
    """
    opened: list[sqlite3.Connection] = []
    try:
        opened.append(connect(path))
        migrate(opened[0])
        opened[0].execute(KILL_TABLE)
        opened.append(opened[0] if memory else connect(path, readonly=True))
    except BaseException as exc:
        for conn in opened:
            conn.close()
        if isinstance(exc, sqlite3.DatabaseError):
            raise HistoryError(f"cannot open history database {path}: {exc}") from exc
        raise
    return opened[0], opened[1]


class HistoryStore(HistoryReader):
    """Durable store of executions, steps, App logs and OS logs (see the module doc).

    Attributes:
        path: The database file, or ``":memory:"``.
    """

    def __init__(
        self,
        path: str | Path,
        *,
        flush_rows: int = 20_000,
        recover: bool = True,
        background: bool = False,
    ) -> None:
        """Open (creating or migrating) a history database.

        Args:
            path: Database file (parent directories are created), or ``":memory:"``.
            flush_rows: Buffered rows of one kind that trigger a flush.
            recover: Mark executions left ``running`` by dead processes ``interrupted`` (at
                open, and when a read meets one).
            background: Apply writes on a writer thread (see the module doc).

        Raises:
            HistoryError: The file is not a history database or is from a newer release.
        """
        self.path = path
        memory = str(path) == ":memory:"
        self._wconn, self._rconn = _open_connections(path, memory)
        self._wlock: threading.Lock | threading.RLock = (
            threading.RLock() if memory else threading.Lock()
        )
        self._rlock = self._wlock if memory else threading.Lock()
        writer = Writer(self._wconn, self._wlock, flush_rows=flush_rows, background=background)
        self._writer = writer
        self._steps, self._logs, self._os_logs = writer.steps, writer.logs, writer.os_logs
        self._flush_rows = writer.flush_rows
        self._open: set[str] = set()
        self._closed = False
        self._last_flush = time.monotonic()
        self._last_commit = 0.0
        self._recover = recover
        if recover:
            self.recover_interrupted()

    # -- writing -------------------------------------------------------------------------

    def begin_execution(
        self,
        *,
        execution_id: str,
        playbook: str,
        playbook_hash: str,
        profile: str | None,
        log_level: str,
        started: float,
        job_server: str = "embedded",
        worker: str | None = None,
        parent_execution: str | None = None,
        parent_seq: int | None = None,
        trigger_json: str | None = None,
    ) -> None:
        """Record a new ``running`` execution.

        The row is held back with the buffered rows and written in the first transaction
        that writes anything (a flush, rows past ``flush_rows``, a read through this store,
        the poll of :mod:`runtime.history.control`) or, for an execution that finishes first,
        as its final row in the finishing transaction: a short execution costs one
        transaction and one INSERT. Readers in other processes see it after that write
        (``flush()`` forces it).

        Args:
            execution_id: Session id, unique in the store.
            playbook: Playbook name.
            playbook_hash: Hash of the playbook definition.
            profile: Run profile name, if any.
            log_level: Log level (stored upper-case).
            started: Start time, epoch seconds.
            job_server: Job server name.
            worker: Worker name; defaults to ``<hostname>-<pid>`` of this process.
            parent_execution: Parent session id when run as a component.
            parent_seq: Parent step seq that started this execution.
            trigger_json: Trigger payload as JSON.

        Raises:
            HistoryError: The id was begun by this store and is not finished (inline mode;
                in background mode, and for an id already in the database, the error is
                raised by the write that brings the row in, or the next ``flush()``).
        """
        row = (
            execution_id, playbook, playbook_hash, profile, "running", None, started, None,
            None, log_level.upper(), job_server, worker or default_worker(), 0,
            parent_execution, parent_seq, trigger_json,
        )  # fmt: skip
        writer = self._writer
        if execution_id in self._open or execution_id in writer.begins:
            error = HistoryError(f"execution {execution_id!r} already exists")
            if not writer.background:
                raise error
            writer.keep(error)
            return
        writer.begins[execution_id] = row
        ACTIVE.add(execution_id)
        self._open.add(execution_id)

    def add_steps(self, rows: list[tuple]) -> None:
        """Buffer step tuples (``STEP_COLUMNS`` order); flush past ``flush_rows``."""
        buffer = self._steps
        buffer.extend(rows)
        if len(buffer) >= self._flush_rows:
            self._writer.flush_buffers()

    def add_logs(self, rows: list[tuple]) -> None:
        """Buffer App log tuples (``LOG_COLUMNS`` order); flush past ``flush_rows``."""
        buffer = self._logs
        buffer.extend(rows)
        if len(buffer) >= self._flush_rows:
            self._writer.flush_buffers()

    def add_os_logs(self, rows: list[tuple]) -> None:
        """Buffer OS log tuples (``OS_LOG_COLUMNS`` order); flush past ``flush_rows``."""
        buffer = self._os_logs
        buffer.extend(rows)
        if len(buffer) >= self._flush_rows:
            self._writer.flush_buffers()

    def flush(self) -> None:
        """Write every buffered row (one transaction) and wait for queued writes.

        Raises:
            HistoryError | sqlite3.Error: A write failed (background mode: any write
                since the previous ``flush``).
        """
        self._writer.flush_buffers()
        self._writer.wait()

    def finish_execution(
        self,
        execution_id: str,
        *,
        status: str,
        message: str | None,
        completed: float | None,
        transitions: int,
    ) -> None:
        """Flush buffered rows and record the outcome, in one transaction.

        An execution whose row was never written (begun and finished with nothing flushed
        between: every short one) is not written at once: its final row waits with its rows
        and goes in with the next write, at most ``GROUP_COMMIT_SECONDS`` later (a flush, a
        read through this store and close write it at once), so a burst of short executions
        shares one commit.

        Args:
            execution_id: Session id.
            status: ``success``, ``partial``, ``failed`` or ``interrupted``.
            message: Final status message.
            completed: End time; stored as ``ended`` always and as ``completed`` only
                for ``success`` / ``partial`` (COMPLETED stays empty otherwise).
            transitions: Number of state transitions performed.

        Raises:
            HistoryError: Unknown status, or (inline mode) unknown execution.
        """
        if status not in FINAL_STATUSES:
            raise HistoryError(f"status must be one of {sorted(FINAL_STATUSES)}, not {status!r}")
        shown = completed if status in COMPLETED_STATUSES else None
        params = (status, message, completed, shown, transitions, execution_id)
        writer = self._writer
        begun = writer.begins.get(execution_id)
        out: list[int] = []
        if begun is not None:  # never written: its row is written once, with the outcome
            writer.begins[execution_id] = (
                *begun[:4], status, message, begun[6], completed, shown, *begun[9:12],
                transitions, *begun[13:])
            now = time.monotonic()
            if now - self._last_commit >= GROUP_COMMIT_SECONDS or (
                    writer.buffered() >= self._flush_rows):
                self._last_commit = now
                writer.flush_buffers()
        else:
            taken = writer.take_rows()
            rows, weight = taken if taken is not None else (None, 1)
            writer.submit(partial(finish_job, rows, params, out), weight)
            self._last_commit = time.monotonic()
        ACTIVE.discard(execution_id)
        self._open.discard(execution_id)
        if out == [0]:
            raise HistoryError(f"no execution {execution_id!r} to finish")

    def recover_interrupted(self) -> int:
        """Mark ``running`` executions whose process is gone as ``interrupted``.

        An execution counts as live when a store of this process began it, or when its
        worker is ``<this host>-<pid>`` of another running process.

        Returns:
            Number of executions marked.
        """
        out: list[int] = []
        self._writer.submit(partial(recover_job, out))
        self._writer.wait()
        return out[0] if out else 0

    # -- reading: a run whose process vanished reads as interrupted at once --------------

    @property
    def _read_conn(self) -> sqlite3.Connection:
        """The read connection, once held-back execution rows are committed (a reader of
        this store sees every execution begun, as when each begin was its own write)."""
        writer = self._writer
        if writer.begins and not self._closed:
            writer.flush_buffers()  # the rows of a finished execution with it
            writer.drain()
        return super()._read_conn

    def list_executions(self, **filters: Any) -> list[ExecutionRecord]:
        """As :meth:`HistoryReader.list_executions`; ``running`` executions whose process is
        gone (a SIGKILLed ``playbook run``) are marked ``interrupted`` first."""
        rows = super().list_executions(**filters)
        if any(self._orphaned(row) for row in rows) and self.recover_interrupted():
            rows = super().list_executions(**filters)
        return rows

    def get_execution(self, execution_id: str) -> ExecutionRecord | None:
        """As :meth:`HistoryReader.get_execution`, with a vanished owner detected (above)."""
        record = super().get_execution(execution_id)
        if record is not None and self._orphaned(record) and self.recover_interrupted():
            record = super().get_execution(execution_id)
        return record

    def _orphaned(self, record: ExecutionRecord) -> bool:
        return (self._recover and record.status == "running" and record.id not in ACTIVE
                and not self._closed and not owner_alive(record.worker))

    def request_kill(self, execution_id: str, by: str | None = None) -> str:
        """Ask the process running an execution to kill it (any process may ask).

        The owning engine polls :meth:`kill_requests` (every 50 ms) and honours the request.

        Args:
            execution_id: Session id (or unique prefix).
            by: Who asks (``<hostname>-<pid>`` by default).

        Returns:
            The execution's status when asked: the request is recorded only if ``running``.

        Raises:
            HistoryError: Unknown id or ambiguous prefix.
        """
        with self._rlock:
            found = queries.resolve(self._read_conn, execution_id)
        if found is None:
            raise HistoryError(f"no execution {execution_id!r}")
        out: list[str] = []
        self._writer.submit(partial(request_kill_job, found[1], time.time(),
                                    by or default_worker(), out))
        self._writer.wait()
        return out[0]

    def kill_requests(self, execution_ids: Iterable[str]) -> list[str]:
        """Which of these executions someone asked to kill (a cheap read: the table holds
        only requests not yet honoured)."""
        wanted = set(execution_ids)
        if not wanted:
            return []
        with self._rlock:
            rows = self._read_conn.execute("SELECT id FROM kill_requests").fetchall()
        return [row[0] for row in rows if row[0] in wanted]

    def flush_due(self, interval: float = 0.2) -> bool:
        """Whether ``interval`` seconds passed since :meth:`flush_if_due` last handed rows."""
        return time.monotonic() - self._last_flush >= interval

    def flush_if_due(self, interval: float = 0.2) -> bool:
        """Hand buffered rows to the writer when ``interval`` seconds passed since the last
        time (without waiting for the commit): steps reach the database while a run goes on.

        Returns:
            Whether rows were handed over.
        """
        now = time.monotonic()
        if now - self._last_flush < interval:
            return False
        self._last_flush = now
        if not self._writer.buffered():
            return False
        self._writer.flush_buffers()
        return True

    def delete_execution(self, execution_id: str) -> None:
        """Delete an execution (id or unique prefix) with its rows and child executions.

        Unknown ids are ignored. Flushes first and waits until the deletion is committed.

        Raises:
            HistoryError: Ambiguous prefix.
        """
        self.flush()
        with self._rlock:
            found = queries.resolve(self._read_conn, execution_id)
        if found is None:
            return
        self._writer.submit(partial(delete_job, found[1]))
        self._writer.wait()
        self._open.discard(found[1])
        ACTIVE.discard(found[1])

    def close(self) -> None:
        """Flush, mark executions begun here and never finished ``interrupted``, close."""
        if self._closed:
            return
        self._closed = True
        try:
            self._writer.flush_buffers()
            if self._open:
                self._writer.submit(partial(interrupt_job, sorted(self._open)))
            self._writer.close()
        finally:
            ACTIVE.difference_update(self._open)
            self._open.clear()
            self._close_connections()

    def __enter__(self) -> HistoryStore:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def _close_connections(self) -> None:
        with suppress(sqlite3.Error):  # refresh planner statistics, bounded work
            self._wconn.execute("PRAGMA analysis_limit=1000")
            self._wconn.execute("PRAGMA optimize")
        self._rconn.close()
        if self._wconn is not self._rconn:
            self._wconn.close()
