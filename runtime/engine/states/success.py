"""Success: ends its pathway successfully; the output is the input."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from runtime.engine.states.base import StateHandler, SyncOutcome

if TYPE_CHECKING:
    from runtime.engine.context import RunContext


class SuccessHandler(StateHandler):
    terminal = True

    def step(self, ctx: RunContext, data: Any) -> SyncOutcome:
        return None, self.select_output(self.select_input(data)), "Execution path succeeded"
