"""Function: the document's custom Python function, run in the sandbox process.

Its stdout and stderr become the step's OS logs. A function that raises, hangs or floods
output fails the step (``FUNCTION_ERROR`` / ``FUNCTION_TIMEOUT``) with the sandbox's message;
a kill cancels the call and the sandbox kills the whole process group.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

from runtime.engine.clock import reaped
from runtime.engine.errors import StepError
from runtime.engine.states.task import TaskHandler

if TYPE_CHECKING:
    from runtime.engine.clock import Cursor
    from runtime.engine.compiled import CompiledPlaybook
    from runtime.engine.context import RunContext
    from runtime.model.states import FunctionState


class FunctionHandler(TaskHandler):
    def __init__(self, name: str, state: FunctionState, playbook: CompiledPlaybook) -> None:
        super().__init__(name, state, playbook)
        self.function_id = state.function_id or ""
        self.source = playbook.functions.get(self.function_id)

    async def call(
        self, ctx: RunContext, cursor: Cursor, params: dict[str, Any], seq: int, inp: Any
    ) -> tuple[Any, str | None, str | None]:
        from runtime.sandbox import SandboxLimits, run_function

        if not self.source:
            raise StepError("FUNCTION_NOT_FOUND",
                            f"custom function {self.function_id!r} has no source in the playbook")
        limits = ctx.sandbox_limits or SandboxLimits(timeout=ctx.options.function_timeout)
        # A function's real running time is its simulated time, so the session reaper's
        # deadline is this many real seconds away; past it the sandbox's process group is
        # killed (cancelling run_function does that) and the execution is reaped.
        remaining = max(0.0, cursor.deadline - cursor.now)
        try:
            async with asyncio.timeout(remaining):
                result = await run_function(self.source, params, limits=limits,
                                            function_id=self.function_id)
        except TimeoutError:
            cursor.now = cursor.deadline
            raise reaped() from None
        cursor.advance(result.duration)
        eid = ctx.execution_id
        for stream, text in (("stdout", result.stdout), ("stderr", result.stderr)):
            if text:
                ctx.os_logs.append((eid, seq, stream, text))
        if not result.ok:
            code = "FUNCTION_TIMEOUT" if result.error_type == "timeout_error" else "FUNCTION_ERROR"
            raise StepError(code, result.message or "the function failed",
                            error_type=result.error_type or "execution_error")
        return result.value, f"function ran in {result.duration:.2f} s", None
