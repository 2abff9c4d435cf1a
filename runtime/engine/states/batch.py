"""Batch: runs its body once per item of ``collection_path``, at most ``batch_size`` at once.

Each item's run is a pathway, recorded with its iteration index; the item is bound in the
body's input as ``collection_variable`` (``$.<variable>``) with ``$.batch_index`` beside it; the
rest of the batch's input comes along, except the key holding the collection.
Results are collected in item order; a failed item's result is its error object
(``{"error", "cause"}``) and the batch goes on. The batch itself fails only when every item
failed (or the collection is not an array).
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

from runtime.engine.clock import Join
from runtime.engine.errors import PathFailed, StepError
from runtime.engine.interpreter import run_path
from runtime.engine.states.base import AsyncOutcome, Frame, StateHandler
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

    async def astep(
        self, ctx: RunContext, cursor: Cursor, data: Any, seq: int, frame: Frame
    ) -> AsyncOutcome:
        inp = self.select_input(data)
        items = self._items(inp)
        results: list[Any] = [None] * len(items)
        counts = [0, 0]
        queue = iter(range(len(items)))
        base = self._body_base(inp)
        variable = self.variable

        async def worker(cur: Cursor) -> None:
            try:
                for index in queue:
                    body_input = {**base, variable: items[index], "batch_index": index}
                    try:
                        results[index] = await run_path(ctx, cur, self.root, body_input,
                                                        (seq, frame[1], index))
                        counts[0] += 1
                        ctx.pathways_ok += 1
                    except PathFailed as failed:
                        results[index] = {"error": failed.error, "cause": failed.cause}
                        counts[1] += 1
                        ctx.pathways_failed += 1
            except asyncio.CancelledError:
                join.child_done(cur, failed=False)
                raise
            except BaseException:
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
        message = f"{len(items)} items: {counts[0]} succeeded, {counts[1]} failed"
        if items and counts[0] == 0:
            raise StepError("BATCH_ALL_ITEMS_FAILED", message)
        out = self.select_output(self.place_result(data, results))
        return self.next, out, message, "success", None, None
