"""Parallel: runs its paths concurrently; the output is an object keyed by path name.

Each path is a pathway of its own. A Failure (or an uncaught error) in any path fails the
whole execution; a Success in any path ends the whole execution as succeeded. Either way the
other paths are stopped: their running steps are recorded as ``killed`` with a message that
says why (see :func:`runtime.engine.interpreter.stop_siblings`). What differs from the base
life cycle: :meth:`ParallelHandler.aexecute` runs the paths on the selected input; the base
places the object at ``result_path``.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from runtime.engine.clock import Join
from runtime.engine.errors import PathFailed
from runtime.engine.interpreter import run_path, stop_note_for
from runtime.engine.states.base import Frame, Outcome, StateHandler

if TYPE_CHECKING:
    from runtime.engine.clock import Cursor
    from runtime.engine.compiled import CompiledPlaybook
    from runtime.engine.context import RunContext
    from runtime.model.states import ParallelState


async def run_pathway(
    ctx: RunContext, cursor: Cursor, root: str, data: Any, frame: Frame, join: Join
) -> Any:
    """Run one sub-pathway and count it as succeeded or failed."""
    try:
        out = await run_path(ctx, cursor, root, data, frame)
    except asyncio.CancelledError:
        ctx.pathways_failed += 1
        join.child_done(cursor, failed=False)
        raise
    except BaseException:
        ctx.pathways_failed += 1
        join.child_done(cursor, failed=True)
        raise
    ctx.pathways_ok += 1
    join.child_done(cursor, failed=False)
    return out


class ParallelHandler(StateHandler):
    is_async = True

    def __init__(self, name: str, state: ParallelState, playbook: CompiledPlaybook) -> None:
        super().__init__(name, state, playbook)
        self.paths = [(p.name, p.root) for p in state.paths]

    async def aexecute(
        self, ctx: RunContext, cursor: Cursor, data: Any, inp: Any, seq: int, frame: Frame
    ) -> Outcome:
        cursors = [cursor.fork() for _ in self.paths]
        join = Join(cursor, cursors)
        tasks = [
            asyncio.ensure_future(run_pathway(ctx, cur, root, inp, (seq, path, frame[2]), join))
            for cur, (path, root) in zip(cursors, self.paths, strict=True)
        ]
        try:
            done, pending = await asyncio.wait(tasks, return_when=asyncio.FIRST_EXCEPTION)
        except asyncio.CancelledError:
            join.parent_resumed()
            await _cancel_all(tasks)
            raise
        join.parent_resumed()
        ended = [t for t in tasks if t in done and not t.cancelled() and t.exception()]
        if ended:
            first = ended[0].exception()
            assert first is not None
            ctx.stop_note = ctx.stop_note or stop_note_for(first)
            await _cancel_all(list(pending))
            cursor.join(cursors)
            if isinstance(first, PathFailed):
                raise PathFailed(first.error, f"path failed at {first.state!r}: {first.cause}",
                                 self.name, first.detail)
            raise first
        cursor.join(cursors)
        result = {path: task.result() for (path, _), task in zip(self.paths, tasks, strict=True)}
        return self.moved_on(result, f"{len(self.paths)} paths succeeded")


async def _cancel_all(tasks: Sequence[asyncio.Future[Any]]) -> None:
    for task in tasks:
        task.cancel()
    if tasks:
        await asyncio.gather(*tasks, return_exceptions=True)
