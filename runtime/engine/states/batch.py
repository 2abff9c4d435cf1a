"""Batch: runs its body once per item of ``collection_path``, at most ``batch_size`` at once.

Each item's run is a pathway, recorded with its iteration index; the item is bound in the
body's input as ``collection_variable`` (``$.<variable>``) with ``$.batch_index`` beside it; the
rest of the batch's input comes along, except the key holding the collection.
Results are collected in item order. A Failure (or an uncaught error) in any item fails the
whole execution and a Success in any item ends it as succeeded; either way the other items
are stopped (their running steps recorded as ``killed``, items not yet started never run).
The batch step fails when its collection is missing, not an array or too large. What differs
from the base life cycle: :meth:`BatchHandler.aexecute` runs the items; the base places the
list of results at ``result_path``.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

from runtime.engine.clock import Join
from runtime.engine.errors import PathFailed, StepError
from runtime.engine.interpreter import run_path, stop_note_for
from runtime.engine.states.base import Frame, Outcome, StateHandler
from runtime.paths import PathMissing, compile_path

if TYPE_CHECKING:
    from runtime.engine.clock import Cursor
    from runtime.engine.compiled import CompiledPlaybook
    from runtime.engine.context import RunContext
    from runtime.model.states import BatchState

MAX_ITEMS = 100_000


class BatchHandler(StateHandler):
    is_async = True

    def __init__(self, name: str, state: BatchState, playbook: CompiledPlaybook) -> None:
        super().__init__(name, state, playbook)
        self.collection = compile_path(state.collection_path or "$")
        self.variable = state.collection_variable or "item"
        self.root = state.root
        self.size = int(state.batch_size or 10)

    def _body_base(self, inp: Any) -> dict[str, Any]:
        """The input every item's body shares: the batch input without the collection's root
        key (so N items never carry N copies of the collection, which at DEBUG would record
        the whole collection once per step)."""
        if not isinstance(inp, dict):
            return {}
        segments = self.collection.segments
        if segments and isinstance(segments[0], str) and segments[0] in inp:
            return {k: v for k, v in inp.items() if k != segments[0]}
        return inp

    def _items(self, inp: Any) -> list[Any]:
        try:
            items = self.collection.get(inp)
        except PathMissing:
            raise StepError("BATCH_COLLECTION_NOT_FOUND",
                            f"{self.collection.text} names nothing in the input") from None
        if not isinstance(items, list):
            raise StepError("BATCH_COLLECTION_NOT_ARRAY",
                            f"{self.collection.text} is not an array")
        if len(items) > MAX_ITEMS:
            raise StepError("BATCH_COLLECTION_TOO_LARGE",
                            f"{len(items):,} items; the limit is {MAX_ITEMS:,}")
        return items

    async def aexecute(
        self, ctx: RunContext, cursor: Cursor, data: Any, inp: Any, seq: int, frame: Frame
    ) -> Outcome:
        items = self._items(inp)
        results: list[Any] = [None] * len(items)
        queue = iter(range(len(items)))
        base = self._body_base(inp)
        variable = self.variable
        name = self.name

        async def worker(cur: Cursor) -> None:
            try:
                for index in queue:
                    body_input = {**base, variable: items[index], "batch_index": index}
                    try:
                        results[index] = await run_path(ctx, cur, self.root, body_input,
                                                        (seq, frame[1], index))
                    except PathFailed as failed:
                        ctx.pathways_failed += 1
                        ctx.stop_note = ctx.stop_note or stop_note_for(failed)
                        raise PathFailed(failed.error, f"item {index} failed at "
                                         f"{failed.state!r}: {failed.cause}", name,
                                         failed.detail) from None
                    ctx.pathways_ok += 1
            except asyncio.CancelledError:
                join.child_done(cur, failed=False)
                raise
            except BaseException as exc:
                ctx.stop_note = ctx.stop_note or stop_note_for(exc)
                join.child_done(cur, failed=True)
                raise
            join.child_done(cur, failed=False)

        cursors = [cursor.fork() for _ in range(min(self.size, len(items)) or 1)]
        join = Join(cursor, cursors)
        workers = [asyncio.ensure_future(worker(cur)) for cur in cursors]
        try:
            await asyncio.gather(*workers)
        except BaseException:
            join.parent_resumed()
            for task in workers:
                task.cancel()
            await asyncio.gather(*workers, return_exceptions=True)
            raise
        join.parent_resumed()
        cursor.join(cursors)
        return self.moved_on(results, f"{len(items)} items succeeded")
