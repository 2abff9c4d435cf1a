"""Per-execution state the states share: ids, counters, history buffers, logs, mocks, pathways.

One :class:`RunContext` per execution (a Circuit's child execution gets its own). The hot loop
touches only a few attributes (``seq``, ``transitions``, ``steps``, ``bus.active``,
``record_io``), all plain slots. Step rows are :class:`~runtime.history.records.StepRow` tuples
and are handed to the store in batches. ``caught`` counts errors handled by an ``on_error``
fallback (they make a finished execution ``partial``); ``stop_note`` says why the other paths
or items of a Parallel or Batch were stopped.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from runtime.engine.errors import ExecutionStopped
from runtime.engine.events import EventBus
from runtime.history.records import step_row
from runtime.model.document import LOG_LEVELS, MockResponse

if TYPE_CHECKING:
    from runtime.engine.compiled import CompiledPlaybook
    from runtime.tenant import Tenant

LEVEL_RANK = {name: rank for rank, name in enumerate(LOG_LEVELS)}
DEBUG_RANK = LEVEL_RANK["DEBUG"]
FLUSH_ROWS = 4096
DEFAULT_MAX_TRANSITIONS = 1000


@dataclass
class RunOptions:
    """How to run: trigger payload, tenant, mocks, target state, log level, speed, limits."""

    payload: Any = field(default_factory=dict)
    profile_name: str | None = None
    fixtures: dict[str, Any] | None = None
    fixtures_base: str = "default"
    mocks: dict[str, list[MockResponse]] = field(default_factory=dict)
    target: str | None = None
    log_level: str | None = None
    speed: str | float = "instant"
    max_transitions: int = DEFAULT_MAX_TRANSITIONS
    max_runtime: float | None = None
    base_dir: Path | None = None
    function_timeout: float = 30.0
    circuit_depth: int = 0


class RunContext:
    """Everything one execution's states share while it runs."""

    __slots__ = (
        "execution_id", "playbook", "options", "store", "bus", "tenant", "level",
        "record_io", "seq", "transitions", "max_transitions", "steps", "logs", "os_logs",
        "inflight", "mock_calls", "pathways_ok", "pathways_failed", "started", "stopped",
        "sandbox_limits", "load_circuit", "yield_at", "active", "children", "switch", "_io_last",
        "stop_note", "caught",
    )

    def __init__(
        self,
        execution_id: str,
        playbook: CompiledPlaybook,
        options: RunOptions,
        store: Any,
        bus: EventBus,
        tenant: Tenant | Any,
        level: str,
        started: float,
    ) -> None:
        self.execution_id = execution_id
        self.playbook = playbook
        self.options = options
        self.store = store
        self.bus = bus
        self.tenant: Any = tenant
        self.level = LEVEL_RANK[level]
        self.record_io = self.level >= DEBUG_RANK
        self.seq = 0
        self.transitions = 0
        self.max_transitions = options.max_transitions
        self.steps: list[tuple[Any, ...]] = []
        self.logs: list[tuple[Any, ...]] = []
        self.os_logs: list[tuple[Any, ...]] = []
        self.inflight: dict[int, tuple[Any, ...]] = {}
        self.mock_calls: dict[str, int] = {}
        self.pathways_ok = 0
        self.pathways_failed = 0
        self.started = started
        self.stopped: ExecutionStopped | None = None
        self.sandbox_limits: Any = None
        self.load_circuit: Callable[[str], Any] | None = None
        self.yield_at = time.perf_counter() + 0.004
        self.active = 0
        self.children: list[str] = []
        self.switch: Any = None
        self._io_last: tuple[Any, str | None] = (None, None)
        self.stop_note: str | None = None
        self.caught = 0

    def next_seq(self) -> int:
        self.seq += 1
        return self.seq

    def count_transition(self) -> None:
        """Count one transition, or stop the execution when it would pass the cap."""
        if self.transitions >= self.max_transitions:
            raise ExecutionStopped(
                "cap",
                f"Failed: the execution passed {self.max_transitions:,} state transitions "
                "(the server's limit per execution)",
            )
        self.transitions += 1

    def log(
        self, level: str, message: str, seq: int | None, when: float, detail: str | None = None
    ) -> None:
        """Record an app log line when ``level`` is at or above the execution's log level
        (``detail``: the tenant's own words beside a fixed reference message)."""
        if LEVEL_RANK[level] > self.level:
            return
        row = (self.execution_id, seq, when, level, message, detail)
        self.logs.append(row)
        if self.bus.active:
            self.bus.publish(("log", self.execution_id, row))

    def add_step(self, row: tuple[Any, ...]) -> None:
        """Buffer one step (a tuple in :class:`~runtime.history.records.StepRow` field order,
        the form SQLite binds fastest) and publish it to listeners as a ``StepRow``."""
        steps = self.steps
        steps.append(row)
        if self.bus.active:
            self.bus.publish(("step", self.execution_id, step_row(row)))
        if len(steps) >= FLUSH_ROWS:
            self.flush()

    def flush(self) -> None:
        """Hand buffered rows to the history store."""
        if self.store is None:
            self.steps.clear()
            self.logs.clear()
            self.os_logs.clear()
            return
        if self.steps:
            self.store.add_steps(self.steps)
            self.steps = []
        if self.logs:
            self.store.add_logs(self.logs)
            self.logs = []
        if self.os_logs:
            self.store.add_os_logs(self.os_logs)
            self.os_logs = []

    def dump_io(self, value: Any) -> str | None:
        """:func:`dumps_io`, reusing the text of the last value dumped when ``value`` is that
        same object: a step that hands its input on unchanged (Pass, Branch, Wait, Success)
        and the next step's input are dumped once, not up to four times. The engine never
        changes a payload in place, so the text stays right."""
        last, text = self._io_last
        if value is last and last is not None:
            return text
        text = dumps_io(value)
        self._io_last = (value, text)
        return text

    def next_mock(self, state: str) -> MockResponse | None:
        """The mocked response for this call of ``state`` (the last one repeats), or None."""
        responses = self.options.mocks.get(state)
        if not responses:
            return None
        count = self.mock_calls.get(state, 0)
        self.mock_calls[state] = count + 1
        return responses[min(count, len(responses) - 1)]


def dumps_io(value: Any) -> str | None:
    """JSON text of an input/output for the history (only at DEBUG/TRACE)."""
    try:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=str)
    except (TypeError, ValueError):
        return json.dumps(repr(value))
