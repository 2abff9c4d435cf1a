"""The debugger: breakpoints, pause, continue, step, step into, skip a state, edit its input.

A :class:`Debugger` is attached to one execution (:meth:`Debugger.start` or
:meth:`Debugger.run`); the interpreter calls :meth:`Debugger.before` before each state, with the
state's input, and that is the only place the engine pauses, so a paused execution is always
*between* states: the state it is paused at has not started. While paused:

- :meth:`~Debugger.resume` runs on (F5); :meth:`~Debugger.step` runs that state and pauses
  at the next state of the same execution or its parent (F10; a Batch's or Parallel's body
  states count as next); :meth:`~Debugger.step_into` pauses at the very next state, which
  for a Circuit is the first state of its sub-playbook (F11).
- :meth:`~Debugger.edit_input` replaces the state's input before it runs.
- :meth:`~Debugger.skip` does not run the state: the given output stands for its result, as
  a mock would (for an action it must have the catalog's success shape), goes through the
  state's result selector / result path / output path, the step is recorded ``skipped`` and
  the run moves to the state's ``next``; a Branch, Success or Failure cannot be skipped.
- The engine's :meth:`~runtime.engine.Engine.kill` still works: the pause is an ``await``, so
  cancelling the task ends the execution as killed.

Breakpoints are on a state of the debugged playbook (not of its sub-playbooks), optionally
conditional (an expression over the state's input, in the Branch condition language of
:mod:`runtime.expressions`) and/or on iteration ``k`` of a Batch (the body's item index).
When one pathway pauses, every other pathway of the execution waits at its next state too.

Time: a pause is a plain wait on the event loop, never a sleep on the execution's virtual
clock, so simulated time does not advance while paused, and the session reaper (which counts
simulated time) does not count the pause. At realtime speed a Wait already under way in
another Parallel path finishes its real sleep during the pause (its path then waits at its
next state).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from runtime.engine.states.base import Outcome

if TYPE_CHECKING:
    from runtime.engine.clock import Cursor
    from runtime.engine.compiled import CompiledPlaybook
    from runtime.engine.context import RunContext, RunOptions
    from runtime.engine.runner import Engine, ExecutionResult
    from runtime.engine.states.base import Frame, StateHandler

UNSKIPPABLE = frozenset({"branch", "success", "failure"})
SKIPPED_MESSAGE = "skipped in the debugger: output given by hand"


class DebugError(ValueError):
    """A debugger command that cannot apply (not paused, bad output, bad condition)."""


@dataclass
class Breakpoint:
    """Pause before ``state`` runs (when ``condition`` holds on its input and, for a Batch
    body state, when the item index is ``iteration``)."""

    state: str
    condition: str | None = None
    iteration: int | None = None
    enabled: bool = True
    _holds: Callable[[Any], Any] | None = field(default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.condition:
            from runtime.expressions import ExpressionError, compile_condition

            try:
                self._holds = compile_condition(self.condition).evaluate
            except ExpressionError as exc:
                raise DebugError(f"breakpoint condition {self.condition!r}: {exc}") from None

    def hits(self, data: Any, iteration: int | None) -> bool:
        if not self.enabled:
            return False
        if self.iteration is not None and iteration != self.iteration:
            return False
        return self._holds is None or bool(self._holds(data))


@dataclass
class Paused:
    """Where an execution is paused: the state about to run and its input."""

    execution_id: str
    state: str
    type: str
    input: Any
    frame: Frame
    reason: str
    time: float
    depth: int

    @property
    def iteration(self) -> int | None:
        return self.frame[2]

    @property
    def path(self) -> str | None:
        return self.frame[1]


class _Skipped:
    """Stands in for a skipped state's handler for one step: the given output is its result."""

    is_async = True
    passthrough = False
    terminal = False

    def __init__(self, handler: StateHandler, result: Any) -> None:
        self.handler = handler
        self.name = handler.name
        self.type = handler.type
        self.result = result

    async def astep(self, ctx: RunContext, cursor: Cursor, data: Any, seq: int,
                    frame: Frame) -> Outcome:
        from runtime.engine.states.task import apply_template

        handler = self.handler
        inp = handler.select_input(data)
        result = self.result
        selector = getattr(handler, "result_selector", None)
        if selector is not None:
            result = apply_template(selector, result)
        out = handler.select_output(handler.place_result(data, inp, result))
        return Outcome(handler.next, out, SKIPPED_MESSAGE, handler.edge, "skipped")


def shape_problems(example: Any, value: Any, where: str = "$") -> list[str]:
    """Where ``value`` does not have the shape of the catalog's success ``example``: every key
    of an example object present with a value of the same JSON type, arrays item by item
    against the example's first item. Extra keys are allowed; a null example allows anything."""
    if example is None:
        return []
    if isinstance(example, dict):
        if not isinstance(value, dict):
            return [f"{where}: object expected"]
        problems: list[str] = []
        for key, sub in example.items():
            if key not in value:
                problems.append(f"{where}: required property '{key}' not found")
            else:
                problems.extend(shape_problems(sub, value[key], f"{where}.{key}"))
        return problems
    if isinstance(example, list):
        if not isinstance(value, list):
            return [f"{where}: array expected"]
        if not example:
            return []
        return [p for i, item in enumerate(value)
                for p in shape_problems(example[0], item, f"{where}[{i}]")]
    kinds = ((bool, "boolean"), (str, "string"))
    for kind, label in kinds:
        if isinstance(example, kind):
            return [] if isinstance(value, kind) else [f"{where}: {label} expected"]
    if isinstance(example, (int, float)):
        ok = isinstance(value, (int, float)) and not isinstance(value, bool)
        return [] if ok else [f"{where}: number expected"]
    return []


class Debugger:
    """Breakpoints and run control for one execution (see the module docstring)."""

    def __init__(self) -> None:
        self.breakpoints: dict[str, Breakpoint] = {}
        self.paused: Paused | None = None
        self.listeners: list[Callable[[Paused | None], None]] = []
        self.paused_seconds = 0.0
        self._mode = "run"  # run | step (depth <= _depth) | any (the very next state)
        self._depth = 0
        self._skip: tuple[bool, Any] = (False, None)
        self._running = asyncio.Event()
        self._running.set()
        self._playbook: CompiledPlaybook | None = None
        self._handler: Any = None

    # -- breakpoints --------------------------------------------------------------------------
    def toggle(self, state: str) -> bool:
        """Add a plain breakpoint on ``state`` or remove its breakpoint; True when added."""
        if self.breakpoints.pop(state, None) is not None:
            return False
        self.breakpoints[state] = Breakpoint(state)
        return True

    def set_breakpoint(self, state: str, condition: str | None = None,
                       iteration: int | None = None) -> Breakpoint:
        """Set (or replace) the breakpoint on ``state``.

        Raises:
            DebugError: The condition does not parse.
        """
        point = Breakpoint(state, condition or None, iteration)
        self.breakpoints[state] = point
        return point

    # -- starting a debugged execution ----------------------------------------------------------
    def start(self, engine: Engine, playbook: CompiledPlaybook, options: RunOptions) -> str:
        """Start an execution under this debugger as a task of ``engine`` (which can kill it);
        returns its session id."""
        from runtime.engine.runner import KillSwitch, new_session_id

        execution_id = new_session_id()
        switch = self._switch(KillSwitch(), playbook)
        task = asyncio.ensure_future(engine.run(playbook, options, execution_id=execution_id,
                                                switch=switch))
        engine.running[execution_id] = (task, switch)
        task.add_done_callback(lambda _t: engine.running.pop(execution_id, None))
        return execution_id

    async def run(self, engine: Engine, playbook: CompiledPlaybook,
                  options: RunOptions) -> ExecutionResult:
        """Run an execution under this debugger to its end."""
        from runtime.engine.runner import KillSwitch

        return await engine.run(playbook, options, switch=self._switch(KillSwitch(), playbook))

    def _switch(self, switch: Any, playbook: CompiledPlaybook) -> Any:
        # The kill switch is shared by an execution and its Circuit children, so the
        # interpreter finds the debugger on it in both (runtime.engine.interpreter).
        switch.debugger = self
        self._playbook = playbook
        return switch

    # -- the interpreter's hook -----------------------------------------------------------------
    async def before(self, ctx: RunContext, cursor: Cursor, handler: Any, data: Any,
                     frame: Frame) -> tuple[Any, Any]:
        """Called before each state; returns the handler and input to run it with."""
        while not self._running.is_set():  # another pathway is paused: wait at this state
            await self._running.wait()
        reason = self._reason(ctx, handler, data, frame)
        if reason is None:
            return handler, data
        paused = Paused(ctx.execution_id, handler.name, handler.type, data, frame, reason,
                        cursor.now, ctx.options.circuit_depth)
        self.paused = paused
        self._handler = handler
        self._skip = (False, None)
        self._running.clear()
        self._notify(paused)
        loop = asyncio.get_running_loop()
        began = loop.time()
        try:
            await self._running.wait()
        finally:
            self.paused_seconds += loop.time() - began
            if self.paused is paused:
                self.paused = None
                self._running.set()
            self._notify(None)
        skip, output = self._skip
        if skip:
            return _Skipped(handler, output), paused.input
        return handler, paused.input

    def _reason(self, ctx: RunContext, handler: Any, data: Any, frame: Frame) -> str | None:
        depth = ctx.options.circuit_depth
        if self._mode == "any" or (self._mode == "step" and depth <= self._depth):
            return "step"
        point = self.breakpoints.get(handler.name)
        if point is not None and ctx.playbook is self._playbook and point.hits(data, frame[2]):
            return "breakpoint"
        return None

    def _notify(self, paused: Paused | None) -> None:
        for listener in list(self.listeners):
            listener(paused)

    # -- commands while paused --------------------------------------------------------------------
    def _need_paused(self) -> Paused:
        if self.paused is None:
            raise DebugError("the execution is not paused")
        return self.paused

    def _go(self, mode: str) -> None:
        paused = self._need_paused()
        self._mode = mode
        self._depth = paused.depth
        self.paused = None
        self._running.set()

    def resume(self) -> None:
        """Continue to the next breakpoint (F5)."""
        self._go("run")

    def step(self) -> None:
        """Run the paused state and pause at the next one of this execution or its parent."""
        self._go("step")

    def step_into(self) -> None:
        """Run the paused state and pause at the very next state (a Circuit's first)."""
        self._go("any")

    def pause(self) -> None:
        """Pause at the next state that starts."""
        self._mode = "any"

    def edit_input(self, value: Any) -> None:
        """Replace the paused state's input before it runs."""
        self._need_paused().input = value

    def skip(self, output: Any, *, then: str = "step") -> None:
        """Skip the paused state with ``output`` as its result, then ``step`` or ``run``.

        Raises:
            DebugError: Not paused, a state that cannot be skipped, or an output without the
                catalog's success shape.
        """
        paused = self._need_paused()
        if paused.type in UNSKIPPABLE:
            raise DebugError(f"a {paused.type.title()} state cannot be skipped"
                             + ("; edit its input instead" if paused.type == "branch" else ""))
        problems = self.output_problems(self._handler, output)
        if problems:
            raise DebugError("the output does not have the catalog's success shape: "
                             + "; ".join(problems[:5]))
        self._skip = (True, output)
        self._go("step" if then == "step" else "run")

    def output_problems(self, handler: Any, output: Any) -> list[str]:
        """Why ``output`` cannot stand for the result of ``handler``'s state (a handler or a
        state name of the debugged playbook): the catalog's success shape."""
        playbook = self._playbook
        if isinstance(handler, str):
            handler = playbook.handlers.get(handler) if playbook else None
        catalog_id = getattr(handler, "catalog_id", None)
        if playbook is None or not catalog_id:
            return []
        entry = playbook.catalog.get(catalog_id)
        if entry is None or entry.success_response is None:
            return []
        return shape_problems(entry.success_response, output)
