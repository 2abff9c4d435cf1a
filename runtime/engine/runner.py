"""Executions: start, run, kill, reap, and decide the final status.

**Pathway.** A pathway is one run of a chain of states from an entry point to where that chain
ends: the main pathway starts at the trigger (the start state); each Parallel path is a
pathway; each Batch item's run of the body is a pathway.

**Status** (the reference: Failure "Terminates the execution as failed", Success "Terminates
the execution as successfully completed"):

- ``failed`` when a Failure state is reached or an error no ``on_error`` catches happens,
  *anywhere* (main flow, a Parallel path, a Batch body): the other paths and items are
  stopped and their running steps recorded as ``killed``. Also when the execution is stopped
  (killed by the user, terminated by the session reaper, past the 1,000-transition cap).
- ``success`` when the execution ends (End, a missing ``next``, or a Success state, which
  inside a Parallel path or a Batch body ends the whole execution and stops the rest) and no
  step failed.
- ``partial`` when the execution ended that way but some steps failed and were handled: an
  error caught by an ``on_error`` fallback (including a fallback to ``End``).

Kill cancels the execution's task: in-flight steps are recorded as ``killed``, sandboxed
functions die with their process group, and the execution ends ``failed`` with "Killed by the
user". History is written in transactions, so a kill never leaves half a row.
"""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from runtime.engine.clock import Cursor, parse_speed
from runtime.engine.context import RunContext, RunOptions
from runtime.engine.errors import ExecutionEnded, ExecutionStopped, PathFailed
from runtime.engine.events import EventBus
from runtime.engine.interpreter import ROOT_FRAME, run_path

if TYPE_CHECKING:
    from runtime.engine.compiled import CompiledPlaybook

KILLED_MESSAGE = "Failed: killed by the user"


@dataclass
class ExecutionResult:
    """How an execution ended. ``output`` is left out of the repr: ``asyncio.run`` formats
    its main task (and so this result) once per run, which on a large output cost seconds."""

    execution_id: str
    status: str
    message: str | None
    output: Any = field(repr=False)
    transitions: int
    started: float
    ended: float
    pathways_ok: int = 0
    pathways_failed: int = 0
    children: list[str] = field(default_factory=list)


@dataclass
class KillSwitch:
    killed: bool = False
    #: The execution's RunContext, so run control (``runtime.history.control``) can hand its
    #: buffered rows to the store while the run waits (live steps for other processes).
    context: Any = None
    #: Child executions (Circuit sub-playbooks, at any depth) running under this switch: a kill
    #: of one of them stops the whole run, as a stop of a child stops its parent.
    descendants: set[str] | None = None


def decide_status(failed: bool, caught: int) -> str:
    """The execution status (see the module docstring): ``failed`` when it failed or was
    stopped, else ``partial`` when ``caught`` errors were handled, else ``success``."""
    if failed:
        return "failed"
    return "partial" if caught else "success"


def new_session_id() -> str:
    """A new execution id: 20 random hex digits (80 bits; a uuid4 cost 6 µs of each run)."""
    return os.urandom(10).hex()


class _LazyTenant:
    """Builds the simulated tenant on first use, so runs without actions pay nothing."""

    def __init__(self, options: RunOptions, clock: Callable[[], float]) -> None:
        self._options = options
        self._clock = clock
        self._tenant: Any = None

    def get(self) -> Any:
        if self._tenant is None:
            from runtime.tenant import Tenant

            self._tenant = Tenant.from_fixtures(
                self._options.fixtures, base=self._options.fixtures_base, now=self._clock
            )
        return self._tenant


class _TenantProxy:
    __slots__ = ("_lazy",)

    def __init__(self, lazy: _LazyTenant) -> None:
        self._lazy = lazy

    def call(self, action_id: str, params: dict[str, Any]) -> Any:
        return self._lazy.get().call(action_id, params)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._lazy.get(), name)


class Engine:
    """Runs executions against one history store and one event bus."""

    def __init__(self, store: Any = None, bus: EventBus | None = None) -> None:
        self.store = store
        self.bus = bus or EventBus()
        self.running: dict[str, tuple[asyncio.Task[ExecutionResult], KillSwitch]] = {}

    def start(self, playbook: CompiledPlaybook, options: RunOptions) -> str:
        """Start an execution as a task on the running loop; returns its session id."""
        execution_id = new_session_id()
        switch = KillSwitch()
        task = asyncio.ensure_future(self.run(playbook, options, execution_id=execution_id,
                                              switch=switch))
        self.running[execution_id] = (task, switch)
        task.add_done_callback(lambda _t: self.running.pop(execution_id, None))
        return execution_id

    async def wait(self, execution_id: str) -> ExecutionResult | None:
        entry = self.running.get(execution_id)
        return await entry[0] if entry else None

    def kill(self, execution_id: str) -> bool:
        """Kill a running execution (of this engine); False when it is not running here."""
        entry = self.running.get(execution_id)
        if entry is None:  # a Circuit's child: its root stops, and with it the child
            entry = next((e for e in self.running.values()
                          if e[1].descendants and execution_id in e[1].descendants), None)
        if entry is None:
            return False
        entry[1].killed = True
        entry[0].cancel()
        return True

    async def run(
        self,
        playbook: CompiledPlaybook,
        options: RunOptions,
        *,
        execution_id: str | None = None,
        switch: KillSwitch | None = None,
    ) -> ExecutionResult:
        """Run one execution to its end and return the result."""
        started = time.time()
        ctx, cursor = self._begin(playbook, options, execution_id or new_session_id(), started,
                                  None, None)
        lazy = _LazyTenant(options, lambda: cursor.now)
        ctx.tenant = _TenantProxy(lazy)
        ctx.load_circuit = _circuit_loader(playbook)
        switch = switch or KillSwitch()
        switch.context = ctx
        return await _drive(ctx, cursor, playbook, options, switch)

    def _begin(
        self,
        playbook: CompiledPlaybook,
        options: RunOptions,
        execution_id: str,
        started: float,
        parent: str | None,
        parent_seq: int | None,
    ) -> tuple[RunContext, Cursor]:
        level = options.log_level or playbook.log_level
        max_runtime = options.max_runtime or playbook.max_runtime
        cursor = Cursor(started, parse_speed(options.speed), started + max_runtime)
        if self.store is not None:
            self.store.begin_execution(
                execution_id=execution_id, playbook=playbook.name,
                playbook_hash=playbook.content_hash, profile=options.profile_name,
                log_level=level, started=started, parent_execution=parent,
                parent_seq=parent_seq, trigger_json=_trigger_json(options.payload, level),
            )
        ctx = RunContext(execution_id, playbook, options, self.store, self.bus, None, level,
                         started)
        if self.bus.active:
            self.bus.publish(("execution", execution_id, "running", None, started))
        ctx.log("INFO", f"Execution started ({playbook.name})", None, started)
        return ctx, cursor


def _trigger_json(payload: Any, level: str) -> str | None:
    from runtime.engine.context import dumps_io

    return dumps_io(payload)


def _circuit_loader(playbook: CompiledPlaybook) -> Callable[[str], CompiledPlaybook]:
    cache: dict[str, CompiledPlaybook] = {}

    def load(circuit_id: str) -> CompiledPlaybook:
        from runtime.engine.compiled import CompiledPlaybook
        from runtime.loader import load_playbook

        if circuit_id not in cache:
            base = playbook.source_path.parent if playbook.source_path else None
            if base is None:
                raise ValueError("the playbook is not saved, so its sub-playbooks cannot be found")
            name = circuit_id if circuit_id.endswith(".json") else f"{circuit_id}.playbook.json"
            path = (base / name).resolve()
            loaded = load_playbook(path)
            from runtime.sandbox.trust import needs_trust

            if needs_trust(path, sorted(loaded.document.functions)):
                raise PermissionError(
                    f"its custom Functions ({', '.join(sorted(loaded.document.functions))}) "
                    f"come from a file you have not trusted ({path.name}): open it in the "
                    "designer and trust it, or run it once with 'playbook run --trust'")
            cache[circuit_id] = CompiledPlaybook(loaded.document, source_path=path)
        return cache[circuit_id]

    return load


async def run_child(
    parent: RunContext, cursor: Cursor, playbook: CompiledPlaybook, payload: Any, parent_seq: int
) -> ExecutionResult:
    """Run a sub-playbook as a child execution of ``parent``, inline in its task."""
    engine = Engine(parent.store, parent.bus)
    options = RunOptions(
        payload=payload, profile_name=parent.options.profile_name,
        log_level=parent.options.log_level, speed=parent.options.speed,
        max_transitions=parent.options.max_transitions,
        circuit_depth=parent.options.circuit_depth + 1,
    )
    child_cursor = cursor.fork()
    ctx, own = engine._begin(playbook, options, new_session_id(), cursor.now,
                             parent.execution_id, parent_seq)
    own.now = child_cursor.now
    own.deadline = min(own.deadline, cursor.deadline)
    own.sched = cursor.sched  # the child runs inline on the parent's token and clock
    ctx.tenant = parent.tenant
    ctx.load_circuit = _circuit_loader(playbook)
    parent.flush()
    parent.children.append(ctx.execution_id)
    switch = parent.switch or KillSwitch()
    if switch.descendants is None:
        switch.descendants = set()
    switch.descendants.add(ctx.execution_id)
    result = await _drive(ctx, own, playbook, options, switch, child=True)
    cursor.join([own])
    return result


async def _drive(
    ctx: RunContext,
    cursor: Cursor,
    playbook: CompiledPlaybook,
    options: RunOptions,
    switch: KillSwitch,
    *,
    child: bool = False,
) -> ExecutionResult:
    """Run an execution to its end, record the outcome, return the result.

    A child execution (a Circuit's sub-playbook) that is killed or reaped is recorded, and
    then the stop is re-raised so that the parent stops too instead of carrying on.
    """
    output: Any = None
    message: str | None = None
    stopped = False
    cancelled: BaseException | None = None
    reraise: ExecutionStopped | None = None
    ctx.switch = switch
    try:
        target = options.target
        output = await run_path(ctx, cursor, target or playbook.start, options.payload,
                                ROOT_FRAME, single=bool(target))
        ctx.pathways_ok += 1
    except ExecutionEnded as end:
        ctx.pathways_ok += 1
        output = end.output
    except PathFailed as failed:
        ctx.pathways_failed += 1
        stopped = True
        message = f"{failed.state}: {failed.error}: {failed.cause}" if failed.state else (
            f"{failed.error}: {failed.cause}")
    except ExecutionStopped as stop:
        stopped, message = True, stop.message
        _end_inflight(ctx, cursor, "failed", stop.message)
        if child and stop.reason == "reaped":
            reraise = stop
    except asyncio.CancelledError as exc:
        stopped, message = True, KILLED_MESSAGE if switch.killed else "Failed: cancelled"
        _end_inflight(ctx, cursor, "killed", message)
        cancelled = None if switch.killed and not child else exc
    except Exception as exc:  # noqa: BLE001 - a bug must end the execution, not leave it running
        stopped, message = True, f"Failed: internal error: {type(exc).__name__}: {exc}"
        _end_inflight(ctx, cursor, "failed", message)
    status = decide_status(stopped, ctx.caught)
    ended = max(cursor.now, ctx.started)
    level = "INFO" if status == "success" else "ERROR"
    ctx.log(level, f"Execution {status}" + (f": {message}" if message else ""), None, ended)
    ctx.flush()
    if ctx.store is not None:
        ctx.store.finish_execution(
            ctx.execution_id, status=status, message=message,
            completed=ended, transitions=ctx.transitions,
        )
    if ctx.bus.active:
        ctx.bus.publish(("execution", ctx.execution_id, status, message, ended))
    if cancelled is not None:
        raise cancelled
    if reraise is not None:
        raise reraise
    return ExecutionResult(ctx.execution_id, status, message, output, ctx.transitions,
                           ctx.started, ended, ctx.pathways_ok, ctx.pathways_failed,
                           list(ctx.children))


def _end_inflight(ctx: RunContext, cursor: Cursor, status: str, message: str) -> None:
    """Record the steps that were running when the execution stopped."""
    for seq, (name, kind, started, frame, own) in sorted(ctx.inflight.items()):
        parent_seq, path, iteration = frame
        ended = max(own.now, started)
        ctx.add_step((ctx.execution_id, seq, name, kind, status, started, ended, message, None,
                      iteration, parent_seq, path, None, None, None, None, None, None))
    ctx.inflight.clear()
