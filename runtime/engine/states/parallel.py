"""Parallel: runs its paths concurrently; any failure fails it and stops the other paths.

Each path is a pathway of its own (see :mod:`runtime.engine.runner` for how pathways decide an
execution's status). The output is an object keyed by path name, placed at ``result_path``.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from runtime.engine.clock import Join
from runtime.engine.errors import PathFailed
from runtime.engine.interpreter import run_path
from runtime.engine.states.base import AsyncOutcome, Frame, StateHandler

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

    async def astep(
        self, ctx: RunContext, cursor: Cursor, data: Any, seq: int, frame: Frame
    ) -> AsyncOutcome:
        inp = self.select_input(data)
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
        failed = [t for t in tasks if t in done and not t.cancelled() and t.exception()]
        if failed:
            await _cancel_all(list(pending))
            cursor.join(cursors)
            first = failed[0].exception()
            if isinstance(first, PathFailed):
                raise PathFailed(first.error, f"path failed at {first.state!r}: {first.cause}",
                                 self.name)
            raise first  # type: ignore[misc]
        cursor.join(cursors)
        result = {path: task.result() for (path, _), task in zip(self.paths, tasks, strict=True)}
        out = self.select_output(self.place_result(data, result))
        return self.next, out, f"{len(self.paths)} paths succeeded", "success", None, None


async def _cancel_all(tasks: Sequence[asyncio.Future[Any]]) -> None:
    for task in tasks:
        task.cancel()
    if tasks:
        await asyncio.gather(*tasks, return_exceptions=True)
