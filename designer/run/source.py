"""One read API over an execution, whether it is still running (memory) or history (SQLite).

The run docks ask an :class:`ExecutionSource` for an execution's header record, its step rows,
one step, a state's Batch iterations, App logs and OS logs. While the run controller holds the
execution live (running, or finished but not yet committed by the store's writer) answers come
from memory; otherwise from the history store. Steps are
:class:`~runtime.history.StepRow` records either way.
"""

from __future__ import annotations

from typing import Any

from designer.run.controller import RunController
from designer.run.live import LiveExecution
from designer.run.trace import iterations_of, pick_step
from runtime.history import (
    ExecutionRecord,
    HistoryError,
    LogRecord,
    OsLogRecord,
    StepRow,
    default_worker,
)

_EMPTY: dict[str, Any] = {"get_execution": None, "step": None, "count_steps": 0}


class SafeReader:
    """The store's read methods, answering "nothing" instead of raising once it is closed
    (a timer may fire while the window closes) or for an ambiguous id."""

    def __init__(self, store: Any) -> None:
        self._store = store

    def __getattr__(self, name: str) -> Any:
        method = getattr(self._store, name, None)

        def call(*args: Any, **kwargs: Any) -> Any:
            if method is None:  # no history store at all
                return _EMPTY.get(name, [])
            try:
                return method(*args, **kwargs)
            except HistoryError:
                return _EMPTY.get(name, [])

        return call


class ExecutionSource:
    """Reads executions for the run docks (live first, then the store)."""

    def __init__(self, controller: RunController | None, store: Any) -> None:
        self.controller = controller
        self.store = store
        self.reader = SafeReader(store)

    def live(self, execution_id: str) -> LiveExecution | None:
        return self.controller.live(execution_id) if self.controller is not None else None

    def is_running(self, execution_id: str) -> bool:
        live = self.live(execution_id)
        if live is not None:
            return not live.finished
        record = self.record(execution_id)
        return record is not None and record.status == "running"

    def record(self, execution_id: str) -> ExecutionRecord | None:
        """The execution's header record (synthesised from memory if not stored yet)."""
        live = self.live(execution_id)
        stored = self.reader.get_execution(execution_id) if self.store is not None else None
        if stored is not None:
            if live is not None and live.finished and stored.status == "running":
                return self._patched(stored, live)
            return stored
        if live is None:
            return None
        completed = live.ended if live.status in ("success", "partial") else None
        return ExecutionRecord(
            id=live.id, playbook=live.playbook, playbook_hash="", profile=live.profile,
            status=live.status, message=live.message, started=live.started or 0.0,
            ended=live.ended, completed=completed, log_level=live.log_level,
            job_server="embedded", worker=default_worker(), transitions=len(live.rows),
            parent_execution=live.parent, parent_seq=None, trigger_json=None,
        )

    @staticmethod
    def _patched(stored: ExecutionRecord, live: LiveExecution) -> ExecutionRecord:
        """A stored record still marked running, with the outcome the engine announced."""
        from dataclasses import replace

        completed = live.ended if live.status in ("success", "partial") else None
        return replace(stored, status=live.status, message=live.message, ended=live.ended,
                       completed=completed)

    def rows(self, execution_id: str) -> list[StepRow]:
        """Every step row, in the order they finished (live) or by seq (store)."""
        live = self.live(execution_id)
        if live is not None:
            return live.rows
        if self.store is None:
            return []
        return list(self.reader.steps(execution_id))

    def rows_page(
        self, execution_id: str, after_seq: int | None, limit: int
    ) -> list[StepRow]:
        """A page of stored step rows by seq (for loading a long execution in slices)."""
        if self.store is None:
            return []
        return list(self.reader.steps(execution_id, after_seq=after_seq, limit=limit))

    def step(
        self, execution_id: str, state: str, iteration: int | None = None
    ) -> StepRow | None:
        """The latest step of a state (in one Batch iteration when given)."""
        live = self.live(execution_id)
        if live is not None:
            return pick_step(live.rows, state, iteration)
        if self.store is None:
            return None
        steps = self.reader.steps(execution_id, state=state, iteration=iteration)
        return steps[-1] if steps else None

    def step_by_seq(self, execution_id: str, seq: int) -> StepRow | None:
        live = self.live(execution_id)
        if live is not None:
            return next((r for r in live.rows if r.seq == seq), None)
        return self.reader.step(execution_id, seq) if self.store is not None else None

    def run_count(self, execution_id: str, state: str) -> int:
        live = self.live(execution_id)
        if live is not None:
            return sum(1 for r in live.rows if r.state == state)
        return self.reader.count_steps(execution_id, state=state) if self.store else 0

    def iterations(self, execution_id: str, state: str) -> list[int]:
        """Sorted Batch item indexes the state ran in (empty outside a Batch body)."""
        live = self.live(execution_id)
        if live is not None:
            return iterations_of(live.rows, state)
        if self.store is None:
            return []
        return sorted({r.iteration for r in self.reader.steps(execution_id, state=state)
                       if r.iteration is not None})

    def running_states(self, execution_id: str) -> set[str]:
        live = self.live(execution_id)
        return live.running_states() if live is not None and not live.finished else set()

    def logs(
        self, execution_id: str, *, seq: int | None = None, search: str | None = None
    ) -> list[LogRecord]:
        """App log lines (of one step when ``seq`` is given), filtered by ``search``."""
        live = self.live(execution_id)
        if live is not None and not live.confirmed:
            needle = (search or "").lower()
            # live log rows are LOG_COLUMNS tuples: (execution_id, seq, time, level, message,
            # detail); live step rows are StepRow records.
            lines = [(eid, line_seq, when, level, text, detail)
                     for eid, line_seq, when, level, text, detail in live.logs
                     if (seq is None or line_seq == seq)
                     and (not needle or needle in text.lower())]
            wanted = {line[1] for line in lines if line[1] is not None}
            names = ({r.seq: r.state for r in live.rows if r.seq in wanted} if wanted else {})
            return [LogRecord(eid, line_seq, when, level, text, names.get(line_seq), detail)
                    for eid, line_seq, when, level, text, detail in lines]
        if self.store is None:
            return []
        return self.reader.logs(execution_id, seq=seq, search=search or None)

    def os_logs(self, execution_id: str, seq: int | None = None) -> list[OsLogRecord]:
        if self.store is None:
            return []
        return self.reader.os_logs(execution_id, seq)

    def children(self, execution_id: str) -> list[ExecutionRecord]:
        return self.reader.children(execution_id) if self.store is not None else []

    def in_batch(self, row: StepRow | None) -> bool:
        return row is not None and row.iteration is not None
