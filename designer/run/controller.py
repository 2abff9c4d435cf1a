"""The run controller: starts test runs of the open playbook and feeds the run docks, coalesced.

:class:`RunController` compiles the document (a playbook with validation errors is refused
with a message listing them), turns the chosen run profile plus the toolbar's overrides (speed,
log level) into :class:`~runtime.engine.RunOptions`, and starts the engine as a task on the
running asyncio loop (qasync in the app). It subscribes to the engine's event bus with a bare
``list.append``, so the hot loop pays almost nothing, and a 16 ms timer flushes what arrived to
the UI in one go (≤ 60 updates a second, however fast the run): ``stepsArrived`` with the new
step rows of each execution, ``logsArrived``, ``executionUpdated``.

While an execution runs, and for a while after, its rows live in memory in a
:class:`LiveExecution` (history rows only become readable at the store's next flush); once the
store has committed the outcome, ``executionFinished`` fires and readers switch to the store.
"""

from __future__ import annotations

import asyncio
import time
import warnings
from collections import OrderedDict
from functools import partial
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from designer.run.live import (
    EVENT_ID,
    ROW_SEQ,
    FullCollectionPause,
    LiveExecution,
    collector,
)
from designer.run.style import status_word
from designer.trust import REFUSED_RUN, function_ids, restricted
from runtime.engine import (
    CompiledPlaybook,
    Engine,
    EventBus,
    PlaybookInvalid,
    RunOptions,
    options_from_profile,
)
from runtime.history import HistoryError, StepRow
from runtime.history.control import POLL_SECONDS, RunControl
from runtime.sandbox import confinement_report

FLUSH_MS = 17  # at most 59 UI updates a second
CONFIRM_MS = 40
CONFIRM_GIVE_UP = 250  # checks (~10 s) before trusting the engine's word over the store's
KEEP_FINISHED = 12


def _loop_ready() -> bool:
    """Whether a started run will make progress: a running loop, or a Qt-driven one (qasync)
    that runs whenever Qt processes events."""
    try:
        asyncio.get_running_loop()
        return True
    except RuntimeError:
        pass
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        try:
            loop = asyncio.get_event_loop_policy().get_event_loop()
        except RuntimeError:
            return False
    return not loop.is_closed() and type(loop).__module__.split(".")[0] == "qasync"


class RunController(QObject):
    """Starts runs, kills them, and publishes their progress to the run docks."""

    executionStarted = Signal(str)
    executionUpdated = Signal(str)
    executionFinished = Signal(str, str)
    stepsArrived = Signal(str, object)  # list of step rows, passed as is (no conversion)
    logsArrived = Signal(str, object)
    runRefused = Signal(str)

    def __init__(self, context: Any, store: Any, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.store = store
        self.engine = Engine(store, EventBus())
        self.speed_override: str | None = None
        self.level_override: str | None = None
        self.max_transitions: int | None = None
        self.max_runtime: float | None = None
        self.last_started: str | None = None
        #: Starts an execution instead of ``engine.start`` (the debugger, designer.run.debugger).
        self.debug_start: Any = None
        self._lives: OrderedDict[str, LiveExecution] = OrderedDict()
        self._pending: list[tuple[Any, ...]] = []
        self._confirming: set[str] = set()
        self._unsubscribe = self.engine.bus.subscribe(collector(self._pending))
        self._flush_timer = QTimer(self)
        self._flush_timer.setInterval(FLUSH_MS)
        self._flush_timer.timeout.connect(self.flush)
        self._confirm_timer = QTimer(self)
        self._confirm_timer.setInterval(CONFIRM_MS)
        self._confirm_timer.timeout.connect(self._confirm)
        self._gc_pause = FullCollectionPause()
        # Kill requests from other processes, and steps flushed live for them to see.
        self._control = RunControl(store, self.engine)
        self._control_timer = QTimer(self)
        self._control_timer.setInterval(int(POLL_SECONDS * 1000))
        self._control_timer.timeout.connect(self._poll_control)

    # -- starting ----------------------------------------------------------------------------
    def options_for(self, profile: Any) -> RunOptions:
        """Run options from a profile with the toolbar's overrides applied."""
        path = self.context.document.path
        options = options_from_profile(
            profile, log_level=self.level_override, speed=self.speed_override,
            base_dir=Path(path).parent if path else None, max_transitions=self.max_transitions,
        )
        if self.max_runtime is not None:
            options.max_runtime = self.max_runtime
        return options

    def compile(self) -> CompiledPlaybook | None:
        """Compile the open document, or explain (``runRefused``) why it cannot run."""
        document = self.context.document
        doc = document.doc
        if not doc.definition:
            self._refuse("The playbook has no states to run.")
            return None
        circuits = [n for n, s in doc.definition.items() if s.type == "circuit"]
        path = Path(document.path).resolve() if document.path else None
        if circuits and path is None:
            self._refuse(
                f"Save the playbook before running it: Circuit state {circuits[0]!r} runs a "
                "sub-playbook, and sub-playbooks are found beside the playbook's file.")
            return None
        try:
            return CompiledPlaybook(doc, catalog=self.context.catalog, source_path=path)
        except PlaybookInvalid as exc:
            lines = [f"• {problem}" for problem in exc.problems[:12]]
            if len(exc.problems) > 12:
                lines.append(f"• … and {len(exc.problems) - 12} more")
            self._refuse("The playbook cannot run until these errors are fixed:\n"
                         + "\n".join(lines))
            return None

    def run(self, profile_name: str | None = None) -> str | None:
        """Start a run with the chosen (or the current) profile; returns its session id.

        A playbook in restricted mode (Functions from a file the user has not trusted) is
        refused up front; where this machine cannot confine Functions, the status bar says so.
        """
        document = self.context.document
        if restricted(document):
            self._refuse(REFUSED_RUN.format(functions=", ".join(function_ids(document))))
            return None
        if document.doc.functions and not confinement_report().confined:
            self.context.statusMessage.emit(confinement_report().summary())
        compiled = self.compile()
        if compiled is None:
            return None
        doc = self.context.document.doc
        name = profile_name if profile_name is not None else self.context.profile_name
        profile = doc.profile(name) if name else None
        if name and profile is None:
            self._refuse(f"There is no run profile named {name!r}.")
            return None
        if profile is not None and profile.target and profile.target not in doc.definition:
            self._refuse(f"Run profile {profile.name!r} targets state "
                         f"{profile.target!r}, which is not in the playbook.")
            return None
        if not _loop_ready():
            self._refuse("The run cannot start: the application's asyncio event loop "
                         "(qasync) is not set up.")
            return None
        try:
            options = self.options_for(profile)
            start = self.debug_start or self.engine.start
            execution_id = start(compiled, options)
        except (ValueError, RuntimeError) as exc:
            self._refuse(f"The run could not start: {exc}")
            return None
        task = self.engine.running[execution_id][0]
        task.add_done_callback(partial(self._task_done, execution_id))
        live = LiveExecution(execution_id, time.time(), compiled.name)
        live.log_level = (options.log_level or compiled.log_level).upper()
        live.profile = options.profile_name
        self._remember(live)
        self.last_started = execution_id
        self._gc_pause.hold()
        self._flush_timer.start()
        self._control_timer.start()
        what = f" (state {profile.target})" if profile is not None and profile.target else ""
        self.context.statusMessage.emit(f"Running {compiled.name}{what}: session {execution_id}")
        self.executionStarted.emit(execution_id)
        return execution_id

    def _refuse(self, message: str) -> None:
        self.runRefused.emit(message)
        self.context.statusMessage.emit(message.splitlines()[0])

    def _task_done(self, execution_id: str, task: asyncio.Task[Any]) -> None:
        if task.cancelled():
            return
        exc = task.exception()
        if exc is not None:
            live = self._lives.get(execution_id)
            if live is not None and not live.finished:
                live.status, live.message, live.finished = "failed", str(exc), True
                self._confirming.add(execution_id)
                self._confirm_timer.start()
            self.context.statusMessage.emit(f"Execution {execution_id} stopped: {exc}")

    # -- killing -----------------------------------------------------------------------------
    def kill(self, execution_id: str) -> bool:
        """Kill a running execution (a child execution kills its top-level execution)."""
        root = execution_id
        seen = set()
        while root in self._lives and self._lives[root].parent and root not in seen:
            seen.add(root)
            root = self._lives[root].parent or root
        killed = self.engine.kill(root)
        if killed:
            self.context.statusMessage.emit(f"Killing execution {root}…")
            return True
        return self._request_kill(execution_id)

    def _request_kill(self, execution_id: str) -> bool:
        """Ask the process that runs an execution (a CLI run, another window) to kill it."""
        if self.store is None:
            return False
        try:
            status = self.store.request_kill(execution_id)
        except HistoryError as exc:
            self.context.statusMessage.emit(f"Cannot kill execution {execution_id}: {exc}")
            return False
        if status != "running":
            self.context.statusMessage.emit(f"Execution {execution_id} is not running.")
            return False
        self.context.statusMessage.emit(
            f"Kill requested for execution {execution_id} (it runs in another process)")
        return True

    def _poll_control(self) -> None:
        """Every 50 ms while runs go on: honour kill requests, flush steps for other readers."""
        if not self.engine.running:
            self._control_timer.stop()
            return
        for execution_id in self._control.tick():
            self.context.statusMessage.emit(f"Killing execution {execution_id} (requested)…")

    def is_running(self, execution_id: str) -> bool:
        live = self._lives.get(execution_id)
        return live is not None and not live.finished

    def running_ids(self) -> list[str]:
        """Top-level executions of this controller still running, newest first."""
        return [eid for eid in reversed(self._lives) if eid in self.engine.running]

    def known_ids(self) -> list[str]:
        """Top-level executions held in memory (running or recently finished), newest first."""
        return [eid for eid, live in reversed(self._lives.items()) if live.parent is None]

    def live(self, execution_id: str) -> LiveExecution | None:
        """The in-memory view of an execution, while running or not yet committed."""
        return self._lives.get(execution_id)

    async def wait(self, execution_id: str) -> Any:
        return await self.engine.wait(execution_id)

    # -- coalescing --------------------------------------------------------------------------
    def flush(self) -> None:
        """Hand what the engine published since the last flush to the UI (one pass)."""
        pending = self._pending
        if not pending:
            if not self.engine.running and not self._confirming:
                self._flush_timer.stop()
            return
        events = pending.copy()
        pending.clear()
        started: list[str] = []
        ids = set(map(EVENT_ID, events))
        if len(ids) == 1 and next(iter(ids)) in self._lives:
            execution_id = next(iter(ids))
            rows_by = {execution_id: self._fold_one(self._lives[execution_id], events, started)}
            logs_by = {execution_id: [e[2] for e in events if e[0] == "log"]}
        else:
            rows_by, logs_by = self._fold_many(events, started)
        self._publish(rows_by, logs_by, started)

    def _fold_one(
        self, live: LiveExecution, events: list[tuple[Any, ...]], started: list[str]
    ) -> list[StepRow]:
        """The common case, one execution's events: a few passes in C, no Python loop."""
        rows = [e[2] for e in events if e[0] == "step"]
        finished = set(map(ROW_SEQ, rows))
        inflight = live.inflight
        inflight.update({e[2]: e for e in events
                         if e[0] == "step_started" and e[2] not in finished})
        for seq in finished.intersection(inflight):
            del inflight[seq]
        for event in [e for e in events if e[0] == "execution"]:
            self._execution_event(event, started)
        return rows

    def _fold_many(
        self, events: list[tuple[Any, ...]], started: list[str]
    ) -> tuple[dict[str, list[StepRow]], dict[str, list[tuple[Any, ...]]]]:
        """Events of several executions (a Circuit's child runs inside its parent)."""
        rows_by: dict[str, list[StepRow]] = {}
        logs_by: dict[str, list[tuple[Any, ...]]] = {}
        cur_id = ""  # execution ids are never empty
        cur_rows: list[StepRow] = []
        inflight: dict[int, tuple[Any, ...]] = {}
        for event in events:
            kind = event[0]
            if event[1] != cur_id:
                cur_id = event[1]
                live = self._lives.get(cur_id) or self._adopt(cur_id, event)
                inflight = live.inflight
                cur_rows = rows_by.setdefault(cur_id, [])
            if kind == "step":
                row = event[2]
                cur_rows.append(row)
                inflight.pop(row.seq, None)
            elif kind == "step_started":
                inflight[event[2]] = event
            elif kind == "log":
                logs_by.setdefault(cur_id, []).append(event[2])
            elif kind == "execution":
                self._execution_event(event, started)
        return rows_by, logs_by

    def _adopt(self, execution_id: str, event: tuple[Any, ...]) -> LiveExecution:
        """An execution first seen on the bus (a Circuit's child execution)."""
        when = event[4] if event[0] == "execution" else None
        live = LiveExecution(execution_id, when)
        for other in reversed(self._lives.values()):
            if other.finished:
                continue
            for seq, started in other.inflight.items():
                if started[4] == "circuit" and seq not in other.children:
                    other.children[seq] = execution_id
                    live.parent = other.id
                    live.log_level = other.log_level
                    live.profile = other.profile
                    break
            if live.parent:
                break
        self._remember(live)
        return live

    def _execution_event(self, event: tuple[Any, ...], started: list[str]) -> None:
        _, execution_id, status, message, when = event
        live = self._lives[execution_id]
        if status == "running":
            live.started = when
            if live.parent is not None:
                started.append(execution_id)
            return
        live.status, live.message, live.ended, live.finished = status, message, when, True
        live.inflight.clear()
        self._confirming.add(execution_id)
        self._confirm_timer.start()

    def _publish(
        self,
        rows_by: dict[str, list[StepRow]],
        logs_by: dict[str, list[tuple[Any, ...]]],
        started: list[str],
    ) -> None:
        for execution_id in started:
            self.executionStarted.emit(execution_id)
        for execution_id, rows in rows_by.items():
            live = self._lives[execution_id]
            if rows:
                live.rows.extend(rows)
                self.stepsArrived.emit(execution_id, rows)
            logs = logs_by.get(execution_id)
            if logs:
                live.logs.extend(logs)
                self.logsArrived.emit(execution_id, logs)
            self.executionUpdated.emit(execution_id)

    def _confirm(self) -> None:
        """Announce finished executions once the store has their outcome committed."""
        for execution_id in sorted(self._confirming):
            live = self._lives.get(execution_id)
            if live is None:
                self._confirming.discard(execution_id)
                continue
            live.checks += 1
            try:
                record = self.store.get_execution(execution_id) if self.store else None
            except HistoryError:
                record = None
            if record is not None and record.status == "running" and (
                    live.checks < CONFIRM_GIVE_UP):
                continue
            status = record.status if record is not None else live.status
            self._confirming.discard(execution_id)
            live.confirmed = True
            if live.parent is None:
                self.context.statusMessage.emit(
                    f"Execution {execution_id} finished: {status_word(status)}"
                    + (f" — {live.message}" if live.message else ""))
            self.executionFinished.emit(execution_id, status)
        if not self._confirming:
            self._confirm_timer.stop()
            if not self.engine.running:
                self._gc_pause.release()

    def _remember(self, live: LiveExecution) -> None:
        self._lives[live.id] = live
        finished = [e for e, lv in self._lives.items() if lv.confirmed]
        for execution_id in finished[: max(0, len(finished) - KEEP_FINISHED)]:
            del self._lives[execution_id]

    def shutdown(self) -> None:
        """Kill what still runs and stop listening (window closing)."""
        for execution_id in list(self.engine.running):
            self.engine.kill(execution_id)
        self._flush_timer.stop()
        self._confirm_timer.stop()
        self._control_timer.stop()
        self._gc_pause.release()
        self._unsubscribe()
