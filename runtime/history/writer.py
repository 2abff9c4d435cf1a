"""Row buffers and the single writer of the history database.

The engine appends plain tuples to three lists (steps, logs, OS logs); nothing else
happens per row. Past ``flush_rows`` buffered rows, or on ``flush()``, the rows are
taken out of the buffers and written by ``executemany`` in one transaction.

Every write is a *job*: a callable run inside a transaction on the write connection.
Jobs run in submission order, either inline (``background=False``: the caller pays the
SQLite time, 6-9 µs a row on the 2-core reference machine) or on one daemon writer
thread (``background=True``: the caller pays a list swap; SQLite releases the GIL while
it works, so the engine keeps its speed and the UI thread is never held for a whole
flush). The thread coalesces queued jobs, up to ``flush_rows`` rows, into one
transaction; if it fails, the jobs are retried one transaction each so one failing job
does not lose the others, and the first error is kept and raised by the next
``wait()``. A backlog past ``8 * flush_rows`` queued rows makes ``submit`` wait, so a
producer faster than the disk cannot grow memory without bound. Transactions are short (one
batch) and ``BEGIN IMMEDIATE`` is retried with back-off past SQLite's busy timeout while other
processes write the same file (:func:`begin`).
"""

from __future__ import annotations

import operator
import queue
import sqlite3
import threading
import time
from collections.abc import Callable
from functools import partial
from itertools import chain

from runtime.history.records import HistoryError
from runtime.history.schema import (
    INSERT_EXECUTION,
    INSERT_OS_LOGS,
    STEP_COLUMNS,
)

Job = Callable[[sqlite3.Connection], None]


#: An execution with at least this many step rows in a batch gets its own statements with the
#: execution's key written in (its tuples are bound as they are); the rows of shorter
#: executions (thousands of them in a batch) get their key put in front. Either way no key
#: is looked up per row (that was a quarter of the insert time).
OWN_STATEMENT_ROWS = 64
#: Most steps (every one at INFO that did not fail) fill only these columns: binding the 10
#: empty ones costs more than the row's insert itself (measured: 20,000 rows 71 -> 33 ms).
NARROW_COLUMNS = ("seq", "state", "type", "status", "started", "ended", "transition")
_NARROW_INDEXES = tuple(STEP_COLUMNS.index(name) for name in NARROW_COLUMNS)
_narrow = operator.itemgetter(*_NARROW_INDEXES)
_EMPTY = tuple(i for i in range(1, len(STEP_COLUMNS)) if i not in _NARROW_INDEXES)

#: Rows per multi-row INSERT (fewer when SQLite allows fewer bound values per statement).
ROWS_PER_STATEMENT = 500


def _insert_many(conn: sqlite3.Connection, into: str, row: str, rows: list[tuple]) -> None:
    """``into`` followed by ``VALUES row, row, ...``: many rows per statement.

    ``executemany`` steps SQLite once per row and lets go of the GIL around each step; with a
    writer thread, getting it back waits for the engine's switch interval each time, so the
    thread wrote a few rows per 5 ms while the engine ran. One statement per few hundred rows
    lets go of it once per statement, and is faster inline too (20,000 rows: 22 -> 13 ms).
    ``row`` is a tuple of placeholders (``(?, ?, ?)``, or with a literal key ``(7, ?, ?)``).
    """
    width = row.count("?")
    if not rows or width == 0:
        return
    limit = conn.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
    per = max(1, min(ROWS_PER_STATEMENT, limit // width))
    full = None
    for start in range(0, len(rows), per):
        part = rows[start:start + per]
        if len(part) == per:
            full = full or f"{into} VALUES {', '.join([row] * per)}"
            sql = full
        else:
            sql = f"{into} VALUES {', '.join([row] * len(part))}"
        conn.execute(sql, list(chain.from_iterable(part)))


def _placeholders(count: int, key: int | None = None) -> str:
    marks = ["?"] * count
    return f"({', '.join(marks if key is None else [str(int(key)), *marks])})"


_STEPS_INTO = "INSERT OR REPLACE INTO steps"
_NARROW_HEAD = f"INSERT OR REPLACE INTO steps (ex, {', '.join(NARROW_COLUMNS)})"


assert (*range(7, 15), 16, 17) == _EMPTY, "update _is_narrow with STEP_COLUMNS"
_NONE_8, _NONE_2 = (None,) * 8, (None,) * 2


def _is_narrow(row: tuple) -> bool:
    """Whether only the narrow columns of a step tuple hold values (slices compare in C)."""
    return row[7:15] == _NONE_8 and row[16:18] == _NONE_2


def _insert_group(conn: sqlite3.Connection, key: int, rows: list[tuple]) -> None:
    """One execution's many rows: narrow rows bind 7 values, the others all of theirs."""
    full = _placeholders(len(STEP_COLUMNS) - 1, key)
    if len({row[1] for row in rows}) != len(rows):  # a seq twice: keep the order exactly
        _insert_many(conn, _STEPS_INTO, full, [row[1:] for row in rows])
        return
    narrow = [_narrow(row) for row in rows if _is_narrow(row)]
    if narrow:
        _insert_many(conn, _NARROW_HEAD, _placeholders(len(NARROW_COLUMNS), key), narrow)
    if len(narrow) < len(rows):
        _insert_many(conn, _STEPS_INTO, full, [row[1:] for row in rows if not _is_narrow(row)])


def execution_keys(conn: sqlite3.Connection, ids: set[str]) -> dict[str, int]:
    """The integer key of each execution id present in the database."""
    keys: dict[str, int] = {}
    listed = list(ids)
    per = max(1, min(500, conn.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)))
    for start in range(0, len(listed), per):
        part = listed[start:start + per]
        sql = f"SELECT id, key FROM executions WHERE id IN ({', '.join('?' * len(part))})"
        keys.update(conn.execute(sql, part).fetchall())
    return keys


def write_steps(steps: list[tuple], conn: sqlite3.Connection) -> None:
    """Insert step tuples; rows naming an unknown execution are dropped (as before)."""
    ids = {row[0] for row in steps}
    keys = execution_keys(conn, ids)
    if len(ids) == 1:
        groups = {steps[0][0]: steps}
    else:
        groups = {}
        for row in steps:
            groups.setdefault(row[0], []).append(row)
    keyed: list[tuple] = []
    for eid, rows in groups.items():
        key = keys.get(eid)
        if key is None:
            continue
        if len(rows) >= OWN_STATEMENT_ROWS:
            _insert_group(conn, key, rows)
        else:
            keyed.extend((key, *row[1:]) for row in rows)
    if keyed:
        _insert_keyed(conn, keyed)


def _insert_keyed(conn: sqlite3.Connection, keyed: list[tuple]) -> None:
    """Rows of short executions, key first; narrow ones bind 8 values (see above)."""
    full = _placeholders(len(STEP_COLUMNS))
    if len({(row[0], row[1]) for row in keyed}) != len(keyed):
        _insert_many(conn, _STEPS_INTO, full, keyed)
        return
    narrow = [(row[0], *_narrow(row)) for row in keyed if _is_narrow(row)]
    if narrow:
        _insert_many(conn, _NARROW_HEAD, _placeholders(len(NARROW_COLUMNS) + 1), narrow)
    if len(narrow) < len(keyed):
        _insert_many(conn, _STEPS_INTO, full, [row for row in keyed if not _is_narrow(row)])


def write_rows(
    steps: list[tuple], logs: list[tuple], os_logs: list[tuple], conn: sqlite3.Connection
) -> None:
    """Insert buffered rows; runs inside the caller's transaction.

    Args:
        steps: Step tuples in ``STEP_COLUMNS`` order.
        logs: Log tuples in ``LOG_COLUMNS`` order.
        os_logs: OS log tuples in ``OS_LOG_COLUMNS`` order.
        conn: The write connection.
    """
    if steps:
        write_steps(steps, conn)
    if logs:
        write_logs(logs, conn)
    if os_logs:
        conn.executemany(INSERT_OS_LOGS, os_logs)


_LOGS_INTO = "INSERT INTO logs (ex, seq, time, level, message, detail)"


def write_logs(logs: list[tuple], conn: sqlite3.Connection) -> None:
    """Insert App log tuples with their execution's key put in front (one lookup per batch,
    not per row); rows of unknown executions are dropped."""
    keys = execution_keys(conn, {row[0] for row in logs})
    _insert_many(conn, _LOGS_INTO, _placeholders(6),
                 [(keys[row[0]], *row[1:]) for row in logs if row[0] in keys])


def write_begins(begins: list[tuple], keep: Callable[[BaseException], None],
                 conn: sqlite3.Connection) -> None:
    """Insert execution rows (``EXECUTION_COLUMNS`` order) whose begin was held back; a
    duplicate id is skipped and its error kept for the next ``wait()``, so the rows of the
    other executions in the batch are still written."""
    ids = [row[0] for row in begins]
    taken = execution_keys(conn, set(ids))
    if not taken and len(set(ids)) == len(ids):
        conn.executemany(INSERT_EXECUTION, begins)
        return
    for row in begins:
        try:
            conn.execute(INSERT_EXECUTION, row)
        except sqlite3.IntegrityError:
            keep(HistoryError(f"execution {row[0]!r} already exists"))


def write_batch(begins: list[tuple], steps: list[tuple], logs: list[tuple],
                os_logs: list[tuple], keep: Callable[[BaseException], None],
                conn: sqlite3.Connection) -> None:
    """Held-back execution rows first (rows name them), then buffered rows."""
    if begins:
        write_begins(begins, keep, conn)
    write_rows(steps, logs, os_logs, conn)


#: How long a write waits, past SQLite's own busy timeout, for other processes' writes.
BUSY_PATIENCE = 60.0


def _busy(exc: sqlite3.OperationalError) -> bool:
    text = str(exc).lower()
    return "locked" in text or "busy" in text


def begin(conn: sqlite3.Connection, patience: float = BUSY_PATIENCE) -> None:
    """``BEGIN IMMEDIATE``, retried with back-off while other processes hold the write lock.

    Each attempt already waits SQLite's busy timeout; the retries add up to ``patience``
    seconds, so twenty processes writing one history never fail with "database is locked".

    Raises:
        sqlite3.OperationalError: Still busy after ``patience`` seconds, or another error.
    """
    deadline = time.monotonic() + patience
    pause = 0.01
    while True:
        try:
            conn.execute("BEGIN IMMEDIATE")
            return
        except sqlite3.OperationalError as exc:
            if not _busy(exc) or time.monotonic() + pause > deadline:
                raise
        time.sleep(pause)
        pause = min(pause * 2, 0.5)


def _take(buffer: list[tuple]) -> list[tuple]:
    """Remove and return the rows present now.

    Copy-then-delete keeps the list object, so a producer thread appending meanwhile
    loses nothing: its rows land past the first ``n`` and stay buffered.
    """
    n = len(buffer)
    rows = buffer[:n]
    del buffer[:n]
    return rows


class Writer:
    """Owns the row buffers and applies write jobs, inline or on a writer thread.

    Attributes:
        steps: Step row buffer (append-only for producers).
        logs: Log row buffer.
        os_logs: OS log row buffer.
        flush_rows: Buffered rows that trigger a flush.
    """

    def __init__(
        self,
        conn: sqlite3.Connection,
        lock: threading.Lock | threading.RLock,
        *,
        flush_rows: int,
        background: bool,
    ) -> None:
        """Create the writer.

        Args:
            conn: The write connection (autocommit mode).
            lock: Lock serialising every use of ``conn``.
            flush_rows: Buffered rows that trigger a flush.
            background: Apply jobs on a writer thread instead of inline.
        """
        self.begins: dict[str, tuple] = {}
        self.steps: list[tuple] = []
        self.logs: list[tuple] = []
        self.os_logs: list[tuple] = []
        self.flush_rows = max(1, flush_rows)
        self._conn = conn
        self._lock = lock
        self._error: BaseException | None = None
        self._backlog = 0
        self._max_backlog = 8 * self.flush_rows
        self._room = threading.Condition()
        self._queue: queue.Queue[tuple[Job, int] | None] | None = None
        self._thread: threading.Thread | None = None
        if background:
            self._queue = queue.Queue()
            self._thread = threading.Thread(target=self._loop, name="history-writer", daemon=True)
            self._thread.start()

    @property
    def background(self) -> bool:
        """Whether jobs run on the writer thread."""
        return self._thread is not None

    def buffered(self) -> int:
        """Rows waiting in the buffers (not yet handed to a job)."""
        return len(self.begins) + len(self.steps) + len(self.logs) + len(self.os_logs)

    def take_rows(self) -> tuple[Job, int] | None:
        """Empty the buffers into a job: held-back execution rows first (in the order they
        were begun), then the buffered rows.

        Returns:
            The job and its row count, or None when nothing is buffered.
        """
        if not (self.begins or self.steps or self.logs or self.os_logs):
            return None
        begins = list(self.begins.values())
        for row in begins:
            self.begins.pop(row[0], None)
        steps, logs, os_logs = _take(self.steps), _take(self.logs), _take(self.os_logs)
        count = len(begins) + len(steps) + len(logs) + len(os_logs)
        return partial(write_batch, begins, steps, logs, os_logs, self._keep), count

    def flush_buffers(self) -> None:
        """Hand the buffered rows to the writer (asynchronously in background mode)."""
        taken = self.take_rows()
        if taken is not None:
            self.submit(*taken)

    def submit(self, job: Job, rows: int = 1) -> None:
        """Apply a job inline, or queue it for the writer thread.

        Args:
            job: Callable run inside a write transaction.
            rows: Weight of the job for the backlog limit.

        Raises:
            sqlite3.Error: Inline mode only: the job failed (its transaction is rolled back).
        """
        if self._queue is None:
            self._run([job])
            error, self._error = self._error, None
            if error is not None:  # kept by the job (a held-back duplicate execution)
                raise error
            return
        with self._room:
            while self._backlog >= self._max_backlog and self._backlog > 0:
                self._room.wait()
            self._backlog += rows
        self._queue.put((job, rows))

    def drain(self) -> None:
        """Block until every submitted job is committed (errors stay kept for ``wait``)."""
        if self._queue is not None:
            self._queue.join()

    def keep(self, exc: BaseException) -> None:
        """Keep an error for the next ``wait()`` (the first one wins)."""
        self._keep(exc)

    def wait(self) -> None:
        """Block until every submitted job is committed, then raise a kept error."""
        if self._queue is not None:
            self._queue.join()
        error, self._error = self._error, None
        if error is not None:
            raise error

    def close(self) -> None:
        """Write what is buffered, stop the writer thread and raise a kept error."""
        try:
            self.flush_buffers()
        finally:
            if self._queue is not None and self._thread is not None:
                self._queue.put(None)
                self._thread.join()
                self._queue = None
                self._thread = None
        self.wait()

    def _run(self, jobs: list[Job]) -> None:
        """Run jobs in one write transaction; roll it back and re-raise on failure."""
        with self._lock:
            conn = self._conn
            begin(conn)
            try:
                for job in jobs:
                    job(conn)
                conn.execute("COMMIT")
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise

    def _run_coalesced(self, jobs: list[Job]) -> None:
        """Run jobs in one transaction; if that fails, one transaction per job.

        The retry keeps every job that can succeed (the failed attempt left nothing) and
        keeps the first error for ``wait()``. Savepoints would isolate jobs too, but their
        sub-journal makes large batches several times slower.
        """
        try:
            self._run(jobs)
            return
        except Exception as exc:
            if len(jobs) == 1:
                self._keep(exc)
                return
        for job in jobs:
            try:
                self._run([job])
            except Exception as exc:
                self._keep(exc)

    def _keep(self, exc: BaseException) -> None:
        if self._error is None:
            self._error = exc

    def _gather(self, q: queue.Queue[tuple[Job, int] | None]) -> list[tuple[Job, int] | None]:
        """Block for one queued item, then take more while they fit in one transaction."""
        items = [q.get()]
        weight = items[0][1] if items[0] is not None else 0
        while items[-1] is not None and weight < self.flush_rows:
            try:
                item = q.get_nowait()
            except queue.Empty:
                break
            items.append(item)
            weight += item[1] if item is not None else 0
        return items

    def _loop(self) -> None:
        """Writer thread: apply queued jobs, coalesced, until told to stop."""
        q = self._queue
        assert q is not None
        stop = False
        while not stop:
            items = self._gather(q)
            stop = items[-1] is None
            work = [item for item in items if item is not None]
            try:
                if work:
                    self._run_coalesced([job for job, _ in work])
            except BaseException as exc:
                self._keep(exc)
            finally:
                with self._room:
                    self._backlog -= sum(rows for _, rows in work)
                    self._room.notify_all()
                for _ in items:
                    q.task_done()
