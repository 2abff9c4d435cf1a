"""The interpreter loop: run one pathway from a state until End, a terminal state or a failure.

The loop is short on purpose: count the transition, let the state's handler run its life
cycle (:mod:`runtime.engine.states.base`), record the step as one
:class:`~runtime.history.records.StepRow` (the transition taken is a field of it), move on.
A Success reached inside a Parallel path or a Batch body ends the whole execution
(:class:`~runtime.engine.errors.ExecutionEnded`), as the reference says it does.
Synchronous states (Pass, Branch, Success, Failure) run without an ``await``; the loop yields to
the event loop by time slice (every ~4 ms), never per step, so a long run neither freezes the
UI nor pays ~11 µs per step for a yield. In-flight async steps are tracked so that a kill or the
reaper can record them as ended.
"""

from __future__ import annotations

import asyncio
import time
from typing import TYPE_CHECKING, Any

from runtime.engine.context import dumps_io
from runtime.engine.errors import ExecutionEnded, ExecutionStopped, PathFailed, StepError

if TYPE_CHECKING:
    from runtime.engine.clock import Cursor
    from runtime.engine.context import RunContext
    from runtime.engine.states.base import Frame

SLICE = 0.004
ROOT_FRAME: Frame = (None, None, None)


async def run_path(
    ctx: RunContext,
    cursor: Cursor,
    name: str | None,
    data: Any,
    frame: Frame = ROOT_FRAME,
    *,
    single: bool = False,
) -> Any:
    """Run states from ``name`` until the pathway ends; return its output.

    While several pathways of one execution are runnable (parallel paths, batch workers), the
    ~4 ms time slice is shared among them, so one pass of the event loop never runs N slices.

    Raises:
        PathFailed: The pathway ended in a Failure state or an uncaught step error.
        ExecutionStopped: The transition cap, the reaper or a kill.
    """
    ctx.active += 1
    try:
        return await _run_steps(ctx, cursor, name, data, frame, single=single)
    finally:
        ctx.active -= 1


async def _run_steps(
    ctx: RunContext,
    cursor: Cursor,
    name: str | None,
    data: Any,
    frame: Frame = ROOT_FRAME,
    *,
    single: bool = False,
) -> Any:
    """The loop proper (see :func:`run_path`)."""
    handlers = ctx.playbook.handlers
    eid = ctx.execution_id
    bus = ctx.bus
    parent_seq, path_name, iteration = frame
    perf = time.perf_counter
    debug = getattr(ctx.switch, "debugger", None)  # runtime.engine.debug, when debugging
    outcome: tuple[Any, ...]  # an Outcome (or the passthrough's plain tuple of its fields)
    while name is not None:
        handler = handlers[name]
        if debug is not None:  # may pause here, swap in a skip, or hand back an edited input
            handler, data = await debug.before(ctx, cursor, handler, data, frame)
        if ctx.transitions >= ctx.max_transitions:
            ctx.count_transition()  # raises: the cap is reached
        ctx.transitions += 1
        ctx.seq += 1
        seq = ctx.seq
        started = cursor.now
        if bus.active:
            bus.publish(("step_started", eid, seq, name, handler.type, started, iteration,
                         parent_seq))
        try:
            if handler.is_async:
                ctx.inflight[seq] = (name, handler.type, started, frame, cursor)
                try:
                    outcome = await handler.astep(ctx, cursor, data, seq, frame)
                except (asyncio.CancelledError, ExecutionStopped) as stop:
                    _record_stopped(ctx, seq, handler, started, cursor.now, frame, data, stop)
                    raise
                finally:
                    ctx.inflight.pop(seq, None)
            elif handler.passthrough:  # a bare Pass: the life cycle would change nothing
                outcome = (handler.next, data, None, handler.edge, "success", None, None, None,
                           None)
            else:
                outcome = handler.step(ctx, data)
        except StepError as err:
            _record_failure(ctx, seq, handler, started, cursor.now, frame, data, err.code,
                            err.message, err.detail, err.params)
            raise PathFailed(err.code, err.message, name, err.detail) from None
        except PathFailed as failed:
            _record_failure(ctx, seq, handler, started, cursor.now, frame, data, failed.error,
                            failed.cause, failed.detail, None)
            raise
        except ExecutionEnded as ended:
            ctx.add_step((
                eid, seq, name, handler.type, "success", started, cursor.now,
                f"the execution ended at {ended.state!r} (Success)", None, iteration,
                parent_seq, path_name, None, ctx.dump_io(data) if ctx.record_io else None,
                None, None, None, None))
            raise
        nxt, out, message, transition, status, code, child, params, detail = outcome
        # The row is a plain tuple in StepRow field order (SQLite binds exact tuples a third
        # faster); add_step publishes it to listeners as a StepRow.
        if ctx.record_io:
            ctx.add_step((
                eid, seq, name, handler.type, status, started, cursor.now, message, code,
                iteration, parent_seq, path_name, child, ctx.dump_io(data), ctx.dump_io(out),
                transition, None if params is None else dumps_io(params), detail))
        else:
            ctx.add_step((
                eid, seq, name, handler.type, status, started, cursor.now, message, code,
                iteration, parent_seq, path_name, child, None, None, transition, None,
                detail))
        if parent_seq is not None and handler.terminal:
            raise ExecutionEnded(name, out)
        if perf() > ctx.yield_at:
            await asyncio.sleep(0)
            ctx.yield_at = perf() + SLICE / ctx.active
        if single:
            return out
        data = out
        name = nxt
    return data


STOPPED_BY_PARALLEL = "Stopped: another path of the Parallel failed"


def stop_note_for(exc: BaseException) -> str:
    """Why the other paths of a Parallel or the other items of a Batch were stopped."""
    if isinstance(exc, ExecutionEnded):
        return f"Stopped: the execution ended at {exc.state!r} (Success)"
    if isinstance(exc, PathFailed):
        where = f" at {exc.state!r}" if exc.state else ""
        return f"Stopped: the execution failed{where}: {exc.error}"
    return STOPPED_BY_PARALLEL


def _record_stopped(
    ctx: RunContext,
    seq: int,
    handler: Any,
    started: float,
    ended: float,
    frame: Frame,
    data: Any,
    stop: BaseException,
) -> None:
    """Record a step cut short: killed, reaped, past the cap, or stopped by a sibling path.

    A kill or a sibling's end cancels the step (status ``killed``); the reaper and the
    transition cap raise :class:`ExecutionStopped` in the step itself (status ``failed``).
    """
    from runtime.engine.runner import KILLED_MESSAGE

    if isinstance(stop, ExecutionStopped):
        ctx.stopped = ctx.stopped or stop
        status, message = "failed", stop.message
    else:
        status = "killed"
        if ctx.switch is not None and ctx.switch.killed:
            message = KILLED_MESSAGE
        elif ctx.stopped is not None:
            message = ctx.stopped.message
        else:
            message = ctx.stop_note or STOPPED_BY_PARALLEL
    parent_seq, path_name, iteration = frame
    ctx.add_step((
        ctx.execution_id, seq, handler.name, handler.type, status, started, max(ended, started),
        message, None, iteration, parent_seq, path_name, None,
        dumps_io(data) if ctx.record_io else None, None, None, None, None))


def _record_failure(
    ctx: RunContext,
    seq: int,
    handler: Any,
    started: float,
    ended: float,
    frame: Frame,
    data: Any,
    code: str,
    message: str,
    detail: str | None,
    params: Any,
) -> None:
    parent_seq, path_name, iteration = frame
    text = f"{code}: {message}" if code else message
    ctx.log("ERROR", f"{handler.name}: {text}", seq, ended, detail)
    io = ctx.record_io
    ctx.add_step((
        ctx.execution_id, seq, handler.name, handler.type, "failed", started, ended, message,
        code, iteration, parent_seq, path_name, None, dumps_io(data) if io else None, None,
        None, dumps_io(params) if io and params is not None else None, detail))
