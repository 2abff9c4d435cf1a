"""Read side of the history store: records built from committed rows.

``HistoryReader`` holds the read connection and its lock; ``HistoryStore`` derives from
it and adds the writing side. For a file database the read connection is separate from
the write connection, so WAL lets it read the last committed state while a flush is in
progress and a reading UI thread never waits for the engine. Every id argument accepts
a full session id or a unique prefix of at least four characters.
"""

from __future__ import annotations

import sqlite3
import threading

from runtime.history import queries
from runtime.history.records import (
    ExecutionRecord,
    HistoryError,
    LogRecord,
    OsLogRecord,
    StateSummary,
    StepRecord,
)


class HistoryReader:
    """Queries over the history database (base of ``HistoryStore``)."""

    _rconn: sqlite3.Connection
    _rlock: threading.Lock | threading.RLock
    _closed: bool

    @property
    def _read_conn(self) -> sqlite3.Connection:
        if self._closed:
            raise HistoryError("the history store is closed")
        return self._rconn

    def list_executions(
        self,
        *,
        playbook: str | None = None,
        status: str | None = None,
        search: str | None = None,
        limit: int = 500,
        offset: int = 0,
        include_children: bool = False,
    ) -> list[ExecutionRecord]:
        """Executions newest first.

        Args:
            playbook: Only this playbook's executions.
            status: Only executions with this status.
            search: Only session ids containing this text (ASCII case-insensitive).
            limit: Page size.
            offset: Rows to skip.
            include_children: Include component executions (hidden by default).
        """
        with self._rlock:
            return queries.list_executions(
                self._read_conn, playbook=playbook, status=status, search=search,
                limit=limit, offset=offset, include_children=include_children,
            )  # fmt: skip

    def get_execution(self, execution_id: str) -> ExecutionRecord | None:
        """One execution by id or unique prefix (four characters or more).

        Raises:
            HistoryError: The prefix matches several executions.
        """
        with self._rlock:
            found = queries.resolve(self._read_conn, execution_id)
            return None if found is None else queries.execution(self._rconn, found[0])

    def children(self, execution_id: str) -> list[ExecutionRecord]:
        """Component executions started by an execution, in parent step order."""
        with self._rlock:
            found = queries.resolve(self._read_conn, execution_id)
            return [] if found is None else queries.children(self._rconn, found[1])

    def steps(
        self,
        execution_id: str,
        *,
        state: str | None = None,
        iteration: int | None = None,
        after_seq: int | None = None,
        limit: int | None = None,
    ) -> list[StepRecord]:
        """Steps ordered by seq, optionally filtered and paged.

        Args:
            execution_id: Session id or unique prefix.
            state: Only this state's steps.
            iteration: Only this batch item index.
            after_seq: Only steps with a greater seq (keyset paging for long lists).
            limit: At most this many steps.
        """
        with self._rlock:
            found = queries.resolve(self._read_conn, execution_id)
            if found is None:
                return []
            return queries.steps(
                self._rconn, found[0], found[1], state=state, iteration=iteration,
                after_seq=after_seq, limit=limit,
            )  # fmt: skip

    def count_steps(
        self, execution_id: str, *, state: str | None = None, iteration: int | None = None
    ) -> int:
        """Number of steps matching the filters (for a lazily paged list)."""
        with self._rlock:
            found = queries.resolve(self._read_conn, execution_id)
            if found is None:
                return 0
            return queries.count_steps(self._rconn, found[0], state=state, iteration=iteration)

    def step(self, execution_id: str, seq: int) -> StepRecord | None:
        """One step by seq."""
        with self._rlock:
            found = queries.resolve(self._read_conn, execution_id)
            return None if found is None else queries.step(self._rconn, found[0], found[1], seq)

    def state_summary(self, execution_id: str) -> list[StateSummary]:
        """Per-state counts and latest status (Execution Graph), by first appearance."""
        with self._rlock:
            found = queries.resolve(self._read_conn, execution_id)
            return [] if found is None else queries.state_summary(self._rconn, found[0])

    def logs(
        self,
        execution_id: str,
        *,
        seq: int | None = None,
        state: str | None = None,
        search: str | None = None,
    ) -> list[LogRecord]:
        """App log lines in write order.

        Args:
            execution_id: Session id or unique prefix.
            seq: Only this step's lines.
            state: Only lines of steps of this state.
            search: Only messages containing this text (ASCII case-insensitive).
        """
        with self._rlock:
            found = queries.resolve(self._read_conn, execution_id)
            if found is None:
                return []
            return queries.logs(
                self._rconn, found[0], found[1], seq=seq, state=state, search=search
            )

    def os_logs(self, execution_id: str, seq: int | None = None) -> list[OsLogRecord]:
        """OS log chunks of the execution, or of one step, by seq then write order."""
        with self._rlock:
            found = queries.resolve(self._read_conn, execution_id)
            if found is None:
                return []
            return queries.os_logs(self._rconn, found[0], found[1], seq=seq)
