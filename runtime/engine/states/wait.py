"""Wait: pauses its pathway for ``duration`` seconds of simulated time."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from runtime.engine.states.base import Frame, Outcome, StateHandler

if TYPE_CHECKING:
    from runtime.engine.clock import Cursor
    from runtime.engine.compiled import CompiledPlaybook
    from runtime.engine.context import RunContext
    from runtime.model.states import WaitState


def human_seconds(seconds: float) -> str:
    for unit, size in (("d", 86400), ("h", 3600), ("min", 60)):
        if seconds >= size and seconds % size == 0:
            return f"{seconds // size:g} {unit}"
    return f"{seconds:g} s"


class WaitHandler(StateHandler):
    is_async = True

    def __init__(self, name: str, state: WaitState, playbook: CompiledPlaybook) -> None:
        super().__init__(name, state, playbook)
        self.duration = float(state.duration or 0)

    async def aexecute(
        self, ctx: RunContext, cursor: Cursor, data: Any, inp: Any, seq: int, frame: Frame
    ) -> Outcome:
        await cursor.sleep(self.duration)
        return self.moved_on(inp, f"waited {human_seconds(self.duration)}")
